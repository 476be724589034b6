from django.urls import path

from portal.cases.views import move_urls
from registration.programmes import views
from registration.programmes.models import ProgrammeRequest

app_name = "programmes"

urlpatterns = [
    path("", views.ProgrammeRequestListView.as_view(), name="list"),
    path("new/", views.ProgrammeRequestCreateView.as_view(), name="create"),
    path("<str:reference>/", views.ProgrammeRequestDetailView.as_view(), name="detail"),
    *move_urls(ProgrammeRequest, views),
]

from django.urls import path

from centres.registration.programmes import views
from centres.registration.programmes.steps import STEPS

app_name = "programmes"

urlpatterns = [
    path("", views.ProgrammeRequestListView.as_view(), name="list"),
    path("new/", views.ProgrammeRequestCreateView.as_view(), name="create"),
    path("<str:reference>/", views.ProgrammeRequestDetailView.as_view(), name="detail"),
    *STEPS.urls(views.ProgrammeRequestDetailView),
]

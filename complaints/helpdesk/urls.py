from django.urls import path

from complaints.helpdesk import views
from complaints.helpdesk.models import Query
from portal.cases.views import move_urls

app_name = "queries"

urlpatterns = [
    path("", views.QueriesView.as_view(), name="list"),
    path("new/", views.QueryCreateView.as_view(), name="create"),
    path("<str:reference>/", views.QueryDetailView.as_view(), name="detail"),
    *move_urls(Query, views),
]

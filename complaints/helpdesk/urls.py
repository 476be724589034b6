from django.urls import path

from complaints.helpdesk import views
from complaints.helpdesk.steps import STEPS

app_name = "queries"

urlpatterns = [
    path("", views.QueriesView.as_view(), name="list"),
    path("new/", views.QueryCreateView.as_view(), name="create"),
    path("<str:reference>/", views.QueryDetailView.as_view(), name="detail"),
    *STEPS.urls(views.QueryDetailView),
]

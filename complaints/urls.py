from django.urls import path

from complaints import views
from complaints.models import Complaint
from complaints.steps import STEPS
from portal.cases.views import move_urls

app_name = "complaints"

urlpatterns = [
    path("", views.ComplaintListView.as_view(), name="list"),
    path("new/", views.ComplaintCreateView.as_view(), name="create"),
    path("public/", views.PublicComplaintView.as_view(), name="public"),
    path("public/sent/", views.public_sent, name="public_sent"),
    path("report/", views.ReportView.as_view(), name="report"),
    path("report.csv", views.report_csv, name="report_csv"),
    path("<str:reference>/", views.ComplaintDetailView.as_view(), name="detail"),
    *STEPS.urls(views.ComplaintDetailView),
    *move_urls(Complaint, views),
]

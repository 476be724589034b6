from django.urls import path

from results.enquiries import views
from results.enquiries.steps import STEPS

app_name = "enquiries"

urlpatterns = [
    path("", views.EnquiriesView.as_view(), name="list"),
    path("new/", views.EnquiryCreateView.as_view(), name="create"),
    path("<str:reference>/", views.EnquiryDetailView.as_view(), name="detail"),
    *STEPS.urls(views.EnquiryDetailView),
]

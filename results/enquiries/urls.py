from django.urls import path

from portal.cases.views import move_urls
from results.enquiries import views
from results.enquiries.models import Enquiry

app_name = "enquiries"

urlpatterns = [
    path("", views.EnquiriesView.as_view(), name="list"),
    path("new/", views.EnquiryCreateView.as_view(), name="create"),
    path("<str:reference>/", views.EnquiryDetailView.as_view(), name="detail"),
    *move_urls(Enquiry, views),
]

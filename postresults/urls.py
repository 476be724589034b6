from django.urls import path

from portal.cases.views import move_urls
from postresults import views
from postresults.models import ServiceRequest

app_name = "postresults"

urlpatterns = [
    path("", views.ServiceRequestListView.as_view(), name="list"),
    path("new/", views.ServiceRequestCreateView.as_view(), name="create"),
    path("certifying-statement/", views.CertifyingStatementView.as_view(), name="public"),
    path("certifying-statement/sent/", views.public_sent, name="public_sent"),
    path("<str:reference>/", views.ServiceRequestDetailView.as_view(), name="detail"),
    *move_urls(ServiceRequest, views),
]

from django.urls import include, path

from results.postresults import views
from results.postresults.steps import CERTIFICATES, REQUEST
from results.postresults.views import certificates

app_name = "postresults"

certificate_urls = [
    path("", certificates.CertificateDespatchListView.as_view(), name="list"),
    path("<str:reference>/", certificates.CertificateDespatchDetailView.as_view(), name="detail"),
    *CERTIFICATES.urls(certificates.CertificateDespatchDetailView),
]

urlpatterns = [
    path("", views.ServiceRequestListView.as_view(), name="list"),
    path("new/", views.ServiceRequestCreateView.as_view(), name="create"),
    path("certifying-statement/", views.CertifyingStatementView.as_view(), name="public"),
    path("certifying-statement/sent/", views.public_sent, name="public_sent"),
    # Before a request's reference: "certificates" is no reference.
    path("certificates/", include((certificate_urls, "certificates"))),
    path("<str:reference>/", views.ServiceRequestDetailView.as_view(), name="detail"),
    *REQUEST.urls(views.ServiceRequestDetailView),
]

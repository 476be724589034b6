"""The public API, version 1: the token endpoint, file downloads and every app's registered
viewsets."""

from django.urls import include, path

from portal.accounts.api import TokenView
from portal.api.router import discover, router
from portal.uploads.api import FileDownloadView

discover()

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("files/<uuid:public_id>/", FileDownloadView.as_view(), name="api-file"),
    path("", include(router.urls)),
]

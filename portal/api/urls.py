"""The public API, version 1: the token endpoint, file downloads and every app's registered
viewsets."""

from django.urls import path

from portal.accounts.api import TokenView
from portal.addresses import ByFirstPart
from portal.api.router import discover, router
from portal.uploads.api import FileDownloadView

discover()

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("files/<uuid:public_id>/", FileDownloadView.as_view(), name="api-file"),
    # Some 250 routes (each with and without a format suffix), found by their first part.
    ByFirstPart(router.urls),
]

"""The public API, version 1: the token endpoint and every app's registered viewsets."""

from django.urls import include, path

from portal.accounts.api import TokenView
from portal.api.router import discover, router

discover()

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]

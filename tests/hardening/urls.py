"""The portal's addresses plus views that fail on purpose, to see how failures are answered."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from portal.urls import handler400, handler403, handler404, handler500, urlpatterns


def fault(request):
    raise RuntimeError("secret internal detail")


def forbidden(request):
    raise PermissionDenied("secret internal detail")


urlpatterns = [
    path("api/v1/fault/", fault),
    path("fault/", fault),
    path("forbidden/", forbidden),
    path("api/v1/forbidden/", forbidden),
    *urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

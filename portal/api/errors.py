"""One shape for every API error, as the public contract gives it.

Validation errors answer 400 ``{"errors": {field: [messages]}}``; everything else keeps
DRF's ``{"detail": "..."}``. A refused transition (the app's ``TransitionNotAllowed``)
answers 409 here, in one place, so viewsets only call services; a refused upload answers
415 (its type) or 413 (its size), with the field errors.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.errors import PortalError, TransitionNotAllowed, UploadRefused


def exception_handler(exc, context):
    if isinstance(exc, TransitionNotAllowed):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, UploadRefused):
        return Response({"errors": exc.as_errors()}, status=exc.status)
    if isinstance(exc, PortalError):
        exc = exceptions.ValidationError(exc.as_errors())
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = response.data
        if isinstance(detail, list):
            detail = {"non_field_errors": detail}
        response.data = {"errors": detail}
    return response

"""One shape for every API error, as the public contract gives it.

Validation errors answer 400 ``{"errors": {field: [messages]}}``; everything else keeps
DRF's ``{"detail": "..."}``. A refused transition (the app's ``TransitionNotAllowed``)
answers 409 here, in one place, so viewsets only call services; a refused upload answers
415 (its type) or 413 (its size), with the field errors. Django's own refusals of a request
(a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413; too many fields or files: 400) and a
database that cannot be reached (503) keep the same shapes. Whatever this handler leaves
(a fault) goes on to Django's ``handler500``, which logs it and answers 500 in JSON.
"""

import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from portal.errorpages import API_DETAILS, is_database_outage
from portal.errors import PortalError, TransitionNotAllowed, UploadRefused
from portal.guards import refusal_for

logger = logging.getLogger("portal.api")


def exception_handler(exc, context):
    if isinstance(exc, TransitionNotAllowed):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, UploadRefused):
        return Response({"errors": exc.as_errors()}, status=exc.status)
    if isinstance(exc, SuspiciousOperation):
        refusal = refusal_for(exc)
        return Response({"detail": refusal.detail}, status=refusal.status)
    if isinstance(exc, DataError):
        # A value the database refused (out of its range): the input's fault, but one that
        # validation should have caught, so it is logged with its traceback.
        logger.warning("Database refused a value", exc_info=exc)
        set_rollback()
        return Response({"detail": API_DETAILS[400]}, status=status.HTTP_400_BAD_REQUEST)
    if is_database_outage(exc):
        logger.error("Database unavailable", exc_info=exc)
        set_rollback()
        return Response({"detail": API_DETAILS[503]}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    if isinstance(exc, PortalError):
        exc = exceptions.ValidationError(exc.as_errors())
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # A rule's own refusal says why (e.g. "another member of staff must decide this").
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = response.data
        if isinstance(detail, list):
            detail = {"non_field_errors": detail}
        response.data = {"errors": detail}
    return response

"""The answer to a refused or failed request, in the portal's own shapes.

Under /api/ every error is JSON in the contract's shapes; elsewhere it is a page in the
portal's layout, in plain words and without internal details. The error views
(``portal.core.views``) and the guard against hostile input (``portal.guards``) both answer
through ``error_response``.
"""

from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

API_DETAILS = {
    400: "The request was not understood.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    413: "The request body is larger than the portal accepts.",
    500: "Something went wrong on our side. It has been recorded; please try again later.",
    503: "The service is unavailable for a moment. Please try again shortly.",
}
ERROR_PAGES = {400: "400.html", 403: "403.html", 404: "404.html", 413: "400.html"}


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def error_response(
    request: HttpRequest,
    status: int,
    *,
    detail: str | None = None,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    """The answer to a refused or failed request: JSON under /api/, a page elsewhere."""
    if is_api_request(request):
        body = {"errors": errors} if errors else {"detail": detail or API_DETAILS[status]}
        return JsonResponse(body, status=status)
    if status >= 500:
        return bare_error_page(status)
    message = detail or (next(iter(errors.values()))[0] if errors else API_DETAILS[status])
    context = {"message": message}
    try:
        return render(request, ERROR_PAGES.get(status, "400.html"), context, status=status)
    except Exception:
        # An error page must never fail in turn: the page with the signed-in user needs the
        # session, and so the database. Without them the layout still renders.
        return bare_error_page(status, template=ERROR_PAGES.get(status, "400.html"), **context)


def bare_error_page(status: int, *, template: str | None = None, **context: Any) -> HttpResponse:
    """An error page that needs no request, session or database (after a server error)."""
    template = template or ("503.html" if status == 503 else "500.html")
    content = loader.render_to_string(template, {"PORTAL_NAME": settings.PORTAL_NAME, **context})
    return HttpResponse(content, status=status)


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)

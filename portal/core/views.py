import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousOperation
from django.db import DataError, InterfaceError, OperationalError
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from portal.core import health
from portal.core.home import officer_home_context, staff_home_context
from portal.guards import is_api_request, refusal_for
from portal.observability import metrics
from portal.permissions import is_staff_user


@require_GET
@never_cache
def healthz(request):
    """Liveness: the process answers. Nothing else is asked, so an outage of a service it
    depends on never gets healthy processes restarted (that is /readyz's business)."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request):
    """Readiness: 200 when every service the portal works with answers, else 503."""
    report = health.run_checks()
    healthy = all(check["ok"] for check in report.values())
    if not (is_staff_user(request.user) or metrics.allowed(request)):
        # Which check failed is for monitors; why (host names, driver errors) is for staff
        # and for the monitoring network.
        report = {name: {"ok": check["ok"]} for name, check in report.items()}
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": report},
        status=200 if healthy else 503,
    )


@login_required
def home(request):
    if request.user.is_staff:
        return render(request, "core/staff_home.html", staff_home_context(request.user))
    return render(request, "core/officer_home.html", officer_home_context(request.user))


# Errors. Under /api/ every error is JSON in the contract's shapes; elsewhere it is a page in
# the portal's layout, in plain words and without internal details.

API_DETAILS = {
    400: "The request was not understood.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    413: "The request body is larger than the portal accepts.",
    500: "Something went wrong on our side. It has been recorded; please try again later.",
    503: "The service is unavailable for a moment. Please try again shortly.",
}
ERROR_PAGES = {400: "400.html", 403: "403.html", 404: "404.html", 413: "400.html"}


def error_response(request, status: int, *, detail: str | None = None, errors=None):
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


def bare_error_page(status: int, *, template: str | None = None, **context):
    """An error page that needs no request, session or database (after a server error)."""
    template = template or ("503.html" if status == 503 else "500.html")
    content = loader.render_to_string(template, {"PORTAL_NAME": settings.PORTAL_NAME, **context})
    return HttpResponse(content, status=status)


def bad_request(request, exception=None):
    refusal = refusal_for(exception) if isinstance(exception, SuspiciousOperation) else None
    if refusal is None:
        return error_response(request, 400)
    return error_response(request, refusal.status, detail=refusal.detail)


def permission_denied(request, exception=None):
    return error_response(request, 403)


def page_not_found(request, exception=None):
    # The exception's message names models and lookups: never shown.
    return error_response(request, 404)


def server_error(request):
    # Django calls this inside its ``except`` block, so the exception is still at hand: a
    # database that cannot be reached is an outage to wait out (503), not a fault (500).
    exc = sys.exception()
    if isinstance(exc, DataError):
        # Input the database refused (a value out of its range): the client's to fix.
        return error_response(request, 400)
    if is_database_outage(exc):
        return error_response(request, 503)
    return error_response(request, 500)


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def csrf_failure(request, reason: str = ""):
    if is_api_request(request):
        return JsonResponse({"detail": f"CSRF Failed: {reason}"}, status=403)
    return render(request, "csrf_failure.html", status=403)


# A small icon and the robots rules, answered at the root where browsers and crawlers ask.

ROBOTS = "User-agent: *\nDisallow: /admin/\nDisallow: /api/\n"


@require_GET
@cache_control(max_age=60 * 60 * 24, public=True)
def favicon(request):
    path = finders.find("favicon.ico")
    return FileResponse(open(path, "rb"), content_type="image/x-icon")


@require_GET
@cache_control(max_age=60 * 60 * 24, public=True)
def robots(request):
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")

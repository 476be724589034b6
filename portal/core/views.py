import sys

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousOperation
from django.db import DataError
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from portal.core import health
from portal.core.home import officer_centres, officer_home_context, staff_home_context
from portal.errorpages import error_response, is_api_request, is_database_outage
from portal.guards import refusal_for
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
    centres = officer_centres(request.user)
    if not centres and hasattr(request.user, "learner_account"):
        # A learner's home is their own results.
        return redirect("learners:home")
    return render(request, "core/officer_home.html", officer_home_context(request.user, centres))


# Errors: the answers themselves are in portal/errorpages.py.


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

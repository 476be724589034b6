from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.core import health
from portal.core.home import officer_home_context, staff_home_context
from portal.permissions import is_staff_user


@require_GET
@never_cache
def healthz(request):
    report = health.run_checks()
    healthy = all(check["ok"] for check in report.values())
    if not is_staff_user(request.user):
        # Which check failed is for monitors; why (host names, driver errors) is for staff.
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

import csv

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.calendar import add_months, london_date
from portal.singleflight import single_flight
from portal.sla import dashboard as figures
from portal.sla.forms import DashboardFilterForm
from portal.spreadsheets import spreadsheet_safe

CHARTER_CACHE_SECONDS = 5 * 60
# Each clock counts once in met_on_time, finished_late, open_now or withdrawn; overdue_now
# is part of open_now; on_time_percent is of met_on_time + finished_late + overdue_now.
CSV_COLUMNS = [
    "service_level", "name", "limit", "month", "started", "met_on_time", "finished_late",
    "open_now", "overdue_now", "withdrawn", "on_time_percent", "median_hours",
]  # fmt: skip


def staff_area(view):
    """Open ``view`` to staff who have passed two-factor sign-in, as the admin does: anyone
    else goes through the admin's sign-in, which sends staff to their second factor and
    turns exams officers away."""
    return admin.site.admin_view(view)


@staff_area
@require_GET
def dashboard(request):
    now = timezone.now()
    as_csv = request.GET.get("format") == "csv"
    form = DashboardFilterForm(request.GET, now=now)
    if not form.is_valid():
        if as_csv:
            return HttpResponse(
                _error_text(form), status=400, content_type="text/plain; charset=utf-8"
            )
        return render(request, "sla/dashboard.html", {"form": form}, status=400)
    filters = form.filters()
    rows = figures.summary(filters, now=now)
    if as_csv:
        return _csv(rows, filters)
    query = request.GET.copy()
    query["format"] = "csv"
    context = {
        "form": form,
        "filters": filters,
        "rows": rows,
        "chart": figures.bar_chart(figures.chart(rows, filters.months)),
        "csv_query": query.urlencode(),
    }
    return render(request, "sla/dashboard.html", context)


def _error_text(form) -> str:
    return "\n".join(
        f"{name}: {message}" for name, messages in form.errors.items() for message in messages
    )


def _csv(rows, filters) -> HttpResponse:
    name = f"service-levels-{filters.first_month:%Y-%m}-to-{filters.last_month:%Y-%m}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        hours = round(row.median_hours, 2) if row.median_hours is not None else None
        cells = [
            row.code, row.name, row.rule.limit_description, f"{row.month:%Y-%m}", row.started,
            row.met, row.late, row.open, row.overdue, row.withdrawn, row.on_time_percent, hours,
        ]  # fmt: skip
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return response


@require_GET
def charter(request):
    """The public charter: each commitment, and how well it was kept last month."""
    now = timezone.now()
    last_month = add_months(london_date(now).replace(day=1), -1)
    # Figures change slowly and the page is public: a few minutes old is fine. The key names
    # the shape of the cached figures, so that a deploy never reads the old shape.
    # Computed again by one request when stale, the others serving the stale figures
    # meanwhile: never by every request that arrives while it is computed.
    standing = single_flight(
        f"sla:charter-standing:v3:{last_month:%Y-%m}",
        lambda: figures.charter_standing(last_month, now=now),
        fresh_for=CHARTER_CACHE_SECONDS,
    )
    return render(request, "sla/charter.html", {"standing": standing, "month": last_month})

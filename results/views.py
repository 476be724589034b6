"""The officers' results pages: the series with their release instants (a countdown in the
centre's own time zone before), a series' results with filters and totals by grade, the CSV
and a printable statement of results per candidate. Every one reads the same rows
(``results.queries``): nothing before the release instant, to the second."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from entries.models import Series
from portal.calendar import local_time
from portal.core.charts import BarChart
from portal.core.charts import Series as ChartSeries
from portal.permissions import centres_visible_to, is_staff_user
from portal.spreadsheets import spreadsheet_safe
from portal.zones import viewer_zone
from results import queries, statements
from results.models import GRADES, Result

CSV_COLUMNS = [
    "series",
    "centre",
    "candidate_number",
    "uci",
    "surname",
    "forenames",
    "syllabus_code",
    "syllabus_title",
    "grade",
    "status",
]


def _refuse_other_roles(user) -> None:
    if is_staff_user(user) and not user.has_perm("results.view_result"):
        raise PermissionDenied("Your role does not work with results.")


def _countdown(release_at, now) -> str:
    left = int((release_at - now).total_seconds())
    days, rest = divmod(left, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} days, {hours} hours"
    if hours:
        return f"{hours} hours, {minutes} minutes"
    return f"{minutes} minutes, {rest % 60} seconds"


@login_required
@never_cache
def index(request):
    """Each series of the officer's centres: released (a link) or to come (when)."""
    _refuse_other_roles(request.user)
    now = timezone.now()
    zone = viewer_zone(request.user)
    if is_staff_user(request.user):
        series = Series.objects.all()
    else:
        series = Series.objects.filter(
            candidates__centre__in=centres_visible_to(request.user)
        ).distinct()
    rows = [
        {
            "series": one,
            "released": one.results_release_at <= now,
            "when": local_time(one.results_release_at, zone),
            "countdown": _countdown(one.results_release_at, now)
            if one.results_release_at > now
            else "",
        }
        for one in series.order_by("-results_release_at")
    ]
    return render(request, "results/index.html", {"rows": rows, "zone": zone.key})


def _filters(request, rows: list[dict]) -> tuple[dict, list[dict]]:
    wanted = {
        "centre": request.GET.get("centre", "").strip().upper(),
        "syllabus_code": request.GET.get("syllabus", "").strip(),
        "grade": request.GET.get("grade", "").strip(),
        "status": request.GET.get("status", "").strip(),
    }
    found = queries.filtered(rows, **wanted)
    candidate = request.GET.get("candidate", "").strip().lower()
    if candidate:
        found = [
            r
            for r in found
            if candidate in r["candidate_number"]
            or candidate in f"{r['surname']} {r['forenames']}".lower()
        ]
    return {**wanted, "candidate": request.GET.get("candidate", "")}, found


@login_required
@never_cache
def series_results(request, code: str):
    _refuse_other_roles(request.user)
    series = get_object_or_404(Series, code=code)
    now = timezone.now()
    zone = viewer_zone(request.user)
    context = {
        "series": series,
        "zone": zone.key,
        "when": local_time(series.results_release_at, zone),
        "release_iso": series.results_release_at.isoformat(),
    }
    if series.results_release_at > now and not is_staff_user(request.user):
        context["countdown"] = _countdown(series.results_release_at, now)
        return render(request, "results/waiting.html", context)
    rows = queries.rows_for(request.user, series=series, now=now)
    chosen, shown = _filters(request, rows)
    totals = queries.totals_by_grade(shown)
    context.update(
        rows=shown,
        all_count=len(rows),
        chosen=chosen,
        totals=totals,
        chart=BarChart(
            title=f"{series.name} results by grade",
            description="How many results of each grade, for the results shown.",
            label_heading="Grade",
            series=(ChartSeries("Results"),),
            rows=tuple((label, (count,)) for label, count in totals),
        )
        if totals
        else None,
        centres=sorted({r["centre"] for r in rows}),
        syllabuses=sorted({(r["syllabus_code"], r["syllabus_title"]) for r in rows}),
        grades=[g for g in GRADES if any(r["grade"] == g for r in rows)],
        statuses=Result.Status.choices,
        query=request.GET.urlencode(),
    )
    return render(request, "results/series.html", context)


class _Echo:
    def write(self, value):
        return value


@login_required
@never_cache
def series_csv(request, code: str):
    """The same rows as the page (and its filters), as CSV that opens safely in a
    spreadsheet; nothing but the header before the release instant."""
    _refuse_other_roles(request.user)
    series = get_object_or_404(Series, code=code)
    _, rows = _filters(request, queries.rows_for(request.user, series=series))
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for row in rows:
            yield writer.writerow([spreadsheet_safe(row[c]) for c in CSV_COLUMNS])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="results-{series.code}.csv"'
    return response


@login_required
@never_cache
def statement(request, code: str, centre: str, candidate_number: str):
    """A candidate's statement of results (PDF): 404 before release, as for another
    centre's candidate."""
    _refuse_other_roles(request.user)
    series = get_object_or_404(Series, code=code)
    rows = queries.filtered(
        queries.rows_for(request.user, series=series),
        centre=centre,
        candidate_number=candidate_number,
    )
    if not rows:
        raise Http404("No results for this candidate.")
    pdf = statements.statement_pdf(series, rows)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="statement-{series.code}-{centre}-{candidate_number}.pdf"'
    )
    return response

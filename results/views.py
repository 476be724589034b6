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

from entries.models import Series, Syllabus
from portal.api.pagination import BoundedCountPaginator
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
        series = Series.objects.with_candidates_at(centres_visible_to(request.user))
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


# Rows per page of a series' results: some 30 kB of HTML.
PAGE_SIZE = 50


def _wanted(request) -> dict:
    """The filters of a series' page (and of its CSV), as asked."""
    return {
        "centre": request.GET.get("centre", "").strip().upper()[:10],
        "syllabus_code": request.GET.get("syllabus", "").strip()[:8],
        "grade": request.GET.get("grade", "").strip()[:2],
        "status": request.GET.get("status", "").strip()[:20],
        "candidate": request.GET.get("candidate", "").strip()[:100],
    }


def _syllabuses() -> list[tuple[str, str]]:
    """What the syllabus filter offers: the catalogue (a few hundred rows, never every
    result read to find which syllabuses they name)."""
    return list(Syllabus.objects.order_by("code").values_list("code", "title"))


@login_required
@never_cache
def series_results(request, code: str):
    """A series' results, a page at a time, filtered by the database; totals by grade for an
    officer's centres, or for the centre staff choose (never over a whole series)."""
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
    staff = is_staff_user(request.user)
    visible = queries.visible(request.user, series=series, now=now)
    wanted = _wanted(request)
    found = queries.chosen(visible, **wanted)
    summary = queries.summary(request.user, series, wanted, found=found)
    paginator = BoundedCountPaginator(
        queries.keyed_ids(found), PAGE_SIZE, count=summary.shown, estimated=summary.estimated
    )
    try:
        page = queries.page_at(
            paginator,
            request.GET.get("page"),
            after=request.GET.get("after"),
            before=request.GET.get("before"),
        )
    except queries.TooDeep as refused:
        page, context["too_deep"] = None, refused
    totals = summary.totals
    chosen = {**wanted, "candidate": request.GET.get("candidate", "")}
    filters = request.GET.copy()
    for moved in ("page", "after", "before"):  # where the page is, not what is shown
        filters.pop(moved, None)
    context.update(
        rows=queries.rows_of(page) if page is not None else [],
        page_obj=page,
        page_query=filters.urlencode(),
        shown_count=paginator.count,
        all_count=queries.all_visible(request.user, series, visible=visible)
        if any(wanted.values())
        else paginator.count,
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
        centres=[]
        if staff
        else list(
            centres_visible_to(request.user).order_by("number").values_list("number", flat=True)
        ),
        syllabuses=_syllabuses(),
        grades=GRADES,
        statuses=Result.Status.choices,
        query=filters.urlencode(),
    )
    return render(request, "results/series.html", context)


class _Echo:
    def write(self, value):
        return value


@login_required
@never_cache
def series_csv(request, code: str):
    """The same rows as the page (and its filters), as CSV that opens safely in a
    spreadsheet; nothing but the header before the release instant. Streamed row by row
    from the database: the first line leaves at once, memory stays flat whatever the size."""
    _refuse_other_roles(request.user)
    series = get_object_or_404(Series, code=code)
    visible = queries.visible(request.user, series=series, now=timezone.now())
    found = queries.rows(queries.chosen(visible, **_wanted(request)))
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for values in found.iterator(chunk_size=2000):
            row = queries.row_of(values)
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
    visible = queries.visible(request.user, series=series, now=timezone.now())
    found = queries.chosen(visible, centre=centre, candidate_number=candidate_number)
    rows = [queries.row_of(values) for values in queries.rows(found)]
    if not rows:
        raise Http404("No results for this candidate.")
    pdf = statements.statement_pdf(series, rows)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="statement-{series.code}-{centre}-{candidate_number}.pdf"'
    )
    return response

"""Reading results: one shape of row for the API, the pages, the CSV and the statements.

Officers read their centres' results one centre and series at a time (``centre_rows``),
cached once the series is released. Nothing is cached before the release instant, and the
cache key carries the instant itself and a generation that every change bumps: a release date
moved, a grade corrected or a hold released makes the old entry unreachable at once.
"""

import datetime as dt
import uuid
from collections import Counter

from django.core.cache import cache
from django.db.models import Case, CharField, F, Value, When
from django.utils import timezone

from entries.models import Series
from portal.permissions import is_staff_user
from results.models import GRADES, Result

# Long enough to carry results day; each change makes a new key anyway.
CACHE_SECONDS = 15 * 60
ROW_FIELDS = (
    "id",
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
    "component_marks",
    "amended_at",
)


def shown(queryset):
    """``queryset`` as rows: what the awarding body shows, where an open QA hold turns any
    result into ``withheld`` without a grade."""
    withheld = Result.Status.WITHHELD
    rows = (
        queryset.with_holds()
        .annotate(
            shown_status=Case(
                When(held=True, then=Value(withheld)),
                default=F("status"),
                output_field=CharField(),
            )
        )
        .values(
            "id",
            "grade",
            "component_marks",
            "amended_at",
            "shown_status",
            series_code=F("series__code"),
            centre_number=F("centre__number"),
            candidate_number=F("candidate__candidate_number"),
            uci=F("candidate__uci"),
            surname=F("candidate__surname"),
            forenames=F("candidate__forenames"),
            syllabus_code=F("syllabus__code"),
            syllabus_title=F("syllabus__title"),
        )
        .order_by("centre__number", "candidate__candidate_number", "syllabus__code")
    )
    return [_row(values) for values in rows]


def _row(values: dict) -> dict:
    status = values["shown_status"]
    issued = status == Result.Status.ISSUED
    amended = values["amended_at"]
    return {
        "id": values["id"],
        "series": values["series_code"],
        "centre": values["centre_number"],
        "candidate_number": values["candidate_number"],
        "uci": values["uci"],
        "surname": values["surname"],
        "forenames": values["forenames"],
        "syllabus_code": values["syllabus_code"],
        "syllabus_title": values["syllabus_title"],
        "grade": values["grade"] if issued else None,
        "status": status,
        "component_marks": values["component_marks"] if issued else {},
        "amended_at": amended.astimezone(dt.UTC).isoformat() if amended else None,
    }


def _generation_key(centre_id: int, series_id: int) -> str:
    return f"results:gen:{centre_id}:{series_id}"


def _generation(centre_id: int, series_id: int) -> str:
    key = _generation_key(centre_id, series_id)
    found = cache.get(key)
    if found is None:
        # A generation lost to eviction is replaced by a new one, never by a default that
        # an older entry might still be stored under.
        cache.add(key, uuid.uuid4().hex, None)
        found = cache.get(key) or uuid.uuid4().hex
    return found


def forget(centre_id: int, series_id: int) -> None:
    """Make the cached rows of a centre's series unreachable (call after the commit)."""
    cache.set(_generation_key(centre_id, series_id), uuid.uuid4().hex, None)


def centre_rows(centre_id: int, series: Series, *, now: dt.datetime) -> list[dict]:
    """The rows a centre's officers see for ``series`` at ``now``: none before release."""
    if series.results_release_at > now:
        return []
    key = (
        f"results:rows:{centre_id}:{series.pk}:{int(series.results_release_at.timestamp())}:"
        f"{_generation(centre_id, series.pk)}"
    )
    rows = cache.get(key)
    if rows is None:
        rows = shown(Result.objects.filter(centre_id=centre_id, series=series))
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def officer_rows(user, *, series: Series | None = None, centre_ids=None, now=None) -> list[dict]:
    """Every row ``user`` (an exams officer) may see at ``now``, of one series or of all
    released ones, from the cache of each centre and series."""
    from portal.workflow import centre_ids_of

    now = now or timezone.now()
    mine = sorted(centre_ids_of(user))
    if centre_ids is not None:
        mine = [c for c in mine if c in centre_ids]
    if series is not None:
        chosen = [series] if series.results_release_at <= now else []
    else:
        chosen = list(Series.objects.filter(results_release_at__lte=now).order_by("code"))
    rows = []
    for one in chosen:
        for centre_id in mine:
            rows += centre_rows(centre_id, one, now=now)
    return rows


def rows_for(user, *, series: Series | None = None, now=None) -> list[dict]:
    """The rows ``user`` may see: officers through the cache, staff from the database."""
    now = now or timezone.now()
    if is_staff_user(user):
        results = Result.objects.visible_to(user, now=now)
        if series is not None:
            results = results.filter(series=series)
        return shown(results)
    return officer_rows(user, series=series, now=now)


def filtered(rows: list[dict], **wanted) -> list[dict]:
    """Rows whose fields equal every non-empty value of ``wanted``."""
    wanted = {k: v for k, v in wanted.items() if v not in (None, "")}
    return [row for row in rows if all(row[k] == v for k, v in wanted.items())]


def totals_by_grade(rows: list[dict]) -> list[tuple[str, int]]:
    """How many of each grade, in the grades' own order, then the statuses without one."""
    counts = Counter(row["grade"] or dict(Result.Status.choices)[row["status"]] for row in rows)
    order = [*GRADES, *dict(Result.Status.choices).values()]
    return sorted(counts.items(), key=lambda item: order.index(item[0]))

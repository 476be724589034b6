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
from results.models import GRADES, QaHold, Result

# The parameters of a series' page as an MIS asks for it: the answer cached whole.
PAGE_PARAMETERS = frozenset({"series", "page", "page_size"})
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


def _code_generation_key(centre_id: int, code: str) -> str:
    return f"results:gen:{centre_id}:{code}"


def _generation_key(centre_id: int, series: Series) -> str:
    # By the series' code, which officers' reads know before anything else.
    return _code_generation_key(centre_id, series.code)


def _generation(centre_id: int, series: Series) -> str:
    key = _generation_key(centre_id, series)
    found = cache.get(key)
    if found is None:
        # A generation lost to eviction is replaced by a new one, never by a default that
        # an older entry might still be stored under.
        cache.add(key, uuid.uuid4().hex, None)
        found = cache.get(key) or uuid.uuid4().hex
    return found


def forget(centre_id: int, series: Series) -> None:
    """Make the cached rows of a centre's series unreachable (call after the commit)."""
    cache.set(_generation_key(centre_id, series), uuid.uuid4().hex, None)


def _stamp(centre_id: int, series: Series) -> str:
    """What the cached rows of a centre's series depend on: the release instant and the
    generation every change bumps."""
    return (
        f"{centre_id}:{series.pk}:{int(series.results_release_at.timestamp())}:"
        f"{_generation(centre_id, series)}"
    )


SERIES_MEMORY_SECONDS = 5


def _series_key(code: str) -> str:
    return f"results:series:{code}"


def series_named(code: str) -> Series | None:
    """The series ``code`` (its key, code, name and release instant), remembered for a few
    seconds (a release instant cannot move in its last quarter of an hour, so this is never
    early)."""
    found = cache.get(_series_key(code))
    if found is None:
        found = (
            Series.objects.filter(code=code)
            .values_list("pk", "code", "name", "results_release_at")
            .first()
        )
        if found is None:
            return None
        cache.set(_series_key(code), found, SERIES_MEMORY_SECONDS)
    return _series_from(found)


def _series_from(memo) -> Series:
    pk, code, name, release_at = memo
    return Series(pk=pk, code=code, name=name, results_release_at=release_at)


def forget_series(code: str) -> None:
    cache.delete(_series_key(code))


def officer_page(
    centre_ids,
    code: str,
    *,
    now: dt.datetime,
    variant: str,
    build=None,
    confirm: tuple[str, object] | None = None,
) -> bytes | None:
    """A whole answer about series ``code`` for an officer of ``centre_ids``, from the cache
    when nothing it shows has changed since; otherwise made by ``build(series)`` and kept,
    or None when there is no ``build``. None before the release instant (and for an unknown
    series), when nothing may be cached.

    One round trip to Redis when warm: the series' instant, the centres' generations and the
    answer together, with ``confirm``'s key when given (``(key, test)``: no answer unless
    ``test(value)`` holds, e.g. that the token asking is still remembered). The answer is
    stored with the instant and the generations it was built under; a moved instant or any
    change since (a bump) makes it be built again.
    """
    centres = sorted(centre_ids)
    page_key = f"results:page:{code}:{'-'.join(map(str, centres))}:{variant}"
    series_key = _series_key(code)
    generation_keys = [_code_generation_key(c, code) for c in centres]
    confirm_keys = [confirm[0]] if confirm is not None else []
    found = cache.get_many([series_key, page_key, *generation_keys, *confirm_keys])
    if confirm is not None and not confirm[1](found.get(confirm[0])):
        return None
    memo = found.get(series_key)
    if memo is None:
        series = series_named(code)
        if series is None:
            return None
        memo = (series.pk, series.code, series.name, series.results_release_at)
    if memo[3] > now:
        return None
    generations = [found.get(k) for k in generation_keys]
    if None in generations:
        generations = [_generation(c, _series_from(memo)) for c in centres]
    stamp = (int(memo[3].timestamp()), generations)
    cached = found.get(page_key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    if build is None:
        return None
    body = build(_series_from(memo))
    cache.set(page_key, (stamp, body), CACHE_SECONDS)
    return body


def centre_rows(centre_id: int, series: Series, *, now: dt.datetime) -> list[dict]:
    """The rows a centre's officers see for ``series`` at ``now``: none before release."""
    if series.results_release_at > now:
        return []
    key = f"results:rows:{_stamp(centre_id, series)}"
    rows = cache.get(key)
    if rows is None:
        rows = _centre_rows(centre_id, series)
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def _centre_rows(centre_id: int, series: Series) -> list[dict]:
    """``shown`` for one centre and series, in two plain queries (the first minute of results
    day asks this once per centre: it must plan and run fast)."""
    held = set(
        QaHold.objects.open()
        .filter(centre_id=centre_id, series_id=series.pk)
        .values_list("syllabus_id", flat=True)
    )
    found = Result.objects.filter(centre_id=centre_id, series_id=series.pk).values_list(
        "id", "syllabus_id", "status", "grade", "component_marks", "amended_at",
        "centre__number", "candidate__candidate_number", "candidate__uci",
        "candidate__surname", "candidate__forenames", "syllabus__code", "syllabus__title",
    )  # fmt: skip
    rows = [
        _row(
            {
                "id": pk,
                "grade": grade,
                "component_marks": marks,
                "amended_at": amended,
                "shown_status": Result.Status.WITHHELD if syllabus_id in held else status,
                "series_code": series.code,
                "centre_number": number,
                "candidate_number": candidate,
                "uci": uci,
                "surname": surname,
                "forenames": forenames,
                "syllabus_code": code,
                "syllabus_title": title,
            }
        )
        for pk, syllabus_id, status, grade, marks, amended, number, candidate, uci, surname,
        forenames, code, title in found
    ]  # fmt: skip
    rows.sort(key=lambda r: (r["candidate_number"], r["syllabus_code"]))
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

"""Reading results: one shape of row for the API, the pages, the CSV and the statements.

Every read asks the database for one rule (``visible``, then ``chosen``), filtered and
ordered by an index and sliced into pages there, never loaded whole. Officers' pages of a
series, as their systems ask for them on results day, are also cached whole once the series
is released (``officer_page``), and the counts above a page of an officer's centres, or of
the centre staff choose, are remembered (``summary``). Nothing is cached before the release
instant, and the cache key carries the instant itself and a generation that every change
bumps (``forget``, the one invalidation: a grade corrected, results loaded, a hold opened or
released); a release date moved changes the instant in the key. A cached page is the
answer the database gives: tests/isolation/test_results_read.py compares the two for every
user of the isolation world.
"""

import datetime as dt
import functools
import hashlib
import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.core.cache import cache
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat

from entries.models import Series, Syllabus
from portal.api.pagination import BoundedCountPaginator
from portal.centres.models import Centre
from portal.outbox.services import enqueue
from portal.permissions import is_staff_user
from portal.statements import AnyOf, Slot, Statement
from results.models import GRADES, Result, ResultQuerySet

logger = logging.getLogger(__name__)

# The parameters of a series' page as an MIS asks for it: the answer cached whole.
PAGE_PARAMETERS = frozenset({"series", "page", "page_size"})
# Long enough to carry results day; each change makes a new key anyway.
CACHE_SECONDS = 15 * 60
# The order every read lists results in: an index's own (``result_series_order``), so that a
# page is read from the index in order, never by sorting every visible result first.
ORDER = ("series_id", "centre_id", "candidate_id", "syllabus_id")


def visible(user, *, series: Series | None = None, now: dt.datetime) -> ResultQuerySet:
    """The results ``user`` may see at ``now``, of ``series`` when given: the one rule every
    read of results answers from (the pages, the API, the CSV, statements, the cached page).

    Officers: their centres' results of series released by ``now``, to the second, named by
    their ids (an equality the index serves, where a subquery of memberships would make the
    database read the whole series to filter it). Staff: every result, if their role works
    with results.
    """
    from portal.workflow import centre_ids_of

    results = Result.objects.all()
    if series is not None:
        results = results.filter(series_id=series.pk)
    if is_staff_user(user):
        return results.visible_to(user, now=now)
    if not (user and user.is_authenticated and user.is_active):
        return results.none()
    if series is not None and series.results_release_at > now:
        return results.none()
    results = results.filter(centre_id__in=sorted(centre_ids_of(user)))
    return results if series is not None else results.released(now)


def chosen(
    results,
    *,
    centre: str = "",
    syllabus_code: str = "",
    candidate_number: str = "",
    uci: str = "",
    grade: str = "",
    status: str = "",
    candidate: str = "",
) -> ResultQuerySet:
    """``results`` as shown (an open QA hold makes any result ``withheld``, without a
    grade), narrowed in the database to what is asked: each field equal to its value, a
    grade only where one is shown, ``candidate`` a piece of the candidate's number or name."""
    withheld = Result.Status.WITHHELD
    results = results.with_holds().annotate(
        shown_status=Case(
            When(held=True, then=Value(withheld)), default=F("status"), output_field=CharField()
        )
    )
    if centre:
        # By the centre's id, found first: the database then reads a page of the centre's
        # results in the index's order, where joining to find the centre by its number
        # has it read and sort all of them (20,000 for the largest).
        centre_id = Centre.objects.filter(number=centre).values_list("pk", flat=True).first()
        results = results.filter(centre_id=centre_id) if centre_id else results.none()
    equal = {
        "syllabus__code": syllabus_code,
        "candidate__candidate_number": candidate_number,
        "candidate__uci": uci,
    }
    results = results.filter(**{name: value for name, value in equal.items() if value})
    # Said of the stored status and the hold apart (not of ``shown_status``), so that the
    # planner can tell how many rows they leave and read a page through the index.
    if status == withheld:
        results = results.filter(Q(status=withheld) | Q(held=True))
    elif status:
        results = results.filter(status=status, held=False)
    if grade:
        results = results.filter(status=Result.Status.ISSUED, held=False, grade=grade)
    if candidate:
        names = Concat("candidate__surname", Value(" "), "candidate__forenames")
        results = results.alias(candidate_name=names).filter(
            Q(candidate__candidate_number__contains=candidate)
            | Q(candidate_name__icontains=candidate)
        )
    return results


def rows(results) -> QuerySet:
    """``chosen`` results as the values of rows (``row_of`` makes each a row), in the
    index's order: lazy, to be sliced into a page or iterated."""
    return results.values(
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
    ).order_by(*ORDER)


def ids(results) -> QuerySet:
    """The ids of ``chosen`` results in the index's order, with no join the filters do not
    need: what a page is cut from (and counted on) before its rows are read."""
    return results.order_by(*ORDER).values_list("pk", flat=True)


# A row's place in that order within its series: where a page of a series' results ends,
# the next begins (``after``), read from the index from there, never by skipping the rows
# before it (a page reached by its "Next" link far into a million results).
KEY = ("centre_id", "candidate_id", "syllabus_id")


def keyed_ids(results) -> QuerySet:
    """``ids`` of one series' results with each row's place (``KEY``): a page's last row
    says where the next page begins, its first where the one before it ends."""
    return results.order_by(*ORDER).values_list("pk", *KEY)


def place_of(row) -> str:
    """A row of ``keyed_ids`` as the page's links carry it: ``<centre>-<candidate>-<syllabus>``."""
    return "-".join(str(value) for value in row[1:])


def parse_place(text: str | None) -> tuple[int, int, int] | None:
    """A place a link carried, or None for anything else (the page is then found by its
    number, as a page whose link was typed by hand)."""
    parts = (text or "").split("-")
    if len(parts) != 3 or not all(
        part.isascii() and part.isdigit() and len(part) <= 18 for part in parts
    ):
        return None
    centre, candidate, syllabus = (int(part) for part in parts)
    return centre, candidate, syllabus


def beyond(keyed, place: tuple[int, int, int], *, before: bool = False) -> QuerySet:
    """The rows of ``keyed`` after ``place`` in the order (or before it, nearest first): the
    first column bounded alone too, so that the index is entered at the place."""
    centre, candidate, syllabus = place
    first, past = ("lte", "lt") if before else ("gte", "gt")
    rows = keyed.filter(
        Q(**{f"centre_id__{first}": centre})
        & (
            Q(**{f"centre_id__{past}": centre})
            | Q(centre_id=centre, **{f"candidate_id__{past}": candidate})
            | Q(centre_id=centre, candidate_id=candidate, **{f"syllabus_id__{past}": syllabus})
        )
    )
    return rows.order_by(*(f"-{column}" for column in ORDER)) if before else rows


# The most rows a page asked for by its number alone may skip to reach its own (a typed
# ``?page=2000`` would read the 100,000 rows before it); as many as an exact count reads.
MOST_SKIPPED = BoundedCountPaginator.EXACT_UP_TO


class TooDeep(Exception):
    """A page asked for by its number alone, too far into the list to reach by skipping."""

    def __init__(self, asked: int, deepest: int):
        super().__init__(f"page {asked} is past page {deepest}, the last opened by number")
        self.asked = asked
        self.deepest = deepest


def page_at(paginator, number: str | None, *, after: str | None, before: str | None):
    """The page of ``keyed_ids`` asked for: by its "Next" or "Previous" link, read from where
    the page it was reached from ends or begins (``after``, ``before``: a place, so that a
    page far into a series reads its own rows, not every row before it); otherwise by its
    ``number``, as when the place is no place, nothing follows it, or the rows found there
    cannot be that page of a list whose count is exact (a link gone stale, or made by hand).
    A page by number alone that would skip more than ``MOST_SKIPPED`` rows is refused
    (``TooDeep``): the list is narrowed by its filters, or walked by its links.
    The page knows the places of its first and last rows (``place_before``,
    ``place_after``), which its links carry."""
    size = paginator.per_page
    asked = int(number) if number and number.isascii() and number.isdigit() else 0
    start, end = parse_place(after), parse_place(before)
    page = None
    if start and asked > 1:
        rows = list(beyond(paginator.object_list, start)[: size + 1])
        if rows:
            page = paginator.page_of(rows, asked)
    elif end and asked > 0:
        rows = list(beyond(paginator.object_list, end, before=True)[:size])
        if len(rows) == size:  # a whole page before the one it was reached from
            page = paginator.page_of(rows[::-1], asked, more=True)
    if page is None:
        # Past the end of a list counted exactly, Django's paginator gives the last page.
        reached = asked if paginator.estimated else min(asked, paginator.num_pages)
        if (reached - 1) * size > MOST_SKIPPED:
            raise TooDeep(asked, deepest=MOST_SKIPPED // size + 1)
        page = paginator.get_page(number)
    page.object_list = list(page.object_list)  # read once: its rows and their places
    if page.object_list:
        page.place_before = place_of(page.object_list[0])
        page.place_after = place_of(page.object_list[-1])
    return page


def rows_of(page) -> list[dict]:
    """The rows of a page of ``ids`` (or of ``keyed_ids``), in its order: one query of at
    most a page of rows."""
    wanted = [row[0] if isinstance(row, tuple) else row for row in page]
    found = {values["id"]: row_of(values) for values in _rows_by_id().rows(ids=wanted)}
    return [found[pk] for pk in wanted if pk in found]


@functools.cache
def _rows_by_id() -> Statement:
    """``rows`` of the results whose ids are given (``ids=``), made and compiled once: making
    the query took twice as long as the database's answer (measured)."""
    return Statement(rows(chosen(Result.objects.filter(AnyOf(F("pk"), Slot("ids"))))))


def totals_by_grade(results) -> list[tuple[str, int]]:
    """How many of each grade among ``chosen`` results, in the grades' own order, then the
    statuses without one: grouped by the database."""
    labels = dict(Result.Status.choices)
    counts: Counter = Counter()
    grouped = results.order_by().values("shown_status", "grade").annotate(n=Count("pk"))
    for group in grouped:
        issued = group["shown_status"] == Result.Status.ISSUED
        counts[group["grade"] if issued else labels[group["shown_status"]]] += group["n"]
    order = [*GRADES, *labels.values()]
    return sorted(counts.items(), key=lambda item: order.index(item[0]))


@dataclass(frozen=True)
class Summary:
    """The counts a series' page shows above its rows."""

    shown: int  # the results the filters leave
    estimated: bool  # ``shown`` is the planner's estimate (a list too long to count)
    totals: list[tuple[str, int]]  # by grade, for one reader's centres or one centre only


# The filters of a series' page (results/views.py ``_wanted``), none asked.
NO_FILTERS = {"centre": "", "syllabus_code": "", "grade": "", "status": "", "candidate": ""}


def summary(user, series: Series, wanted: dict, *, found) -> Summary:
    """The counts above a page of ``found`` (``chosen`` by ``wanted``).

    An officer's, and staff's for the centre they choose, are remembered under the centres'
    generations (``remembered``): a centre's 20,000 results are counted once after each
    change, not at every page; staff's over a whole series are estimated, never totalled."""
    from portal.workflow import centre_ids_of

    def counted() -> Summary:
        paginator = BoundedCountPaginator(ids(found), 1)
        return Summary(paginator.count, paginator.estimated, totals_by_grade(found))

    staff = is_staff_user(user)
    if not staff:
        centre_ids = list(centre_ids_of(user))
    elif wanted["centre"]:
        # Staff whose role works with results see every result: the same for all of them.
        centre_ids = list(
            Centre.objects.filter(number=wanted["centre"]).values_list("pk", flat=True)
        )
    else:
        paginator = BoundedCountPaginator(ids(found), 1)
        return Summary(paginator.count, paginator.estimated, [])
    what = ("staff?" if staff else "") + _filters_key(wanted)
    return remembered(centre_ids, series, what, counted)


def all_visible(user, series: Series, *, visible) -> int:
    """How many of ``series``' results the reader may see: the count of the page with no
    filter (an officer's remembered; staff's, the whole series, estimated)."""
    return summary(user, series, NO_FILTERS, found=chosen(visible)).shown


def _filters_key(wanted: dict) -> str:
    """The filters asked, as part of a key: a syllabus by its id, so that counts kept under a
    code never answer for another syllabus given that code later in the catalogue."""
    key = dict(wanted)
    if key["syllabus_code"]:
        found = Syllabus.objects.filter(code=key["syllabus_code"]).values_list("pk", flat=True)
        key["syllabus_code"] = f"#{found.first()}"
    return urlencode(sorted(key.items()))


def remembered(centre_ids, series: Series, what: str, compute):
    """``compute()``, a reading of ``centre_ids``' results of ``series`` described by
    ``what``, kept until any of those results change: stamped with the release instant and
    the generations of each centre's series and of the centre itself (a candidate renamed),
    read before computing, so that a change while it computes makes the next read compute
    again."""
    centres = sorted(centre_ids)
    if not centres:
        return compute()
    digest = hashlib.sha256(what.encode()).hexdigest()[:32]
    key = f"results:summary:{series.code}:{'-'.join(map(str, centres))}:{digest}"
    stamp_keys = []
    for centre_id in centres:
        stamp_keys += [
            _code_generation_key(centre_id, series.code),
            centre_generation_key(centre_id),
        ]
    found = cache.get_many([key, *stamp_keys])
    generations = [found.get(k) for k in stamp_keys]
    if None in generations:
        generations = []
        for centre_id in centres:
            generations += [_generation(centre_id, series), _centre_generation(centre_id)]
    stamp = (int(series.results_release_at.timestamp()), generations)
    cached = found.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    value = compute()
    cache.set(key, (stamp, value), CACHE_SECONDS)
    return value


def row_of(values: dict) -> dict:
    """One result's values (``rows``) as the row every read shows."""
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
    return _lasting(_generation_key(centre_id, series), lambda: uuid.uuid4().hex)


def _centre_generation(centre_id: int) -> int:
    return _lasting(centre_generation_key(centre_id), lambda: uuid.uuid4().int >> 65)


def _lasting(key: str, new):
    """The generation kept at ``key``. One lost to eviction is replaced by ``new()``, never
    by a default that an older entry might still be stored under."""
    found = cache.get(key)
    if found is None:
        cache.add(key, new(), None)
        found = cache.get(key) or new()
    return found


def centre_generation_key(centre_id: int) -> str:
    """The generation of everything cached of a centre's results in any series (the
    learners' pages, results/learners/remembered.py): a whole number, which the cache keeps
    as written, so that a script in Redis can read it."""
    return f"results:centre:{centre_id}"


def forget(centre_id: int, series: Series) -> None:
    """Make the cached rows of a centre's series unreachable (call after the commit)."""
    _bump(centre_id, series.code)


def forget_centre(centre_id: int) -> None:
    """Make every cached page of a centre's results in any series unreachable."""
    _bump(centre_id, None)


def _bump(centre_id: int, code: str | None) -> None:
    """New generations for the centre (and its series ``code``): written whatever this
    process thinks of the cache, since a bump lost would leave the old rows answered; if the
    cache cannot take it, a queued task (``results.forget_cached``) writes it as soon as it
    can. A generation lost later to eviction is made anew (``_generation``, ``stamps``)."""
    outage = getattr(cache, "outage", None)
    if outage is None or not outage.skipping():
        try:
            bump_generations(centre_id, code)
            return
        except Exception as error:
            logger.warning("Could not forget centre %s's cached results: %s", centre_id, error)
    enqueue("results.forget_cached", centre_id=centre_id, code=code)


def bump_generations(centre_id: int, code: str | None) -> None:
    """Write the new generations (raises if the cache cannot take them)."""
    data: dict[str, object] = {centre_generation_key(centre_id): uuid.uuid4().int >> 65}
    if code is not None:
        data[_code_generation_key(centre_id, code)] = uuid.uuid4().hex
    strictly = getattr(cache, "set_many_strictly", None)
    if strictly is None:
        cache.set_many(data, None)  # a cache of one machine (the embedded default's files)
    else:
        strictly(data, None)


SERIES_MEMORY_SECONDS = 5


def _series_key(code: str) -> str:
    # The code as asked, which may hold anything: quoted, so that a key is always one word.
    return f"results:series:{quote(code, safe='')}"


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


def page_variant(request) -> str:
    """What a cached page is kept under besides its centres: the address asked for, whose
    scheme and host the page's links carry."""
    return f"{request.scheme}://{request.get_host()}{request.get_full_path()}"


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

"""How well the service levels are kept: the figures of the staff dashboard and the public
charter page.

Pure functions of ``Filters`` and ``now``. Clocks are counted by the London month they
started in, in the database (one grouped query). Every clock falls in exactly one of four
outcomes: met on time, finished late, still open, or withdrawn; the share on time is of the
clocks whose outcome against their deadline is known (met, late, or open past the date).

The median time taken is stored on each clock when it stops (``Clock.time_taken``, in the
unit of the clock's own rule: working days counted on the portal's calendar, else days,
weeks or months, so that it reads beside the limit). PostgreSQL takes the medians
(``percentile_cont``); on the embedded SQLite they are taken here from the same stored values.
The medians of a month, and the counts of its stopped clocks, are cached until a clock
started in it stops (the current month's as well: what has stopped no longer changes); its
open clocks are counted at every ask.
"""

import datetime as dt
import hashlib
import statistics
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connections
from django.db.models import Aggregate, Count, FloatField, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.dateformat import format as date_format

from portal.calendar import LONDON, Unit, WorkingCalendar, add_months, london_date
from portal.core.charts import BarChart, Series
from portal.sla.models import OPEN, Clock, ServiceLevel, overdue

MAX_MONTHS = 24
State = Clock.State

MET_ON_TIME = Q(state=State.MET, breached_at__isnull=True)
# A missed deadline stays missed: met after staff gave a later date, stopped late, or
# withdrawn once it had been missed. Only open clocks lack a stop time.
FINISHED_LATE = Q(stopped_at__isnull=False, breached_at__isnull=False)
WITHDRAWN = Q(state=State.CANCELLED, breached_at__isnull=True)
# Finished and stopped: a cancelled clock was never "taken" to an outcome.
FINISHED = Q(stopped_at__isnull=False) & ~Q(state=State.CANCELLED)
ONE_HOUR = dt.timedelta(hours=1)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first_of_month(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def london_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


@dataclass(frozen=True)
class Filters:
    """Which clocks to count: started in ``first_month`` to ``last_month`` (London), of one
    series, centre or service level when given."""

    first_month: dt.date
    last_month: dt.date
    series_id: int | None = None
    centre_id: int | None = None
    code: str | None = None

    def clocks(self) -> QuerySet:
        clocks = Clock.objects.filter(
            started_at__gte=london_midnight(first_of_month(self.first_month)),
            started_at__lt=london_midnight(add_months(first_of_month(self.last_month), 1)),
        )
        if self.series_id is not None:
            clocks = clocks.filter(series_id=self.series_id)
        if self.centre_id is not None:
            clocks = clocks.filter(centre_id=self.centre_id)
        if self.code:
            clocks = clocks.filter(code=self.code)
        return clocks

    @property
    def months(self) -> list[dt.date]:
        return months_between(self.first_month, self.last_month)


@dataclass(frozen=True)
class TimeTaken:
    """A span in a rule's own unit, so that it reads beside the rule's limit."""

    value: float
    unit: str

    def __str__(self) -> str:
        if self.value == 0:
            return "same working day" if self.unit == Unit.WORKING_DAYS else "same day"
        label = Unit(self.unit).label
        rounded = round(self.value, 1)
        if rounded == 0:
            # A day of a rule counted in months: still not the same day.
            return f"under 0.1 {label}"
        return f"{rounded:g} {label.removesuffix('s') if rounded == 1 else label}"


def time_taken(
    clock_start: dt.date, clock_stop: dt.date, *, paused_days: int, unit: str, cal: WorkingCalendar
) -> TimeTaken:
    """How long a clock took, counted as its rule counts the limit: from day 0 (the start's
    London date, which never counts) to the stop's London date, less the days added back for
    pauses. A rule without a fixed limit is counted in days."""
    if unit == Unit.WORKING_DAYS:
        taken = cal.working_days_between(clock_start, clock_stop) - paused_days
        return TimeTaken(max(taken, 0), unit)
    clock_stop -= dt.timedelta(days=paused_days)
    days = max((clock_stop - clock_start).days, 0)
    if unit == Unit.WEEKS:
        return TimeTaken(days / 7, unit)
    if unit == Unit.MONTHS:
        return TimeTaken(_months_taken(clock_start, clock_stop), unit)
    return TimeTaken(days, Unit.DAYS)


def _months_taken(first: dt.date, last: dt.date) -> float:
    # Whole months as add_months counts them (the same date, clamped), then the share of the
    # month under way, so that 1.0 is exactly the due date of a one-month rule.
    whole = 0
    while add_months(first, whole + 1) <= last:
        whole += 1
    since, until = add_months(first, whole), add_months(first, whole + 1)
    return whole + max((last - since).days, 0) / (until - since).days


@dataclass
class Row:
    """One service level in one start month. Each clock is counted once: met on time,
    finished late, still open (some of them overdue) or withdrawn."""

    code: str
    rule: ServiceLevel
    month: dt.date
    started: int = 0
    met: int = 0
    late: int = 0
    open: int = 0
    overdue: int = 0
    withdrawn: int = 0
    median: TimeTaken | None = None
    median_hours: float | None = None

    @property
    def name(self) -> str:
        return self.rule.name

    @property
    def missed(self) -> int:
        """Clocks that missed their deadline: finished late, or still open past it."""
        return self.late + self.overdue

    @property
    def judged(self) -> int:
        """Clocks whose outcome against the deadline is known: the on-time share's base."""
        return self.met + self.missed

    @property
    def on_time_percent(self) -> int | None:
        """Of the clocks finished or past their deadline, the share met on time, rounded."""
        return round(100 * self.met / self.judged) if self.judged else None


def _by_month(clocks: QuerySet) -> QuerySet:
    return clocks.annotate(month=TruncMonth("started_at", tzinfo=LONDON))


def _month_of(value) -> dt.date:
    return value.astimezone(LONDON).date() if isinstance(value, dt.datetime) else value


def summary(filters: Filters, *, now: dt.datetime) -> list[Row]:
    """The figures per service level and start month, ordered by code then month."""
    clocks = filters.clocks()
    counts = _counts(clocks, filters.months, now=now)
    rules = ServiceLevel.objects.in_bulk({rule for _, rule, _ in counts})
    medians = _medians(clocks, filters.months)
    rows = []
    for code, rule, month in sorted(counts, key=lambda key: (key[0], key[2], key[1])):
        median, hours = medians.get((code, rule, month), (None, None))
        rows.append(
            Row(
                code=code,
                rule=rules[rule],
                month=month,
                median=median,
                median_hours=hours,
                **counts[(code, rule, month)],
            )
        )
    return rows


Key = tuple[str, int, dt.date]
# Each row: code, rule, start month, then the counts of ``_FIGURES``.
CountRow = tuple[str, int, dt.date, dict[str, int]]


def _figures(now: dt.datetime) -> dict[str, Count]:
    return {
        "started": Count("pk"),
        "met": Count("pk", filter=MET_ON_TIME),
        "late": Count("pk", filter=FINISHED_LATE),
        "open": Count("pk", filter=OPEN),
        "overdue": Count("pk", filter=overdue(now)),
        "withdrawn": Count("pk", filter=WITHDRAWN),
    }


def _grouped(clocks: QuerySet, *, now: dt.datetime) -> list[CountRow]:
    figures = _figures(now)
    grouped = (
        _by_month(clocks)
        # The rule too: staff may rename a rule's code, and its clocks keep the old one.
        .values("code", "service_level", "month")
        .annotate(**figures)
        .order_by()
    )
    return [
        (row["code"], row["service_level"], _month_of(row["month"]), {n: row[n] for n in figures})
        for row in grouped
    ]


def _counts(clocks: QuerySet, months: list[dt.date], *, now: dt.datetime) -> dict[Key, dict]:
    """Per code, rule and start month: the clocks started, met on time, finished late, still
    open (overdue among them) and withdrawn.

    Counted apart: the stopped clocks, whose outcome no longer changes, of a month read
    from the cache while none of its clocks has stopped since
    (``forget_medians``); and the open clocks, a few weeks' worth whatever the table's size,
    counted at every ask through their own index (``clock_open_started``).
    """
    stopped = clocks.filter(stopped_at__isnull=False)
    found: list[CountRow] = _by_kept_month(
        "counts", stopped, months, compute=lambda chosen: _grouped(chosen, now=now)
    )
    found += _grouped(clocks.filter(stopped_at__isnull=True), now=now)
    totals: dict[Key, dict] = {}
    for code, rule, month, figures in found:
        into = totals.setdefault((code, rule, month), dict.fromkeys(figures, 0))
        for name, value in figures.items():
            into[name] += value
    return totals


def _by_kept_month(
    kind: str, clocks: QuerySet, months: list[dt.date], *, compute: Callable[[QuerySet], list]
) -> list:
    """``compute``'s rows (a start month third in each) for the clocks started in
    ``months``: a month's from the cache while no clock started in it has stopped since
    (``forget_medians``), the others computed in one go and kept. ``compute`` is asked of
    stopped clocks only, whose figures change only as another of their month stops."""
    # Each month's key is read once, before counting: a clock that stops meanwhile moves its
    # month to a new key, so what was counted before the stop is never kept under it.
    keys = _month_keys(kind, clocks, months)
    kept = cache.get_many(keys.values())
    found: list = []
    missing = []
    for month in months:
        if keys[month] in kept:
            found += kept[keys[month]]
        else:
            missing.append(month)
    if missing:
        computed = compute(clocks.filter(_started_in(missing)))
        fresh = {keys[month]: [row for row in computed if row[2] == month] for month in missing}
        cache.set_many(fresh, MEDIANS_CACHE_SECONDS)
        for rows in fresh.values():
            found += rows
    return found


def _started_in(months: list[dt.date]) -> Q:
    started = Q()
    for month in months:
        started |= Q(
            started_at__gte=london_midnight(month),
            started_at__lt=london_midnight(add_months(month, 1)),
        )
    return started


class Median(Aggregate):
    """The median of a column, computed by PostgreSQL: halfway between the two middle values
    of an even count, as ``statistics.median`` takes it."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


# Each row: code, rule, start month, unit, median time taken, median hours.
MedianRow = tuple[str, int, dt.date, str, float, float]


def _medians(clocks: QuerySet, months: list[dt.date]) -> dict[Key, tuple[TimeTaken, float]]:
    """Per code, rule and start month, the median time taken in the rule's unit and in
    hours, over the time taken stored on each stopped clock (``Clock.time_taken``).

    A month is read from the cache while no clock started in it has stopped since
    (``forget_medians``); the others are computed in one query.
    """
    found: list[MedianRow] = _by_kept_month(
        "medians", clocks, months, compute=lambda chosen: _medians_of(_by_month(chosen))
    )
    return {
        (code, rule, month): (TimeTaken(median, unit), hours)
        for code, rule, month, unit, median, hours in found
    }


def _medians_of(clocks: QuerySet, *, in_database: bool | None = None) -> list[MedianRow]:
    """The medians of the finished ``clocks`` (annotated with their start ``month``):
    PostgreSQL computes them (``percentile_cont``); the embedded SQLite has no such
    function, so they are taken here from the same stored values. ``in_database`` chooses
    (the default: in the database on PostgreSQL)."""
    finished = clocks.filter(FINISHED)
    if in_database is None:
        in_database = connections[clocks.db].vendor == "postgresql"
    if in_database:
        rows = (
            finished.values("code", "service_level", "month", "time_taken_unit")
            .annotate(median=Median("time_taken"), hours=Median("hours_taken"))
            .values_list("code", "service_level", "month", "time_taken_unit", "median", "hours")
            .order_by()
        )
        return [(c, r, _month_of(m), u, median, hours) for c, r, m, u, median, hours in rows]
    taken: dict[tuple, list[float]] = defaultdict(list)
    hours: dict[tuple, list[float]] = defaultdict(list)
    values = finished.values_list(
        "code", "service_level", "month", "time_taken_unit", "time_taken", "hours_taken"
    )
    for code, rule, month, unit, spent, spent_hours in values.iterator(chunk_size=2000):
        key = (code, rule, _month_of(month), unit)
        taken[key].append(spent)
        hours[key].append(spent_hours)
    return [
        (*key, statistics.median(values), statistics.median(hours[key]))
        for key, values in taken.items()
    ]


# How long a month's medians are kept; a clock of that month stopping forgets them.
MEDIANS_CACHE_SECONDS = 24 * 60 * 60


def _month_keys(kind: str, clocks: QuerySet, months: list[dt.date]) -> dict[dt.date, str]:
    # The filters' SQL names the series, centre and service level chosen, if any.
    sql, params = clocks.query.sql_with_params()
    chosen = hashlib.sha256(f"{sql}{params}".encode()).hexdigest()[:16]
    versions = _month_versions(months)
    return {month: f"sla:{kind}:v1:{month:%Y-%m}:{versions[month]}:{chosen}" for month in months}


def _version_key(month: dt.date) -> str:
    return f"sla:medians-version:{month:%Y-%m}"


def _month_versions(months: list[dt.date]) -> dict[dt.date, str]:
    found = cache.get_many([_version_key(month) for month in months])
    versions = {}
    for month in months:
        version = found.get(_version_key(month))
        if version is None:
            # A fresh token, never a counter from zero: a version the cache forgot must not
            # bring back figures cached under it.
            cache.add(_version_key(month), uuid.uuid4().hex, None)
            version = cache.get(_version_key(month)) or "none"
        versions[month] = version
    return versions


def forget_medians(started_at: dt.datetime) -> None:
    """A clock started at ``started_at`` stopped (or was withdrawn): its month's cached
    medians and counts are stale."""
    cache.set(_version_key(first_of_month(london_date(started_at))), uuid.uuid4().hex, None)


@dataclass
class Bar:
    """One start month over every service level: how many clocks met their deadline, and
    how many missed it (finished late, or still open past it)."""

    month: dt.date
    met: int = 0
    late: int = 0
    overdue: int = 0

    @property
    def breached(self) -> int:
        return self.late + self.overdue


def chart(rows: list[Row], months: list[dt.date]) -> list[Bar]:
    """Met, finished late and overdue per month over every service level of ``rows``, every
    month of the window, empty ones included so that a gap reads as a gap."""
    bars = {month: Bar(month) for month in months}
    for row in rows:
        bar = bars.setdefault(row.month, Bar(row.month))
        bar.met += row.met
        bar.late += row.late
        bar.overdue += row.overdue
    return [bars[month] for month in sorted(bars)]


def bar_chart(bars: list[Bar]) -> BarChart:
    """The chart of the dashboard, for ``{% bar_chart %}``."""
    return BarChart(
        title="Met on time and missed, by start month",
        description="One bar per month in which clocks started, over every service level "
        "chosen: the clocks met on time, those finished late and those still open past "
        "their deadline.",
        label_heading="Start month",
        series=(
            Series("Met on time", tone="ok"),
            Series("Finished late", tone="error"),
            Series("Open and overdue", tone="warn"),
        ),
        rows=tuple(
            (date_format(bar.month, "M Y"), (bar.met, bar.late, bar.overdue)) for bar in bars
        ),
    )


@dataclass
class Standing:
    """One service level of the active charter and how well it was kept in one month."""

    rule: ServiceLevel
    figures: Row | None = None


def charter_standing(month: dt.date, *, now: dt.datetime) -> list[Standing]:
    """Every active service level with its figures for the clocks started in ``month``."""
    rows = {row.rule.pk: row for row in summary(Filters(month, month), now=now)}
    return [
        Standing(rule=rule, figures=rows.get(rule.pk))
        for rule in ServiceLevel.objects.filter(active=True).order_by("name")
    ]

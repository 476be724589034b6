"""How well the service levels are kept: the figures of the staff dashboard and the public
charter page.

Pure functions of ``Filters`` and ``now``. Clocks are counted by the London month they
started in, in the database (one grouped query). The median time taken is the one figure
SQLite cannot compute, so it is taken here over the durations of the stopped clocks of the
same filtered set; the window of at most ``MAX_MONTHS`` months bounds how many that is.
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from portal.calendar import LONDON, add_months
from portal.sla.models import OPEN, Clock, ServiceLevel, missed, overdue

MAX_MONTHS = 24
State = Clock.State

MET_ON_TIME = Q(state=State.MET, breached_at__isnull=True)
# Finished and stopped: a cancelled clock was never "taken" to an outcome.
FINISHED = Q(stopped_at__isnull=False) & ~Q(state=State.CANCELLED)


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


@dataclass
class Row:
    """One service level in one start month."""

    code: str
    name: str
    month: dt.date
    started: int = 0
    met: int = 0
    breached: int = 0
    open: int = 0
    overdue: int = 0
    median: dt.timedelta | None = None

    @property
    def decided(self) -> int:
        return self.met + self.breached

    @property
    def on_time_percent(self) -> int | None:
        """Of the clocks whose outcome is known, the share met on time, rounded."""
        return round(100 * self.met / self.decided) if self.decided else None

    @property
    def median_hours(self) -> float | None:
        return round(self.median / dt.timedelta(hours=1), 1) if self.median is not None else None

    @property
    def median_words(self) -> str:
        if self.median is None:
            return ""
        hours = self.median / dt.timedelta(hours=1)
        if hours < 48:
            return _amount(hours, "hour")
        return _amount(hours / 24, "day")


def _amount(value: float, unit: str) -> str:
    rounded = round(value, 1)
    text = f"{rounded:g}"
    return f"{text} {unit}" if rounded == 1 else f"{text} {unit}s"


def _by_month(clocks: QuerySet) -> QuerySet:
    return clocks.annotate(month=TruncMonth("started_at", tzinfo=LONDON))


def _month_of(value) -> dt.date:
    return value.astimezone(LONDON).date() if isinstance(value, dt.datetime) else value


def summary(filters: Filters, *, now: dt.datetime) -> list[Row]:
    """The figures per service level and start month, ordered by code then month."""
    clocks = filters.clocks()
    grouped = (
        _by_month(clocks)
        .values("code", "month")
        .annotate(
            started=Count("pk"),
            met=Count("pk", filter=MET_ON_TIME),
            breached=Count("pk", filter=missed(now)),
            open=Count("pk", filter=OPEN),
            overdue=Count("pk", filter=overdue(now)),
        )
        .order_by("code", "month")
    )
    medians = _medians(clocks)
    rows = [
        Row(**{**figures, "month": _month_of(figures["month"]), "name": ""}) for figures in grouped
    ]
    names = dict(
        ServiceLevel.objects.filter(code__in={row.code for row in rows}).values_list("code", "name")
    )
    for row in rows:
        row.name = names.get(row.code, row.code)
        row.median = medians.get((row.code, row.month))
    return rows


def _medians(clocks: QuerySet) -> dict[tuple[str, dt.date], dt.timedelta]:
    taken = ExpressionWrapper(F("stopped_at") - F("started_at"), output_field=DurationField())
    durations: dict[tuple[str, dt.date], list[dt.timedelta]] = defaultdict(list)
    finished = _by_month(clocks.filter(FINISHED)).annotate(taken=taken)
    for code, month, duration in finished.values_list("code", "month", "taken").iterator(
        chunk_size=2000
    ):
        durations[(code, _month_of(month))].append(duration)
    return {key: statistics.median(values) for key, values in durations.items()}


@dataclass
class Bar:
    month: dt.date
    met: int
    breached: int
    # Shares of the widest bar, in thousandths, for the SVG's 0..1000 view box.
    met_width: int = 0
    breached_width: int = 0


def chart(rows: list[Row], months: list[dt.date]) -> list[Bar]:
    """Met and breached per month over every service level of ``rows``, every month of the
    window, empty ones included so that a gap reads as a gap."""
    totals: dict[dt.date, list[int]] = {month: [0, 0] for month in months}
    for row in rows:
        totals.setdefault(row.month, [0, 0])
        totals[row.month][0] += row.met
        totals[row.month][1] += row.breached
    widest = max((met + late for met, late in totals.values()), default=0) or 1
    return [
        Bar(
            month=month,
            met=met,
            breached=late,
            met_width=round(1000 * met / widest),
            breached_width=round(1000 * late / widest),
        )
        for month, (met, late) in sorted(totals.items())
    ]


@dataclass
class Standing:
    """One service level of the active charter and how well it was kept in one month."""

    rule: ServiceLevel
    figures: Row | None = None


def charter_standing(month: dt.date, *, now: dt.datetime) -> list[Standing]:
    """Every active service level with its figures for the clocks started in ``month``."""
    rows = {row.code: row for row in summary(Filters(month, month), now=now)}
    return [
        Standing(rule=rule, figures=rows.get(rule.code))
        for rule in ServiceLevel.objects.filter(active=True).order_by("name")
    ]

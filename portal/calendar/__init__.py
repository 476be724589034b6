"""Working days and due instants, as SERVICE_LEVELS.md defines them.

The rules run on the London calendar: a working day is Monday to Friday, except the bank
holidays of England and Wales and the closure days staff add in the admin. A clock that
starts at ``t`` counts from day 0, the London date of ``t``, and is due at the very end of
its last day, 23:59:59.999999 London time, stored as an aware UTC instant. Everything here
is computed on dates, never on durations, so a change of clocks (BST) never moves a due date.

``WorkingCalendar`` is a plain value (the closure days it knows), so it can be tested and
reasoned about without a database; ``working_calendar()`` builds the current one from the
cached closure days.
"""

import calendar as gregorian
import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.core.cache import cache
from django.db import models

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)
CLOSURES_CACHE_KEY = "calendar:closure-days"
CLOSURES_CACHE_SECONDS = 15 * 60
# Centres and staff are only sent reminders inside these hours of a working day.
OFFICE_OPENS = dt.time(9, 0)
OFFICE_CLOSES = dt.time(17, 0)


class Unit(models.TextChoices):
    WORKING_DAYS = "working_days", "working days"
    DAYS = "days", "days"
    WEEKS = "weeks", "weeks"
    MONTHS = "months", "months"


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def london_date(at: dt.datetime) -> dt.date:
    if at.tzinfo is None:
        raise ValueError("A naive datetime has no London date; pass an aware one.")
    return at.astimezone(LONDON).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of a London calendar day, in UTC."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=LONDON).astimezone(UTC)


def local_time(at: dt.datetime | None, zone: ZoneInfo) -> str:
    """An instant as people in ``zone`` read it. Formatted in Python, because a template's
    date filter would turn it back into the server's zone."""
    return f"{at.astimezone(zone):%a %-d %b %Y, %H:%M}" if at else ""


def due_time(at: dt.datetime | None, zone: ZoneInfo) -> str:
    """A deadline as people in ``zone`` read it. One at the end of a London day reads as
    the end of that day wherever it is read ("end of Wed 30 Dec 2026 (UK time)"), never as
    the small hours of the next day in the reader's zone."""
    if at is None:
        return ""
    day = london_date(at)
    if zone.key != LONDON.key and at == end_of_day(day):
        return f"end of {day:%a %-d %b %Y} (UK time)"
    return local_time(at, zone)


def long_date(day: dt.date) -> str:
    """A date as a letter writes it: 6 April 2027."""
    return f"{day.day} {day:%B %Y}"


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = gregorian.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class WorkingCalendar:
    closures: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in self.closures

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (day 0 never counts).

        Zero means "the same working day": ``day`` itself if it is a working day, else the
        next one.
        """
        if count < 0:
            raise ValueError("Count working days forwards only.")
        if count == 0:
            return day if self.is_working_day(day) else self.next_working_day(day)
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def subtract_working_days(self, day: dt.date, count: int) -> dt.date:
        for _ in range(count):
            day -= ONE_DAY
            while not self.is_working_day(day):
                day -= ONE_DAY
        return day

    def add(self, day: dt.date, value: int, unit: str) -> dt.date:
        match unit:
            case Unit.WORKING_DAYS:
                return self.add_working_days(day, value)
            case Unit.DAYS:
                return day + value * ONE_DAY
            case Unit.WEEKS:
                return day + 7 * value * ONE_DAY
            case Unit.MONTHS:
                return add_months(day, value)
        raise ValueError(f"Unknown unit {unit!r}.")

    def due_at(self, start: dt.datetime, *, value: int, unit: str) -> dt.datetime:
        """When a clock that starts at ``start`` under ``value unit`` is due."""
        return end_of_day(self.add(london_date(start), value, unit))

    def extend(self, due: dt.datetime, *, days: int, unit: str) -> dt.datetime:
        """``due`` moved later by whole days of the rule's kind (for paused spans)."""
        if days <= 0:
            return due
        working = unit == Unit.WORKING_DAYS
        day = london_date(due)
        later = self.add_working_days(day, days) if working else day + days * ONE_DAY
        return end_of_day(later)

    def paused_days(self, paused_at: dt.datetime, resumed_at: dt.datetime, *, unit: str) -> int:
        """Whole days to add back for a pause, rounded up.

        A working-day rule counts only the time the pause overlapped working days (a pause
        over a weekend adds nothing); other rules count the whole span.
        """
        if resumed_at <= paused_at:
            return 0
        if unit != Unit.WORKING_DAYS:
            return math.ceil((resumed_at - paused_at) / ONE_DAY)
        overlap = dt.timedelta()
        day = london_date(paused_at)
        while day <= london_date(resumed_at):
            if self.is_working_day(day):
                opens = dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)
                closes = dt.datetime.combine(day + ONE_DAY, dt.time.min, tzinfo=LONDON)
                overlap += max(min(closes, resumed_at) - max(opens, paused_at), dt.timedelta())
            day += ONE_DAY
        return math.ceil(overlap / ONE_DAY)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if ``end`` is
        earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count

    def first_working_day(self, year: int, month: int) -> dt.date:
        return self.add_working_days(dt.date(year, month, 1), 0)

    def next_office_hour(self, at: dt.datetime, zone: ZoneInfo) -> dt.datetime:
        """``at`` if it falls in office hours of a working day in ``zone``, else the next
        opening."""
        local = at.astimezone(zone)
        day = local.date()
        if self.is_working_day(day) and OFFICE_OPENS <= local.time() < OFFICE_CLOSES:
            return at
        if not (self.is_working_day(day) and local.time() < OFFICE_OPENS):
            day = self.next_working_day(day)
        return dt.datetime.combine(day, OFFICE_OPENS, tzinfo=zone).astimezone(UTC)


def closure_days() -> frozenset[dt.date]:
    from portal.calendar.models import ClosureDay

    closures: frozenset[dt.date] | None = cache.get(CLOSURES_CACHE_KEY)
    if closures is None:
        closures = frozenset(ClosureDay.objects.values_list("day", flat=True))
        # Every change of a closure day goes through a service that forgets it; the expiry
        # bounds how long a stale list can outlive a change made while the cache was
        # unreachable (the forgetting then did nothing).
        cache.set(CLOSURES_CACHE_KEY, closures, timeout=CLOSURES_CACHE_SECONDS)
    return closures


def forget_closure_days() -> None:
    cache.delete(CLOSURES_CACHE_KEY)


def working_calendar() -> WorkingCalendar:
    return WorkingCalendar(closures=closure_days())

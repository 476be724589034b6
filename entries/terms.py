"""On what terms a series takes entries on a day: open, late (with a fee per entry) or closed.
Read by the entry rules (``entries.services``), the CSV import's row checks
(``entries.imports``), the pages and the statement."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from entries.models import Series
from portal.calendar import london_date


@dataclass(frozen=True)
class EntryTerms:
    """On what terms a series takes entries on a day: ``open`` (no fee), ``late`` (``fee``
    per entry, until ``until``) or ``closed``."""

    state: str
    fee: Decimal = Decimal("0")
    until: dt.date | None = None
    period: str = ""

    def describe(self, series: Series) -> str:
        if self.state == "open":
            return f"Entries for {series.name} close on {self.until:%d %B %Y}."
        if self.state == "late":
            return (
                f"The final entry deadline for {series.name} has passed: entries made now "
                f"carry a late fee of £{self.fee} each ({self.period}, to {self.until:%d %B %Y})."
            )
        return f"Entries for {series.name} are closed."


def entry_terms(series: Series, *, on: dt.date | None = None) -> EntryTerms:
    """The terms of ``series`` on the London day ``on`` (today): the final deadline, then its
    late-entry periods in order, each with its fee; after the last, closed."""
    on = on or london_date(timezone.now())
    if on <= series.entry_deadline:
        return EntryTerms("open", until=series.entry_deadline)
    # Sorted here, not by the database, so that a prefetched list serves many series.
    for period in sorted(series.late_periods.all(), key=lambda p: p.ends_on):
        if on <= period.ends_on:
            return EntryTerms("late", fee=period.fee, until=period.ends_on, period=period.name)
    return EntryTerms("closed")

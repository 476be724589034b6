"""The complaint's service-level clocks, kept by the portal's engine (``portal.sla``).

The complaint services call these few functions only, so the codes and the way the
engine is called live in one place.
"""

from zoneinfo import ZoneInfo

from django.db import models

# The time zone of the service-level rules, in which "due today" is meant.
LONDON = ZoneInfo("Europe/London")

ACKNOWLEDGE = "complaint.acknowledge"
RESPOND = "complaint.respond"


def start(complaint, *, code: str, at=None) -> None:
    pass


def stop(complaint, *, code: str, at=None, by=None) -> None:
    pass


def extend(complaint, *, code: str, due_at, by, reason: str) -> None:
    pass


def deadlines(complaint) -> list[dict]:
    return []


def notices_for(complaint, user) -> list:
    return []


def with_next_due(cases):
    """Annotate ``next_due``: the earliest due instant among the case's open clocks."""
    return cases.annotate(next_due=models.Value(None, output_field=models.DateTimeField()))


def next_due_ordering():
    return models.F("next_due").asc(nulls_last=True)

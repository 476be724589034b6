"""The complaint's service-level clocks, kept by the portal's engine (``portal.sla``).

The complaint services call these few functions only, so the codes and the way the engine
is called live in one place.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from portal.calendar import end_of_day, london_date
from portal.notifications.models import Notification
from portal.sla import services as sla
from portal.sla.models import Clock

ACKNOWLEDGE = "complaint.acknowledge"
RESPOND = "complaint.respond"


def promise(code: str) -> str:
    """What the active charter promises for ``code``, in words, or a plain "as soon as we
    can" where it promises nothing."""
    rule = sla.promised(code)
    return rule.promise if rule else "as soon as we can"


def start(complaint, *, code: str, at=None) -> Clock | None:
    return sla.start_clock(complaint, code=code, at=at)


def stop(complaint, *, code: str, at=None, by=None) -> Clock | None:
    return sla.stop_clock(complaint, code=code, at=at, by=by)


def extend(complaint, *, code: str, due_at, by, reason: str, at=None) -> Clock:
    return sla.extend_clock(complaint, code=code, due_at=due_at, by=by, reason=reason, at=at)


def notices_for(complaint, user):
    """The engine's notices about this case in the user's own inbox."""
    return Notification.objects.for_user(user).filter(reference=complaint.reference)


def with_next_due(cases):
    """Annotate ``next_due``: the earliest due instant among the case's open clocks."""
    content_type = ContentType.objects.get_for_model(cases.model, for_concrete_model=False)
    earliest = (
        Clock.objects.open()
        .filter(
            content_type=content_type,
            object_id=models.OuterRef("pk"),
        )
        .order_by("due_at")
        .values("due_at")[:1]
    )
    return cases.annotate(next_due=models.Subquery(earliest))


def next_due_ordering():
    return models.F("next_due").asc(nulls_last=True)


DUE_WINDOWS = {"overdue": "Overdue", "today": "Due today", "week": "Due in 7 days"}


def due_within(cases, window: str, *, now: dt.datetime | None = None):
    """Cases whose next deadline is past (``overdue``), by the end of today in London
    (``today``) or within seven days (``week``); the queue and the API filter alike."""
    now = now or timezone.now()
    cases = with_next_due(cases)
    if window == "overdue":
        return cases.filter(next_due__lt=now)
    ends = {"today": end_of_day(london_date(now)), "week": now + dt.timedelta(days=7)}
    if window not in ends:
        raise ValueError(f"Unknown due window {window!r}.")
    return cases.filter(next_due__gte=now, next_due__lte=ends[window])

"""What the home pages show of the deadlines: staff see what is late or due today, officers
the open deadlines of their centres, nearest first."""

import datetime as dt

from django.utils import timezone

from portal.calendar import LONDON, end_of_day, local_time, london_date, working_calendar
from portal.sla.models import Clock
from portal.sla.templatetags.sla import plain_words

SHOWN = 10


def deadlines_section(user, centres) -> dict | None:
    now = timezone.now()
    clocks = Clock.objects.visible_to(user).filter(state=Clock.State.RUNNING)
    if centres is None:
        today = london_date(now)
        opens = dt.datetime.combine(today, dt.time.min, tzinfo=LONDON)
        return {
            "template": "sla/_home_section.html",
            "title": "Deadlines",
            "overdue": clocks.filter(due_at__lt=now).count(),
            "due_today": clocks.filter(
                due_at__gte=max(opens, now), due_at__lte=end_of_day(today)
            ).count(),
        }
    open_clocks = list(
        clocks.filter(due_at__isnull=False)
        .select_related("service_level", "centre")
        .order_by("due_at")[:SHOWN]
    )
    if not open_clocks:
        return None
    cal = working_calendar()
    return {
        "template": "sla/_home_section.html",
        "title": "Deadlines at your centres",
        "rows": [_row(clock, now=now, cal=cal) for clock in open_clocks],
    }


def _row(clock: Clock, *, now, cal) -> dict:
    zone = clock.centre.zone if clock.centre else LONDON
    return {
        "reference": clock.reference,
        "name": clock.service_level.name,
        "due": local_time(clock.due_at, zone),
        "words": plain_words(clock, now=now, zone=zone, cal=cal),
    }

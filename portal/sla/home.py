"""The deadlines on the home pages: the next ones of an officer's centres, and for staff
how many fall due today or are already overdue."""

from django.db.models import Count, F, Q
from django.utils import timezone

from portal.calendar import end_of_day, local_time, london_date, working_calendar
from portal.sla.dashboard import overdue
from portal.sla.models import OPEN, Clock
from portal.sla.templatetags.sla import plain_words

NEXT_DEADLINES = 10


def _case_url(clock: Clock) -> str:
    case = clock.case
    return case.get_absolute_url() if case is not None else ""


def next_deadlines(user, centres) -> dict | None:
    """The running clocks of the officer's centres, soonest first."""
    if user.is_staff or not centres:
        return None
    now = timezone.now()
    clocks = (
        Clock.objects.filter(centre__in=centres, state=Clock.State.RUNNING)
        .select_related("service_level", "centre")
        # One query per kind of case, not one per clock.
        .prefetch_related("case")
        .order_by(F("due_at").asc(nulls_last=True), "pk")[:NEXT_DEADLINES]
    )
    cal = working_calendar()
    rows = [
        {
            "clock": clock,
            "url": _case_url(clock),
            "due": local_time(clock.due_at, clock.centre.zone),
            "zone": clock.centre.zone.key,
            "words": plain_words(clock, now=now, zone=clock.centre.zone, cal=cal),
        }
        for clock in clocks
    ]
    return {"template": "sla/home_next_deadlines.html", "rows": rows}


def deadlines_at_risk(user, centres) -> dict | None:
    """For staff: per service level, the clocks due today (London) and those overdue now."""
    if not user.is_staff:
        return None
    now = timezone.now()
    today_ends = end_of_day(london_date(now))
    due_today = Q(state=Clock.State.RUNNING, due_at__gte=now, due_at__lte=today_ends)
    counts = (
        Clock.objects.filter(OPEN)
        .values("code", "service_level__name")
        .annotate(
            due_today=Count("pk", filter=due_today),
            overdue=Count("pk", filter=overdue(now)),
        )
        .filter(Q(due_today__gt=0) | Q(overdue__gt=0))
        .order_by("code")
    )
    rows = list(counts)
    return {
        "template": "sla/home_at_risk.html",
        "rows": rows,
        "today": london_date(now),
        "total_due_today": sum(row["due_today"] for row in rows),
        "total_overdue": sum(row["overdue"] for row in rows),
    }

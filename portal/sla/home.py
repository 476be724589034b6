"""What the home pages show of the deadlines: officers the running deadlines of their
centres, nearest first; staff how many fall due today or are overdue, per service level."""

from django.db.models import Count, F, Q
from django.utils import timezone

from portal.calendar import due_time, end_of_day, london_date, working_calendar
from portal.sla.models import Clock, ServiceLevel, due_today, overdue
from portal.sla.templatetags.sla import plain_words

SHOWN = 10


def deadlines_section(user, centres) -> dict | None:
    # The staff home passes no centres: staff answer for every centre.
    if centres is None:
        return deadlines_at_risk(user) if user.is_staff else None
    return next_deadlines(user, centres)


def _case_url(clock: Clock) -> str:
    case = clock.case
    return case.get_absolute_url() if case is not None else ""


def next_deadlines(user, centres) -> dict | None:
    """The running clocks of the officer's centres, soonest first."""
    if not centres:
        return None
    now = timezone.now()
    clocks = (
        Clock.objects.visible_to(user)
        .filter(centre__in=centres, state=Clock.State.RUNNING)
        .select_related("service_level", "centre")
        # One query per kind of case, not one per clock.
        .prefetch_related("case")
        .order_by(F("due_at").asc(nulls_last=True), "pk")[:SHOWN]
    )
    cal = working_calendar()
    rows = [
        {
            "clock": clock,
            "url": _case_url(clock),
            "due": due_time(clock.due_at, clock.centre.zone),
            "zone": clock.centre.zone.key,
            "words": plain_words(clock, now=now, zone=clock.centre.zone, cal=cal),
        }
        for clock in clocks
    ]
    return {"template": "sla/_home_next_deadlines.html", "rows": rows}


def at_risk(now):
    """The clocks that may be due by the end of today (London) or overdue now, through the
    partial index ``clock_waiting_due``: waiting and due by tonight. A clock missed and not
    yet stopped fell due before now, so it is among them. Never every open clock: most run
    for days or weeks."""
    tonight = end_of_day(london_date(now))
    return Clock.objects.filter(
        state__in=[Clock.State.RUNNING, Clock.State.BREACHED],
        stopped_at__isnull=True,
        due_at__lte=tonight,
    )


def deadlines_at_risk(user) -> dict:
    """Per service level, the clocks due by the end of today (London) and those overdue now:
    past their date and not yet stopped, whether or not a sweep has marked them breached."""
    now = timezone.now()
    rows = list(
        at_risk(now)
        .values("code", "service_level")
        .annotate(
            due_today=Count("pk", filter=due_today(now)), overdue=Count("pk", filter=overdue(now))
        )
        .filter(Q(due_today__gt=0) | Q(overdue__gt=0))
        .order_by("code", "service_level")
    )
    rules = ServiceLevel.objects.in_bulk({row["service_level"] for row in rows})
    for row in rows:
        row["rule"] = rules[row["service_level"]]
    return {
        "template": "sla/_home_at_risk.html",
        "rows": rows,
        "due_today": sum(row["due_today"] for row in rows),
        "overdue": sum(row["overdue"] for row in rows),
    }

"""The rules of mailings: each month's issues waiting for staff, and sending them once.

The beat runs both every few minutes (``mailings.send_due``); overlapping runs are harmless:
an issue is claimed with a conditional update before anything is sent, and the notices of
an event are unique per person.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from centres.mailings.models import PROMISES, SCHEDULE, Kind, Mailing
from portal import audit
from portal.calendar import LONDON, OFFICE_OPENS, end_of_day, london_date, working_calendar
from portal.centres.models import Centre, Membership
from portal.notifications import Event, notify_all
from portal.sla import services as sla

# The first months a run looks at: this one, and the one a week ahead, so that next
# month's issue waits for staff (and its deadline reminds them) before the month begins.
LOOK_AHEAD = dt.timedelta(days=7)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def first_working_day(month: dt.date) -> dt.date:
    """The day a month's issues go out: its first working day in England and Wales, closure
    days included (``portal.calendar``)."""
    return working_calendar().first_working_day(month.year, month.month)


def prepare_months(*, now: dt.datetime | None = None) -> int:
    """Make ready for this month and the month a week ahead; answer how many clocks started.

    Steps, for each kind that goes out in that month: its issue, a draft named for the
    month if staff have not written one yet; the charter's clock for the kind (the
    newsletter's ``newsletter.monthly``, none where the active charter makes no such
    promise), started once per issue and due at the end of the month's first working day.
    A month whose first working day ended before the portal first saw it is not measured.
    """
    now = now or timezone.now()
    today = london_date(now)
    started = 0
    for month in sorted({month_of(today), month_of(today + LOOK_AHEAD)}):
        for kind, months in SCHEDULE.items():
            if month.month not in months:
                continue
            issue, _ = Mailing.objects.get_or_create(
                kind=kind,
                month=month,
                defaults={"title": f"{Kind(kind).label}, {month:%B %Y}"},
            )
            code = PROMISES.get(kind)
            due = end_of_day(first_working_day(month))
            if code is None or issue.sent_at is not None or due <= now:
                continue
            if Mailing.objects.filter(
                pk=issue.pk, pk__in=sla.subjects_with_clock(Mailing, code=code)
            ).exists():
                continue
            if sla.start_clock(issue, code=code, at=now, due_at=due) is not None:
                started += 1
    return started


def exams_officers():
    """Every active exams officer of an active centre (heads of centre are not sent these)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Membership.Role.EXAMS_OFFICER,
            memberships__centre__status=Centre.Status.ACTIVE,
        )
        .distinct()
        .only("pk")
    )


def send_due_mailings(*, now: dt.datetime | None = None) -> int:
    """Send this month's issues that are ready, from the opening of the office on the month's
    first working day (never before; an issue made ready later goes at once); answer how
    many went out."""
    now = now or timezone.now()
    month = month_of(london_date(now))
    if now < dt.datetime.combine(first_working_day(month), OFFICE_OPENS, tzinfo=LONDON):
        return 0
    sent = 0
    for issue in Mailing.objects.ready_to_send().filter(month=month):
        if send_mailing(issue, now=now):
            sent += 1
    return sent


def send_mailing(issue: Mailing, *, now: dt.datetime | None = None) -> bool:
    """Send one ready issue to every exams officer, once; answer whether this call sent it.

    Steps, in one transaction: claim the issue with a conditional update (ready and not yet
    sent; of two runs at once, the second waits for the first's row lock, then matches
    nothing); tell every exams officer, in the inbox and by email unless they turned this
    kind off, each email with its own one-click unsubscribe link; record how many; stop the
    kind's clock (met on the first working day, missed after it); audit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = (
            Mailing.objects.ready_to_send()
            .filter(pk=issue.pk)
            .update(status=Mailing.Status.SENT, sent_at=now)
        )
        if not claimed:
            return False
        issue.refresh_from_db()
        officers = list(exams_officers())
        notify_all(
            [
                Event(
                    key=f"mailing:{issue.kind}:{issue.month:%Y-%m}",
                    kind=issue.kind,
                    to=officers,
                    subject=issue.title,
                    body=issue.body,
                    unsubscribe=True,
                )
            ],
            at=now,
        )
        Mailing.objects.filter(pk=issue.pk).update(recipients=len(officers))
        if code := PROMISES.get(issue.kind):
            sla.stop_clock(issue, code=code, at=now)
        audit.record(
            issue,
            "sent",
            at=now,
            summary=f"{issue.reference} sent to {len(officers)} exams officers",
            data={"recipients": len(officers)},
        )
    return True

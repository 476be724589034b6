"""Demo history: complaints of the six calendar months before today, as they were handled.

Complaints created "now" leave the service-level dashboard, the public charter page and the
complaints report with nothing to show. These cases went through the procedure at past
instants (mostly on time, a few late, one extended as complex, one closed by a Director),
through the same services as the staff pages, with the engine's sweep run at each of those
instants and every morning between them, so their clocks, breaches, notices and audit rows
are what the engine would have produced. Dates count back from today, so the demo stays
fresh. A case is found by its centre and subject; seeding twice adds nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from complaints import services
from complaints.models import Category, Complaint, RootCause
from portal.calendar import LONDON, add_months, london_date, working_calendar
from portal.centres.models import Centre
from portal.sla.sweeps import next_work_at, sweep

SWEEP_AT = dt.time(9, 0)
OFFICERS = {"GB001": "officer1", "PK002": "officer2"}


@dataclass(frozen=True)
class Past:
    """One past case. Steps are counted in working days after the day it came in."""

    months_ago: int
    day: int
    centre: str
    subject: str
    description: str
    formal: bool = True
    acknowledged: int | None = 1
    answered: int | None = None
    extended: tuple[int, int] | None = None  # (on, until)
    escalated: int | None = None
    decided: int | None = None
    root_cause: str = ""
    improvement_action: str = ""


ANSWER = (
    "We have looked into your complaint and are sorry for the trouble it caused. We have put "
    "right what went wrong and told the team concerned what happened."
)
# Last month's cases come in early in the month, so that all of it is over by today.
HISTORY = [
    Past(6, 4, "GB001", "Timetable clash not flagged",
         "Two of our candidates had 0580 and 0610 papers at the same time.",
         answered=6, root_cause=RootCause.SYSTEM,
         improvement_action="Clashes are now shown when entries are confirmed."),
    Past(6, 16, "PK002", "Invoice charged twice",
         "Our entries invoice for the June series was charged twice.", answered=8),
    Past(5, 5, "GB001", "Courier left papers at the wrong building",
         "The question papers were left at the sports hall reception.",
         acknowledged=3, answered=7, root_cause=RootCause.SUPPLIER,
         improvement_action="The courier now needs a signature from the exams office."),
    Past(5, 14, "PK002", "Hard to find the access arrangements form",
         "We spent an afternoon looking for the current form on the website.",
         formal=False, acknowledged=None, root_cause=RootCause.COMMUNICATION,
         improvement_action="The form is now linked from the exams officer's home page."),
    Past(4, 3, "PK002", "Late answer to our late entries request",
         "We asked about late entries for 0620 and heard nothing for three weeks.",
         answered=13, escalated=16, decided=22, root_cause=RootCause.PEOPLE,
         improvement_action="Late entries requests now have a named owner each day."),
    Past(4, 15, "GB001", "Results portal down on results day",
         "We could not download results for two hours on results morning.", answered=5),
    Past(3, 4, "GB001", "Missing marks for a component",
         "One candidate's 0625 coursework mark is missing from the results.",
         answered=15, extended=(8, 16),
         root_cause=RootCause.PROCESS,
         improvement_action="Coursework marks are checked against entries before results."),
    Past(3, 17, "PK002", "Certificates delayed in customs",
         "Our certificates have been held in customs for a month.", answered=9),
    Past(2, 6, "PK002", "Rude reply from the helpdesk",
         "A reply to our query about fees was curt and unhelpful.",
         formal=False, acknowledged=None, root_cause=RootCause.PEOPLE,
         improvement_action="Helpdesk replies are now sampled and reviewed each week."),
    Past(2, 13, "GB001", "Wrong syllabus on statement of entry",
         "The statement of entry shows 0500 instead of 0510 for six candidates.", answered=4),
    Past(1, 2, "GB001", "Seating plan template out of date",
         "The seating plan template still shows last year's regulations.", answered=6),
    Past(1, 5, "PK002", "No update on our special consideration query",
         "We have waited for news on a special consideration application.",
         answered=12, root_cause=RootCause.COMMUNICATION,
         improvement_action="Applicants are now told each week where their case stands."),
]  # fmt: skip


def seed_history() -> None:
    """Steps: plan each step of the cases not yet seeded at its past instant; add a sweep
    every morning from the first of them until today; replay the lot in order of time, with
    a sweep at each instant before the step, as the engine's beat would have run. A morning
    before the engine's next work (``next_work_at``) is passed over: its sweep would change
    nothing."""
    centres = {centre.number: centre for centre in Centre.objects.filter(number__in=OFFICERS)}
    missing = [
        past
        for past in HISTORY
        if not Complaint.objects.filter(centre=centres[past.centre], subject=past.subject).exists()
    ]
    if not missing:
        return
    now = timezone.now()
    # A step that would fall after now has not happened yet: the case is still open.
    steps = [
        step for past in missing for step in _steps(past, today=london_date(now)) if step[0] < now
    ]
    day = london_date(min(at for at, *_ in steps))
    while (morning := dt.datetime.combine(day, SWEEP_AT, tzinfo=LONDON)) < now:
        steps.append((morning, None, ""))
        day += dt.timedelta(days=1)
    users = get_user_model().objects.in_bulk(["staff", *OFFICERS.values()], field_name="username")
    # Steps fall in office hours, never at the morning sweep, so the order of time is enough.
    work_at = next_work_at()
    for at, past, action in sorted(steps, key=lambda step: step[0]):
        if past is None and (work_at is None or at < work_at):
            continue  # only sweeps and steps change what is due
        sweep(now=at)
        if past is not None:
            _act(past, action, at=at, centre=centres[past.centre], users=users)
        work_at = next_work_at()


def _steps(past: Past, *, today: dt.date):
    """(instant, case, action) of each step of ``past``, in London office hours."""
    cal = working_calendar()
    month = add_months(today.replace(day=1), -past.months_ago)
    came_in = cal.add_working_days(month.replace(day=past.day), 0)
    planned = [
        (0, 10, "submit"),
        (past.acknowledged, 11, "acknowledge"),
        (past.extended[0] if past.extended else None, 12, "extend"),
        (past.answered, 15, "respond"),
        (past.escalated, 10, "escalate"),
        (past.decided, 16, "decide"),
        (None if past.formal else 2, 14, "analyse"),
    ]
    for days, hour, action in planned:
        if days is not None:
            day = cal.add_working_days(came_in, days)
            yield dt.datetime.combine(day, dt.time(hour), LONDON), past, action


def _act(past: Past, action: str, *, at: dt.datetime, centre, users) -> None:
    staff, officer = users["staff"], users[OFFICERS[past.centre]]
    if action == "submit":
        data = {
            "category": Category.SERVICE,
            "subject": past.subject,
            "description": past.description,
        }
        services.submit_complaint(
            data=data, centre=centre, submitted_by=officer, formal=past.formal, at=at
        )
        return
    complaint = Complaint.objects.get(centre=centre, subject=past.subject)
    cal = working_calendar()
    if action == "acknowledge":
        services.acknowledge_complaint(complaint, by=staff, at=at)
    elif action == "extend":
        until = cal.add_working_days(london_date(complaint.created_at), past.extended[1])
        services.extend_response(
            complaint,
            by=staff,
            at=at,
            due_at=dt.datetime.combine(until, dt.time(17), LONDON),
            reason="The marks have to be checked with the examiner, who is away this week.",
        )
    elif action == "respond":
        services.respond_to_complaint(
            complaint,
            by=staff,
            at=at,
            response=ANSWER,
            root_cause=past.root_cause,
            improvement_action=past.improvement_action,
        )
    elif action == "escalate":
        services.escalate_complaint(
            complaint, by=officer, at=at, reasons="The answer does not say why it took so long."
        )
    elif action == "decide":
        services.decide_escalation(
            complaint,
            by=staff,
            at=at,
            decision="The investigation was sound; the delay is explained and apologised for.",
        )
    elif action == "analyse":
        services.analyse_complaint(
            complaint,
            by=staff,
            at=at,
            root_cause=past.root_cause,
            improvement_action=past.improvement_action,
        )

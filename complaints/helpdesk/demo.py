"""Demo queries: one waiting, one referred to the results team, one answered, one taken as a
complaint, so that every page and the queue have something to show."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from complaints.helpdesk import services
from complaints.helpdesk.models import HelpAnswer, Query, Topic
from portal.accounts.roles import RESULTS_TEAM

HELP = [
    (
        Topic.ENTRIES,
        "Do late entry fees apply per candidate or per entry?",
        "Per entry: each syllabus entry made after the entry deadline carries the late fee of the "
        "period it falls in.\n\nEntries made after the last late-entry period are refused.",
    ),
    (
        Topic.ENTRIES,
        "What do we do about a timetable clash?",
        "Candidates with a clash sit both papers on the same day, one after the other, under full "
        "supervision between them. No application is needed.",
    ),
    (
        Topic.ARRANGEMENTS,
        "When can we apply for special consideration?",
        "After the candidate has sat (or missed) the first paper of the syllabus, within "
        "seven days of the last paper. We decide within two working days.",
    ),
    (
        Topic.RESULTS,
        "When will our certificates arrive?",
        "Certificates are despatched within two months of results being published. Results held "
        "for quality assurance are certificated once they are released.",
    ),
    (
        Topic.RESULTS,
        "How do we ask for a clerical re-check?",
        "From the released result, choose Make an enquiry and pick Clerical re-check. The fee is "
        "waived if the grade changes.",
    ),
    (
        Topic.PORTAL,
        "How do we connect our MIS to the portal?",
        "Ask for an API token on the API tokens page of your account menu and use the API "
        "documentation linked in every page's footer.",
    ),
]


def seed_help() -> None:
    for topic, question, answer in HELP:
        HelpAnswer.objects.get_or_create(
            question=question, defaults={"topic": topic, "answer": answer, "published": True}
        )


def seed_queries() -> None:
    users = get_user_model().objects
    officer = users.filter(username="officer1").first()
    staff = users.filter(username="staff").first()
    if officer is None or staff is None or Query.objects.exists():
        return
    membership = officer.memberships.first()
    if membership is None:
        return
    centre = membership.centre
    now = timezone.now()

    def ask(subject, body, hours_ago):
        return services.open_query(
            centre=centre,
            by=officer,
            subject=subject,
            body=body,
            at=now - dt.timedelta(hours=hours_ago),
        )

    ask(
        "Late entry fees for November",
        "Do late entry fees apply per candidate or per syllabus entry for the November series?",
        2,
    )
    referred = ask(
        "Missing component mark",
        "One of our candidates has a result with no component mark shown for paper 2.",
        30,
    )
    services.refer_query(referred, by=staff, role=RESULTS_TEAM, at=now - dt.timedelta(hours=20))
    answered = ask(
        "Timetable clash procedure",
        "Two of our candidates have a timetable clash on the same morning. What do we do?",
        80,
    )
    services.answer_query(
        answered,
        by=staff,
        response="Candidates with a clash sit both papers on the same day, one after the other, "
        "under full supervision between them. No application is needed: see the Handbook.",
        at=now - dt.timedelta(hours=60),
    )
    complaint = ask(
        "Certificates still not received",
        "We were told our certificates would arrive two months ago and they still have not. "
        "This is the third time we have had to chase.",
        50,
    )
    services.take_as_complaint(
        complaint, by=staff, category="service", at=now - dt.timedelta(hours=40)
    )


STEPS = [seed_help, seed_queries]

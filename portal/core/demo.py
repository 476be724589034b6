"""The demo data of the public contract: two centres, their officers, staff and two series.

Idempotent: every row is found by its natural key and brought back to the demo values, so
running it twice leaves one copy of each, and running it after someone edited the demo
restores it. Apps add their own demo cases through ``DEMO_STEPS``.
"""

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from centres.models import Centre, Membership
from entries.models import Candidate, Entry, Series, Syllabus
from portal.accounts import roles

DEMO_PASSWORD = "demo-pass-123"
LONDON = ZoneInfo("Europe/London")

CENTRES = [
    {
        "number": "GB001",
        "name": "Riverside Academy",
        "country": "GB",
        "timezone": "Europe/London",
        "email": "exams@riverside.example",
    },
    {
        "number": "PK002",
        "name": "Lahore Grammar International",
        "country": "PK",
        "timezone": "Asia/Karachi",
        "email": "exams@lahore-grammar.example",
    },
]
OFFICERS = [
    {
        "username": "officer1",
        "centre": "GB001",
        "first_name": "Amelia",
        "last_name": "Hughes",
        "email": "officer1@riverside.example",
    },
    {
        "username": "officer2",
        "centre": "PK002",
        "first_name": "Bilal",
        "last_name": "Qureshi",
        "email": "officer2@lahore-grammar.example",
    },
]
STAFF = [
    {
        "username": "staff",
        "first_name": "Sam",
        "last_name": "Taylor",
        "email": "staff@exams-portal.example",
        "roles": list(roles.ROLES),
    },
    {
        "username": "specialist",
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "specialist@exams-portal.example",
        "roles": [roles.ASSESSMENT_SPECIALIST],
    },
]
SYLLABUSES = [
    ("0580", "Mathematics", "Cambridge IGCSE"),
    ("0610", "Biology", "Cambridge IGCSE"),
    ("0620", "Chemistry", "Cambridge IGCSE"),
    ("0625", "Physics", "Cambridge IGCSE"),
    ("0500", "First Language English", "Cambridge IGCSE"),
    ("9709", "Mathematics", "Cambridge International AS & A Level"),
]
CANDIDATES = {
    "GB001": [
        ("0001", "Adams", "Grace", dt.date(2010, 3, 14)),
        ("0002", "Begum", "Nadia", dt.date(2010, 7, 2)),
        ("0003", "Clarke", "Oliver", dt.date(2009, 11, 23)),
        ("0004", "Davies", "Ffion", dt.date(2010, 1, 9)),
    ],
    "PK002": [
        ("0001", "Ahmed", "Zara", dt.date(2010, 5, 30)),
        ("0002", "Butt", "Hamza", dt.date(2009, 12, 12)),
        ("0003", "Chaudhry", "Ayesha", dt.date(2010, 2, 17)),
    ],
}
ENTRY_SYLLABUSES = ["0580", "0610", "0625", "0500"]
OPTION = {"0580": "42", "0610": "32", "0620": "32", "0625": "42", "0500": "12", "9709": "11"}

DEMO_STEPS: list[Callable[[], None]] = []


def register_demo_step(step: Callable[[], None]) -> Callable[[], None]:
    if step not in DEMO_STEPS:
        DEMO_STEPS.append(step)
    return step


def demo_series() -> list[dict]:
    """A June series whose results are out and a November series still to come."""
    return [
        {
            "code": "J26",
            "name": "June 2026",
            "entry_deadline": dt.date(2026, 2, 21),
            "results_release_at": dt.datetime(2026, 8, 11, 6, 0, tzinfo=LONDON),
        },
        {
            "code": "N26",
            "name": "November 2026",
            "entry_deadline": dt.date(2026, 9, 21),
            "results_release_at": dt.datetime(2027, 1, 12, 6, 0, tzinfo=LONDON),
        },
    ]


def _user(username: str, *, is_staff: bool, **fields):
    user, _ = get_user_model().objects.update_or_create(
        username=username, defaults={"is_staff": is_staff, "is_active": True, **fields}
    )
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed_demo() -> None:
    groups = roles.sync_roles()
    centres = {}
    for data in CENTRES:
        centres[data["number"]], _ = Centre.objects.update_or_create(
            number=data["number"], defaults={**data, "status": Centre.Status.ACTIVE}
        )
    for data in OFFICERS:
        data = dict(data)
        centre = centres[data.pop("centre")]
        user = _user(data.pop("username"), is_staff=False, **data)
        Membership.objects.get_or_create(user=user, centre=centre)
    for data in STAFF:
        data = dict(data)
        role_names = data.pop("roles")
        user = _user(data.pop("username"), is_staff=True, **data)
        user.groups.set([groups[name] for name in role_names])
    syllabuses = {}
    for code, title, qualification in SYLLABUSES:
        syllabuses[code], _ = Syllabus.objects.update_or_create(
            code=code, defaults={"title": title, "qualification": qualification}
        )
    series = []
    for data in demo_series():
        row, _ = Series.objects.update_or_create(code=data["code"], defaults=data)
        series.append(row)
    for number, people in CANDIDATES.items():
        for candidate_number, surname, forenames, born in people:
            candidate, _ = Candidate.objects.update_or_create(
                centre=centres[number],
                candidate_number=candidate_number,
                defaults={
                    "surname": surname,
                    "forenames": forenames,
                    "date_of_birth": born,
                    "uci": f"{number}{candidate_number}{surname[0]}",
                },
            )
            for one_series in series:
                for code in ENTRY_SYLLABUSES:
                    Entry.objects.get_or_create(
                        series=one_series,
                        candidate=candidate,
                        syllabus=syllabuses[code],
                        defaults={"option_code": OPTION[code], "status": Entry.Status.CONFIRMED},
                    )
    for step in DEMO_STEPS:
        step()

"""The demo reference data and entries: syllabuses with components, a June and a November
series with their options, timetables and late-entry periods, a series still open for entries
on the day ``seed_demo`` runs, and the candidates of both demo centres entered for four
syllabuses in each. In the open series GB001's entries are confirmed (so question papers are
due for despatch) and PK002's wait for confirmation; the next June series waits for its
provisional timetable."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from entries import services
from entries.models import (
    Candidate,
    Component,
    Entry,
    EntryOption,
    EntrySubmission,
    LateEntryPeriod,
    Paper,
    Series,
    Syllabus,
)
from entries.uci import propose_uci
from portal.calendar import london_date
from portal.centres.models import Centre

LONDON = ZoneInfo("Europe/London")

SYLLABUSES = [
    ("0580", "Mathematics", "Cambridge IGCSE"),
    ("0610", "Biology", "Cambridge IGCSE"),
    ("0620", "Chemistry", "Cambridge IGCSE"),
    ("0625", "Physics", "Cambridge IGCSE"),
    ("0500", "First Language English", "Cambridge IGCSE"),
    ("9709", "Mathematics", "Cambridge International AS & A Level"),
]
# (syllabus, component, title, minutes)
COMPONENTS = [
    ("0580", "12", "Paper 1 (Core)", 90),
    ("0580", "22", "Paper 2 (Extended)", 120),
    ("0580", "32", "Paper 3 (Core)", 120),
    ("0580", "42", "Paper 4 (Extended)", 120),
    ("0610", "22", "Paper 2 (Extended, multiple choice)", 45),
    ("0610", "32", "Paper 3 (Core, theory)", 75),
    ("0610", "42", "Paper 4 (Extended, theory)", 75),
    ("0620", "22", "Paper 2 (Extended, multiple choice)", 45),
    ("0620", "42", "Paper 4 (Extended, theory)", 75),
    ("0625", "22", "Paper 2 (Extended, multiple choice)", 45),
    ("0625", "42", "Paper 4 (Extended, theory)", 75),
    ("0500", "12", "Paper 1 (Reading)", 120),
    ("0500", "22", "Paper 2 (Directed writing and composition)", 120),
    ("9709", "11", "Paper 1 (Pure Mathematics 1)", 110),
    ("9709", "31", "Paper 3 (Pure Mathematics 3)", 110),
]
# (syllabus, option, title, components)
OPTIONS = [
    ("0580", "42", "Extended", ["22", "42"]),
    ("0580", "32", "Core", ["12", "32"]),
    ("0610", "32", "Core", ["32"]),
    ("0610", "42", "Extended", ["22", "42"]),
    ("0620", "42", "Extended", ["22", "42"]),
    ("0625", "42", "Extended", ["22", "42"]),
    ("0500", "12", "Reading and writing", ["12", "22"]),
    ("9709", "11", "AS Level", ["11"]),
    ("9709", "31", "A Level", ["11", "31"]),
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
OPTION = {"0580": "42", "0610": "32", "0620": "42", "0625": "42", "0500": "12", "9709": "11"}
MONTHS = {"M": (3, "March", 1), "J": (6, "June", 2), "N": (11, "November", 9)}


def _series_data(letter: str, year: int) -> dict:
    month, name, deadline_month = MONTHS[letter]
    release = {"M": (5, 5), "J": (8, 11), "N": (1, 12)}[letter]
    release_year = year + 1 if letter == "N" else year
    return {
        "code": f"{letter}{year % 100:02d}",
        "name": f"{name} {year}",
        "entry_deadline": dt.date(year, deadline_month, 21),
        "results_release_at": dt.datetime(release_year, *release, 6, 0, tzinfo=LONDON),
        "access_arrangements_deadline": dt.date(year, deadline_month, 21),
        "special_consideration_deadline": dt.date(year, month, 28),
    }


def demo_series(today: dt.date) -> list[dict]:
    """June and November 2026, and the next series whose entries are still open on ``today``
    (a week or more before its final deadline), with the next June series if that is not it."""
    found = [_series_data("J", 2026), _series_data("N", 2026)]
    upcoming = [
        _series_data(letter, year)
        for year in (today.year, today.year + 1)
        for letter in ("M", "J", "N")
    ]
    open_now = next(s for s in upcoming if s["entry_deadline"] >= today + dt.timedelta(days=7))
    june = next(s for s in upcoming if s["code"][0] == "J" and s["entry_deadline"] >= today)
    for data in (open_now, june):
        if data["code"] not in {s["code"] for s in found}:
            found.append(data)
    return found


def _timetable(series: Series, components: dict) -> None:
    month = MONTHS[series.code[0]][0]
    first = dt.date(series.entry_deadline.year, month, 2)
    for index, (code, component_code, _title, minutes) in enumerate(COMPONENTS):
        day = first + dt.timedelta(days=index + (index // 5) * 2)
        Paper.objects.update_or_create(
            series=series,
            component=components[(code, component_code)],
            defaults={
                "date": day,
                "session": Paper.Session.MORNING if index % 2 == 0 else Paper.Session.AFTERNOON,
                "duration": dt.timedelta(minutes=minutes),
            },
        )


def seed_entries() -> None:
    today = london_date(timezone.now())
    centres = {centre.number: centre for centre in Centre.objects.filter(number__in=CANDIDATES)}
    staff = get_user_model().objects.filter(username="staff").first()
    syllabuses = {}
    for code, title, qualification in SYLLABUSES:
        syllabuses[code], _ = Syllabus.objects.update_or_create(
            code=code, defaults={"title": title, "qualification": qualification}
        )
    components = {}
    for code, component_code, title, _minutes in COMPONENTS:
        components[(code, component_code)], _ = Component.objects.update_or_create(
            syllabus=syllabuses[code], code=component_code, defaults={"title": title}
        )
    all_series = []
    for data in demo_series(today):
        series, _ = Series.objects.update_or_create(code=data["code"], defaults=data)
        all_series.append(series)
        for weeks, name, fee in (
            (3, "First late period", "25.00"),
            (6, "Second late period", "60.00"),
        ):
            LateEntryPeriod.objects.update_or_create(
                series=series,
                ends_on=series.entry_deadline + dt.timedelta(weeks=weeks),
                defaults={"name": name, "fee": Decimal(fee)},
            )
        for code, option_code, title, parts in OPTIONS:
            option, _ = EntryOption.objects.update_or_create(
                series=series,
                syllabus=syllabuses[code],
                code=option_code,
                defaults={"title": title},
            )
            option.components.set([components[(code, part)] for part in parts])
        _timetable(series, components)
        services.schedule_provisional_timetable(series)
    for number, people in CANDIDATES.items():
        for candidate_number, surname, forenames, born in people:
            for series in all_series:
                open_now = services.entry_terms(series, on=today).state == "open"
                candidate, _ = Candidate.objects.update_or_create(
                    centre=centres[number],
                    series=series,
                    candidate_number=candidate_number,
                    defaults={
                        "surname": surname,
                        "forenames": forenames,
                        "date_of_birth": born,
                        "uci": propose_uci(
                            centre_number=number, year=2026, candidate_number=candidate_number
                        ),
                    },
                )
                for code in ENTRY_SYLLABUSES:
                    Entry.objects.get_or_create(
                        candidate=candidate,
                        syllabus=syllabuses[code],
                        defaults={
                            "centre": candidate.centre,
                            "option_code": OPTION[code],
                            "status": Entry.Status.PROVISIONAL
                            if open_now
                            else Entry.Status.CONFIRMED,
                        },
                    )
    _submissions(all_series, centres, staff, today)


def _submissions(all_series, centres, staff, today) -> None:
    """In the first series open now: GB001's entries submitted and confirmed (its papers
    due for despatch), PK002's submitted and waiting."""
    open_series = [s for s in all_series if services.entry_terms(s, on=today).state == "open"]
    if not open_series or staff is None:
        return
    series = open_series[0]
    for number in ("GB001", "PK002"):
        centre = centres[number]
        officer = centre.memberships.select_related("user").first()
        waiting = Entry.objects.filter(
            candidate__centre=centre,
            candidate__series=series,
            status=Entry.Status.PROVISIONAL,
            submission__isnull=True,
        )
        if officer is not None and waiting.exists():
            services.submit_entries(centre=centre, series=series, by=officer.user)
    gb_submission = EntrySubmission.objects.filter(
        centre=centres["GB001"], series=series, status=EntrySubmission.Status.SUBMITTED
    ).first()
    if gb_submission is not None:
        services.confirm_submission(gb_submission, by=staff)


STEPS = [seed_entries]

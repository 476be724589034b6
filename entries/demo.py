"""The demo reference data and entries: syllabuses, a June and a November series, and the
candidates of both demo centres entered for four syllabuses in each."""

import datetime as dt
from zoneinfo import ZoneInfo

from entries.models import Candidate, Entry, Series, Syllabus
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


def seed_entries() -> None:
    centres = {centre.number: centre for centre in Centre.objects.filter(number__in=CANDIDATES)}
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
            for one_series in series:
                candidate, _ = Candidate.objects.update_or_create(
                    centre=centres[number],
                    series=one_series,
                    candidate_number=candidate_number,
                    defaults={
                        "surname": surname,
                        "forenames": forenames,
                        "date_of_birth": born,
                        "uci": f"{number}{candidate_number}{surname[0]}",
                    },
                )
                for code in ENTRY_SYLLABUSES:
                    Entry.objects.get_or_create(
                        candidate=candidate,
                        syllabus=syllabuses[code],
                        defaults={"option_code": OPTION[code], "status": Entry.Status.CONFIRMED},
                    )

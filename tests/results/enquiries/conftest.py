import datetime as dt

import pytest

from results.enquiries.demo import seed_terms
from results.models import Result
from tests.factories import CandidateFactory, EntryFactory, SeriesFactory, SyllabusFactory

RELEASE = dt.datetime(2027, 8, 10, 5, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _charter(charter):
    """Every enquiry starts two clocks: every test has the charter."""


@pytest.fixture
def series(db):
    series = SeriesFactory(code="J27", name="June 2027", results_release_at=RELEASE)
    seed_terms(series)
    return series


def make_result(centre, series, number="0001", code="0580", grade="B"):
    candidate = CandidateFactory(
        centre=centre, series=series, candidate_number=number, surname=f"Cand{number}"
    )
    entry = EntryFactory(candidate=candidate, syllabus=SyllabusFactory(code=code))
    return Result.objects.create(
        series=series,
        centre=centre,
        candidate=candidate,
        syllabus=entry.syllabus,
        status="issued",
        grade=grade,
    )


@pytest.fixture
def result_gb(series, centre_gb):
    return make_result(centre_gb, series)


@pytest.fixture
def result_pk(series, centre_pk):
    return make_result(centre_pk, series, code="0610")

import datetime as dt
from contextlib import contextmanager

import pytest
from django.db import connection

from results.models import Result
from tests.factories import CandidateFactory, EntryFactory, SeriesFactory, SyllabusFactory

RELEASE = dt.datetime(2027, 8, 10, 5, 0, tzinfo=dt.UTC)
BEFORE = RELEASE - dt.timedelta(seconds=1)
AFTER = RELEASE + dt.timedelta(seconds=1)


@contextmanager
def capturing():
    """The SQL of every query run in the block."""
    run: list[str] = []

    def keep(execute, sql, params, many, context):
        run.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        yield run


@pytest.fixture
def series(db):
    return SeriesFactory(code="J27", name="June 2027", results_release_at=RELEASE)


def make_result(centre, series, number, code, grade="A", status="issued"):
    candidate = (
        CandidateFactory(
            centre=centre, series=series, candidate_number=number, surname=f"Cand{number}"
        )
        if not centre.candidates.filter(series=series, candidate_number=number).exists()
        else (centre.candidates.get(series=series, candidate_number=number))
    )
    entry = EntryFactory(candidate=candidate, syllabus=SyllabusFactory(code=code))
    return Result.objects.create(
        series=series,
        centre=centre,
        candidate=candidate,
        syllabus=entry.syllabus,
        status=status,
        grade=grade if status == "issued" else "",
    )


@pytest.fixture
def results_gb(series, centre_gb):
    return [
        make_result(centre_gb, series, "0001", "0580", "A"),
        make_result(centre_gb, series, "0001", "0610", "B"),
        make_result(centre_gb, series, "0002", "0580", status="pending"),
    ]


@pytest.fixture
def results_pk(series, centre_pk):
    return [make_result(centre_pk, series, "0001", "0580", "C")]

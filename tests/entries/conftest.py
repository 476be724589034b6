"""A series open for entries (final deadline 21 February 2027, two late periods), with 0580
(options 22 and 42) and 0610 (option 32) offered and timetabled, and the day set to
1 February 2027."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.factories import (
    ComponentFactory,
    EntryOptionFactory,
    LateEntryPeriodFactory,
    PaperFactory,
    SeriesFactory,
    SyllabusFactory,
)

BEFORE_DEADLINE = dt.datetime(2027, 2, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def today():
    # Before anyone signs in: a session begun at another time would have expired.
    with time_machine.travel(BEFORE_DEADLINE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def series(db, today):
    series = SeriesFactory(
        code="J27",
        name="June 2027",
        entry_deadline=dt.date(2027, 2, 21),
        results_release_at=dt.datetime(2027, 8, 10, 6, 0, tzinfo=dt.UTC),
    )
    LateEntryPeriodFactory(
        series=series, name="First late period", ends_on=dt.date(2027, 3, 14), fee=Decimal("25.00")
    )
    LateEntryPeriodFactory(
        series=series, name="Second late period", ends_on=dt.date(2027, 4, 4), fee=Decimal("60.00")
    )
    maths = SyllabusFactory(code="0580", title="Mathematics")
    biology = SyllabusFactory(code="0610", title="Biology")
    paper2 = ComponentFactory(syllabus=maths, code="22", title="Paper 2 (Extended)")
    paper4 = ComponentFactory(syllabus=maths, code="42", title="Paper 4 (Extended)")
    paper1 = ComponentFactory(syllabus=maths, code="12", title="Paper 1 (Core)")
    bio3 = ComponentFactory(syllabus=biology, code="32", title="Paper 3 (Core)")
    EntryOptionFactory(series=series, syllabus=maths, code="42", components=[paper2, paper4])
    EntryOptionFactory(series=series, syllabus=maths, code="22", components=[paper1, paper2])
    EntryOptionFactory(series=series, syllabus=biology, code="32", components=[bio3])
    PaperFactory(series=series, component=paper2, date=dt.date(2027, 5, 4))
    PaperFactory(series=series, component=paper4, date=dt.date(2027, 5, 12))
    PaperFactory(series=series, component=paper1, date=dt.date(2027, 5, 4))
    PaperFactory(series=series, component=bio3, date=dt.date(2027, 5, 20))
    return series

import datetime as dt

import pytest
from django.utils import timezone

from entries.arrangements import services
from entries.arrangements.models import Category
from entries.models import Component, Paper
from portal.accounts import roles
from tests.factories import (
    CandidateFactory,
    EntryFactory,
    SeriesFactory,
    StaffFactory,
    SyllabusFactory,
)

AA_URL = "/api/v1/access-arrangements/"
SC_URL = "/api/v1/special-considerations/"
APPEALS_URL = "/api/v1/appeals/"


@pytest.fixture(autouse=True)
def _charter(charter):
    """Every case here starts a clock: every test has the charter."""


@pytest.fixture
def series(db):
    return SeriesFactory(
        code="N27",
        name="November 2027",
        access_arrangements_deadline=(timezone.now() + dt.timedelta(days=30)).date(),
        results_release_at=timezone.now() + dt.timedelta(days=90),
    )


@pytest.fixture
def syllabus(db):
    return SyllabusFactory(code="0580", title="Mathematics")


@pytest.fixture
def candidate(centre_gb, series, syllabus):
    candidate = CandidateFactory(
        centre=centre_gb, series=series, candidate_number="0001", surname="Adams"
    )
    EntryFactory(candidate=candidate, syllabus=syllabus)
    return candidate


@pytest.fixture
def candidate_pk(centre_pk, series, syllabus):
    candidate = CandidateFactory(
        centre=centre_pk, series=series, candidate_number="0002", surname="Ahmed"
    )
    EntryFactory(candidate=candidate, syllabus=syllabus)
    return candidate


def timetable(series, syllabus, *dates):
    """Papers of ``syllabus`` on ``dates`` in ``series``."""
    for number, day in enumerate(dates, start=1):
        component = Component.objects.create(
            syllabus=syllabus, code=f"{number}2", title=f"Paper {number}"
        )
        Paper.objects.create(series=series, component=component, date=day, session="am")


@pytest.fixture
def specialist(db):
    return StaffFactory(username="specialist-a", roles=[roles.ASSESSMENT_SPECIALIST])


@pytest.fixture
def second_specialist(db):
    return StaffFactory(username="specialist-b", roles=[roles.ASSESSMENT_SPECIALIST])


@pytest.fixture
def director(db):
    return StaffFactory(username="director-a", roles=[roles.DIRECTOR])


def apply_aa(officer, candidate, arrangement="reader", **extra):
    return services.apply_for_access_arrangement(
        centre=candidate.centre,
        series=candidate.series,
        candidate_number=candidate.candidate_number,
        arrangement=arrangement,
        reason="Visual impairment.",
        by=officer,
        **extra,
    )


def apply_sc(officer, candidate, syllabus, **extra):
    extra.setdefault("category", Category.PRESENT_DISADVANTAGED)
    return services.apply_for_special_consideration(
        centre=candidate.centre,
        series=candidate.series,
        candidate_number=candidate.candidate_number,
        syllabus=syllabus,
        reason="Fire alarm during the paper.",
        by=officer,
        **extra,
    )


@pytest.fixture
def aa(officer_gb, candidate):
    return apply_aa(officer_gb, candidate)


@pytest.fixture
def declined_aa(aa, specialist):
    return services.decline_access_arrangement(aa, by=specialist, reason="No evidence.")


@pytest.fixture
def sc(officer_gb, candidate, syllabus):
    return apply_sc(officer_gb, candidate, syllabus)


@pytest.fixture
def declined_sc(sc, specialist):
    return services.decline_special_consideration(sc, by=specialist, reason="Not affected.")


@pytest.fixture
def appeal(declined_aa, officer_gb):
    return services.lodge_appeal(declined_aa, grounds="The report covers it.", by=officer_gb)


@pytest.fixture
def sc_appeal(declined_sc, officer_gb):
    return services.lodge_appeal(declined_sc, grounds="The letter explains it.", by=officer_gb)

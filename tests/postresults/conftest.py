import datetime as dt

import pytest

from portal.accounts.roles import RESULTS_TEAM
from postresults import services
from tests.factories import CandidateFactory, SeriesFactory, StaffFactory

# A Monday morning after June's results and before November's.
NOW = dt.datetime(2026, 9, 7, 9, 0, tzinfo=dt.UTC)
JUNE_RELEASE = dt.datetime(2026, 8, 11, 5, 0, tzinfo=dt.UTC)
NOVEMBER_RELEASE = dt.datetime(2027, 1, 12, 6, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _charter(charter):
    """Requests start a clock: every test here has the charter."""


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def june(db):
    return SeriesFactory(code="J26", name="June 2026", results_release_at=JUNE_RELEASE)


@pytest.fixture
def november(db):
    return SeriesFactory(code="N26", name="November 2026", results_release_at=NOVEMBER_RELEASE)


@pytest.fixture
def candidate(centre_gb, june):
    return CandidateFactory(
        centre=centre_gb, series=june, candidate_number="0001", forenames="Ada", surname="Khan"
    )


@pytest.fixture
def candidate_november(centre_gb, november):
    return CandidateFactory(
        centre=centre_gb, series=november, candidate_number="0001", forenames="Ada", surname="Khan"
    )


@pytest.fixture
def results_team(db):
    return StaffFactory(username="results-team", roles=[RESULTS_TEAM])


@pytest.fixture
def paper_copies(now, centre_gb, officer_gb, june, candidate):
    return services.request_service(
        centre=centre_gb,
        by=officer_gb,
        service="paper_copies",
        series=june,
        candidate_number="0001",
    )


@pytest.fixture
def scheduled(now, centre_gb, officer_gb, november, candidate_november):
    return services.request_service(
        centre=centre_gb,
        by=officer_gb,
        service="results_to_institution",
        series=november,
        candidate_number="0001",
        recipient_name="University of Example",
        recipient_email="admissions@example.ac.uk",
    )


def learner_application(series, **changes):
    data = {
        "name": "Amira Learner",
        "date_of_birth": dt.date(2008, 5, 14),
        "email": "amira@example.org",
        "series": series,
        "delivery_address": "12 Garden Row\nCambridge CB1 1AA",
        "centre_number": "GB001",
        "candidate_number": "0003",
    }
    return {**data, **changes}

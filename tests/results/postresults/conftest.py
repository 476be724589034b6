import datetime as dt

import pytest

from portal.accounts.roles import RESULTS_TEAM
from results.postresults import certificates, services
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


def add_result(centre, series, candidate_number: str, syllabus_code: str, **fields):
    """A result of the candidate (made if new) in a syllabus: issued with a B unless told."""
    from results.models import Result
    from tests.factories import SyllabusFactory

    candidate = CandidateFactory._meta.model.objects.filter(
        centre=centre, series=series, candidate_number=candidate_number
    ).first() or CandidateFactory(centre=centre, series=series, candidate_number=candidate_number)
    fields = {"status": "issued", "grade": "B", **fields}
    return Result.objects.create(
        series=series,
        centre=centre,
        candidate=candidate,
        syllabus=SyllabusFactory(code=syllabus_code),
        **fields,
    )


@pytest.fixture
def june_results(centre_gb, centre_pk, june):
    """June results of two centres. At GB001: 0001 issued in two syllabuses; 0002 issued in
    0580 and held by QA in 0620; 0003 withheld; 0004 pending. At PK002: 0001 issued. A third
    centre has pending results only (no certificates yet)."""
    from results.services import hold_results
    from tests.factories import CentreFactory, SyllabusFactory

    add_result(centre_gb, june, "0001", "0580", grade="A")
    add_result(centre_gb, june, "0001", "0610")
    add_result(centre_gb, june, "0002", "0580")
    add_result(centre_gb, june, "0002", "0620", grade="C")
    hold_results(centre=centre_gb, series=june, syllabus=SyllabusFactory(code="0620"))
    add_result(centre_gb, june, "0003", "0580", status="withheld", grade="")
    add_result(centre_gb, june, "0004", "0580", status="pending", grade="")
    add_result(centre_pk, june, "0001", "0580", grade="A*")
    pending_only = CentreFactory(number="AE003", name="Desert School", timezone="Asia/Dubai")
    add_result(pending_only, june, "0001", "0580", status="pending", grade="")
    return june


@pytest.fixture
def certificates_gb(june_results, centre_gb, time_machine):
    """GB001's June certificates, opened by the sweep a minute after the release instant;
    the clock then stays at ``NOW``."""
    time_machine.move_to(JUNE_RELEASE + dt.timedelta(minutes=1), tick=False)
    certificates.open_due_certificate_despatches()
    time_machine.move_to(NOW, tick=False)
    from results.postresults.models import CertificateDespatch

    return CertificateDespatch.objects.get(centre=centre_gb)

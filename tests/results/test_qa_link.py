"""Results held while QA of the centre's syllabus is under way, through the QA app's moves."""

import pytest
import time_machine

from qa import services as qa
from results.models import QaHold
from tests.factories import GradeFactory, QaSeriesFactory, StaffFactory
from tests.qa.conftest import send_everything
from tests.results.conftest import AFTER, make_result

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _charter(charter):
    """QA requests start clocks."""


@pytest.fixture
def specialist(db):
    from portal.accounts import roles

    return StaffFactory(username="qa-specialist", roles=[roles.ASSESSMENT_SPECIALIST])


@pytest.fixture
def opened(centre_gb, series, specialist):
    QaSeriesFactory(series=series)
    results = [make_result(centre_gb, series, f"000{n}", "0580", "B") for n in (1, 2)]
    for result in results:
        GradeFactory(candidate=result.candidate, syllabus=result.syllabus, grade="B")
    request = qa.open_request(
        centre=centre_gb,
        series=series,
        syllabus=results[0].syllabus,
        candidates=["0001"],
        by=specialist,
    )
    return request, results


def seen(officer_api):
    with time_machine.travel(AFTER, tick=False):
        rows = officer_api.get("/api/v1/results/?series=J27").json()["results"]
    return {(r["candidate_number"], r["status"], r["grade"]) for r in rows}


def test_results_of_a_syllabus_under_qa_are_withheld(opened, officer_api):
    assert seen(officer_api) == {("0001", "withheld", None), ("0002", "withheld", None)}
    assert QaHold.objects.open().count() == 1


def test_accepted_qa_shows_the_results(opened, officer_api, officer_gb, specialist):
    request, _ = opened
    send_everything(request, officer_gb)
    qa.submit_evidence(request, by=officer_gb)

    qa.accept_grades(request, by=specialist)

    assert seen(officer_api) == {("0001", "issued", "B"), ("0002", "issued", "B")}
    assert QaHold.objects.get().outcome == "accepted"


def test_adjusted_qa_shows_the_adjusted_grades(opened, officer_api, officer_gb, specialist):
    request, _ = opened
    send_everything(request, officer_gb)
    qa.submit_evidence(request, by=officer_gb)

    qa.adjust_grades(request, by=specialist, grades=[{"candidate_number": "0001", "grade": "C"}])

    assert seen(officer_api) == {("0001", "issued", "C"), ("0002", "issued", "B")}
    assert QaHold.objects.get().outcome == "adjusted"

import datetime as dt

import pytest

from complaints import services
from complaints.models import Category, Complaint, Route, Submitter
from complaints.routing import route_submission
from tests.complaints.conftest import SERVICE
from tests.factories import SeriesFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)


def _series(released: dt.datetime):
    return SeriesFactory(code="J26", name="June 2026", results_release_at=released)


@pytest.mark.parametrize(
    "category,route",
    [
        (Category.SERVICE, Route.COMPLAINT),
        (Category.RESULTS, Route.ENQUIRY_ABOUT_RESULTS),
        (Category.SCHOOL, Route.SCHOOL_PROCEDURE),
        (Category.ENQUIRY_OUTCOME, Route.APPEAL),
        (Category.ACCESS_ARRANGEMENTS, Route.APPEAL),
        (Category.SPECIAL_CONSIDERATION, Route.APPEAL),
        (Category.MALPRACTICE_OUTCOME, Route.APPEAL),
    ],
)
def test_route_by_category(category, route):
    assert route_submission(category=category, at=NOW).route == route


def test_route_school_with_malpractice_goes_to_malpractice_reporting():
    routing = route_submission(category=Category.SCHOOL, alleges_malpractice=True, at=NOW)
    assert routing.route == Route.MALPRACTICE_REPORT
    assert "malpractice" in routing.reason


def test_route_question_paper_during_live_series_becomes_exam_day_comments():
    series = _series(NOW + dt.timedelta(days=60))
    routing = route_submission(category=Category.QUESTION_PAPER, series=series, at=NOW)
    assert routing.route == Route.EXAM_DAY_COMMENTS
    assert "after results" in routing.reason.lower() and "June 2026" in routing.reason


def test_route_question_paper_after_results_is_a_complaint():
    series = _series(NOW - dt.timedelta(days=1))
    routing = route_submission(category=Category.QUESTION_PAPER, series=series, at=NOW)
    assert routing.route == Route.COMPLAINT


@pytest.mark.parametrize("submitter", [Submitter.LEARNER, Submitter.PARENT])
def test_route_learner_about_a_direct_service_is_a_complaint(submitter):
    routing = route_submission(
        category=Category.SERVICE,
        submitter_type=submitter,
        direct_service="certifying_statement",
        at=NOW,
    )
    assert routing.route == Route.COMPLAINT


def test_route_learner_about_another_service_goes_to_the_school():
    routing = route_submission(category=Category.SERVICE, submitter_type=Submitter.LEARNER, at=NOW)
    assert routing.route == Route.SCHOOL_PROCEDURE


def test_route_learner_about_results_is_told_to_ask_the_school():
    routing = route_submission(category=Category.RESULTS, submitter_type=Submitter.PARENT, at=NOW)
    assert routing.route == Route.ENQUIRY_ABOUT_RESULTS
    assert "exams officer" in routing.reason


def test_route_concern_without_formal_complaint_is_recorded():
    routing = route_submission(category=Category.SERVICE, formal=False, at=NOW)
    assert routing.route == Route.RECORDED


def test_redirected_submission_is_kept_as_dissatisfaction(centre_gb, officer_gb):
    complaint = services.submit_complaint(
        data={**SERVICE, "category": Category.RESULTS}, centre=centre_gb, submitted_by=officer_gb
    )
    saved = Complaint.objects.get()
    assert (saved.kind, saved.status, saved.route) == (
        "dissatisfaction",
        "redirected",
        "enquiry_about_results",
    )
    notice = complaint.messages.get()
    assert "enquiry about results" in notice.body.lower()


def test_question_paper_needs_a_series(centre_gb, officer_gb):
    from portal.errors import PortalError

    with pytest.raises(PortalError) as refused:
        services.submit_complaint(
            data={**SERVICE, "category": Category.QUESTION_PAPER},
            centre=centre_gb,
            submitted_by=officer_gb,
        )
    assert refused.value.field == "series"
    assert Complaint.objects.count() == 0


def test_live_question_paper_complaint_may_return_after_results(
    centre_gb, officer_gb, time_machine
):
    series = _series(NOW + dt.timedelta(days=30))
    data = {**SERVICE, "category": Category.QUESTION_PAPER, "series": series}
    time_machine.move_to(NOW)
    first = services.submit_complaint(data=dict(data), centre=centre_gb, submitted_by=officer_gb)
    time_machine.move_to(NOW + dt.timedelta(days=31))
    second = services.submit_complaint(data=dict(data), centre=centre_gb, submitted_by=officer_gb)
    assert (first.status, first.route) == ("redirected", "exam_day_comments")
    assert (second.status, second.route) == ("received", "complaint")

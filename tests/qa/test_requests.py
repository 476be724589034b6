"""Evidence requests: opened by staff with a sample, submitted by the centre once the
Rationale Document and each sampled candidate's evidence are in, decided by assessment
specialists; every move allowed, refused (403 role, 409 status) and repeated."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from portal.accounts import roles
from portal.calendar import LONDON
from portal.notifications.models import Notification
from portal.sla.models import Clock
from qa import grades, services
from qa.models import AdjustedGrade, QaRequest, QaRound
from tests.factories import GradeFactory, StaffFactory
from tests.qa.conftest import pdf, send_everything
from tests.signing_in import api_as

pytestmark = pytest.mark.django_db

URL = "/api/v1/qa/requests/"
Status = QaRequest.Status
JUDGED = {"process_reasonable": "yes", "grades_reasonable": "no", "grades_aligned": "yes"}


def clocks(request):
    return list(
        Clock.objects.for_case(request).order_by("started_at", "pk").values_list("code", "state")
    )


# Opening and sampling ---------------------------------------------------------------------


def test_propose_sample_spreads_across_grades(graded, centre_gb, series, maths):
    proposal = services.propose_sample(centre=centre_gb, series=series, syllabus=maths, size=4)

    grades = {g.candidate_id: g.grade for g in graded}
    assert sorted(grades[c.pk] for c in proposal) == ["A", "B", "C", "D"]


def test_propose_sample_never_more_than_graded(graded, centre_gb, series, maths):
    proposal = services.propose_sample(centre=centre_gb, series=series, syllabus=maths, size=50)

    assert len(proposal) == 6


def test_api_create_request_by_specialist(graded, specialist_api, series, officer_gb):
    body = {
        "centre": "GB001",
        "series": series.code,
        "syllabus_code": "0580",
        "candidates": ["0001", "0003"],
    }

    response = specialist_api.post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["reference"].startswith("QA-")
    assert (data["status"], data["centre"], data["syllabus_code"]) == ("requested", "GB001", "0580")
    assert data["candidates"] == ["0001", "0003"]
    assert [d["code"] for d in data["deadlines"]] == ["qa.evidence"]
    assert Notification.objects.filter(user=officer_gb, reference=data["reference"]).exists()


def test_api_create_request_without_candidates_takes_the_proposal(graded, specialist_api, series):
    body = {"centre": "GB001", "series": series.code, "syllabus_code": "0580"}

    response = specialist_api.post(URL, body, format="json")

    assert response.status_code == 201
    assert len(response.json()["candidates"]) == services.DEFAULT_SAMPLE_SIZE


def test_api_create_request_with_ungraded_candidate_refused(graded, specialist_api, series):
    body = {
        "centre": "GB001",
        "series": series.code,
        "syllabus_code": "0610",
        "candidates": ["0001"],
    }

    response = specialist_api.post(URL, body, format="json")

    assert response.status_code == 400
    assert "submitted no grades for 0610" in response.json()["errors"]["syllabus_code"][0]
    assert not QaRequest.objects.exists()


def test_api_create_request_twice_for_a_syllabus_refused(qa_request, specialist_api, series):
    body = {"centre": "GB001", "series": series.code, "syllabus_code": "0580"}

    response = specialist_api.post(URL, body, format="json")

    assert response.status_code == 400
    assert QaRequest.objects.count() == 1


def test_api_create_request_by_officer_refused(graded, officer_api, series):
    body = {"centre": "GB001", "series": series.code, "syllabus_code": "0580"}

    response = officer_api.post(URL, body, format="json")

    assert response.status_code == 403
    assert not QaRequest.objects.exists()


def test_api_create_request_by_staff_of_another_role_refused(graded, series):
    staff = StaffFactory(roles=[roles.CUSTOMER_SERVICES])

    response = api_as(staff).post(
        URL, {"centre": "GB001", "series": series.code, "syllabus_code": "0580"}, format="json"
    )

    assert response.status_code == 403


def test_evidence_clock_runs_five_days(graded, centre_gb, series, maths, specialist):
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 0, tzinfo=LONDON), tick=False):
        request = services.open_request(
            centre=centre_gb, series=series, syllabus=maths, by=specialist
        )

    clock = Clock.objects.for_case(request).get(code="qa.evidence")
    assert clock.due_at.astimezone(LONDON).date() == dt.date(2026, 6, 6)


# Officers see their own -----------------------------------------------------------------


def test_api_request_of_another_centre_answers_404(qa_request, officer_pk):
    client = api_as(officer_pk)

    assert client.get(f"{URL}{qa_request.reference}/").status_code == 404
    assert client.post(f"{URL}{qa_request.reference}/submit/").status_code == 404
    assert client.get(URL).json()["count"] == 0


def test_api_request_detail_for_own_officer(qa_request, officer_api):
    response = officer_api.get(f"{URL}{qa_request.reference}/")

    data = response.json()
    assert response.status_code == 200
    assert data["actions"] == ["submit", "upload"]
    assert {(m["kind"], m["candidate_number"], m["blocking"]) for m in data["missing"]} == {
        ("rationale", "", True),
        ("task", "", False),
        ("evidence", "0001", True),
        ("marks", "0001", False),
        ("evidence", "0004", True),
        ("marks", "0004", False),
    }


# Evidence -------------------------------------------------------------------------------


def test_add_evidence_for_a_candidate_outside_the_sample_refused(qa_request, officer_gb):
    with pytest.raises(services.PortalError, match="one of the candidates of the sample"):
        services.add_evidence(
            qa_request, files=[pdf()], kind="evidence", candidate_number="0002", by=officer_gb
        )

    assert not services.request_files(qa_request).exists()


def test_add_evidence_of_unknown_kind_refused(qa_request, officer_gb):
    with pytest.raises(services.PortalError, match="Say what the file is"):
        services.add_evidence(qa_request, files=[pdf()], kind="poster", by=officer_gb)


def test_add_evidence_after_submitting_refused(submitted, officer_gb):
    with pytest.raises(services.TransitionNotAllowed):
        services.add_evidence(submitted, files=[pdf()], kind="task", by=officer_gb)


def test_missing_items_clear_as_files_arrive(qa_request, officer_gb):
    send_everything(qa_request, officer_gb)

    assert services.missing_items(qa_request) == []


# Submit ---------------------------------------------------------------------------------


def test_api_submit_without_rationale_answers_409(qa_request, officer_gb, officer_api):
    send_everything(qa_request, officer_gb, skip={"rationale"})

    response = officer_api.post(f"{URL}{qa_request.reference}/submit/")

    assert response.status_code == 409
    assert "Rationale Document" in response.json()["detail"]
    qa_request.refresh_from_db()
    assert qa_request.status == Status.REQUESTED
    assert clocks(qa_request) == [("qa.evidence", "running")]


def test_api_submit_without_a_candidates_evidence_answers_409(qa_request, officer_gb, officer_api):
    send_everything(qa_request, officer_gb, skip={("evidence", "0004")})

    response = officer_api.post(f"{URL}{qa_request.reference}/submit/")

    assert response.status_code == 409
    assert "candidate 0004" in response.json()["detail"]
    qa_request.refresh_from_db()
    assert qa_request.status == Status.REQUESTED


def test_api_submit_without_tasks_and_marks_allowed(qa_request, officer_gb, officer_api):
    send_everything(qa_request, officer_gb, skip={"task", ("marks", "0001"), ("marks", "0004")})

    response = officer_api.post(f"{URL}{qa_request.reference}/submit/")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"


def test_api_submit_stops_evidence_and_starts_review_due_on_series_date(
    qa_request, officer_gb, officer_api, window, specialist
):
    send_everything(qa_request, officer_gb)

    response = officer_api.post(f"{URL}{qa_request.reference}/submit/")

    assert response.status_code == 200
    assert clocks(qa_request) == [("qa.evidence", "met"), ("qa.review", "running")]
    review = Clock.objects.for_case(qa_request).get(code="qa.review")
    assert review.due_at.astimezone(LONDON).date() == window.review_due
    assert Notification.objects.filter(user=specialist, reference=qa_request.reference).exists()


def test_api_submit_repeated_is_quiet(submitted, officer_api):
    response = officer_api.post(f"{URL}{submitted.reference}/submit/")

    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert clocks(submitted) == [("qa.evidence", "met"), ("qa.review", "running")]


def test_api_submit_by_staff_refused(qa_request, officer_gb, specialist_api):
    send_everything(qa_request, officer_gb)

    response = specialist_api.post(f"{URL}{qa_request.reference}/submit/")

    assert response.status_code == 403


def test_api_submit_after_acceptance_answers_409(submitted, specialist, officer_api):
    services.accept_grades(submitted, by=specialist)

    response = officer_api.post(f"{URL}{submitted.reference}/submit/")

    assert response.status_code == 409


# Decisions ------------------------------------------------------------------------------


def test_api_accept_records_judgement_and_feedback(submitted, specialist_api, officer_gb):
    response = specialist_api.post(
        f"{URL}{submitted.reference}/accept/", {**JUDGED, "feedback": "Well done."}, format="json"
    )

    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "accepted"
    assert data["rounds"][0]["outcome"] == "accepted"
    assert data["rounds"][0]["grades_reasonable"] == "no"
    assert data["rounds"][0]["feedback"] == "Well done."
    assert clocks(submitted) == [("qa.evidence", "met"), ("qa.review", "met")]
    assert Notification.objects.filter(
        user=officer_gb, reference=submitted.reference, subject__contains="accepted"
    ).exists()


def test_api_accept_with_an_empty_body_allowed(submitted, specialist_api):
    response = specialist_api.post(f"{URL}{submitted.reference}/accept/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"


def test_api_accept_repeated_is_quiet(submitted, specialist, specialist_api):
    services.accept_grades(submitted, by=specialist, feedback="First.")

    response = specialist_api.post(
        f"{URL}{submitted.reference}/accept/", {"feedback": "Again."}, format="json"
    )

    assert response.status_code == 200
    assert QaRound.objects.get(request=submitted).feedback == "First."


def test_api_accept_before_submission_answers_409(qa_request, specialist_api):
    response = specialist_api.post(f"{URL}{qa_request.reference}/accept/", {}, format="json")

    assert response.status_code == 409
    qa_request.refresh_from_db()
    assert qa_request.status == Status.REQUESTED


@pytest.mark.parametrize("move", ["accept", "request-more", "adjust"])
def test_api_decision_by_officer_refused(submitted, officer_api, move):
    body = {"grades": [{"candidate_number": "0001", "grade": "B"}]}

    response = officer_api.post(f"{URL}{submitted.reference}/{move}/", body, format="json")

    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.parametrize("role", [roles.RESULTS_TEAM, roles.CUSTOMER_SERVICES])
def test_api_decision_by_staff_without_the_review_role_refused(submitted, role):
    staff = StaffFactory(roles=[role])

    response = api_as(staff).post(f"{URL}{submitted.reference}/accept/", {}, format="json")

    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_api_request_more_opens_round_two(submitted, specialist_api, officer_gb):
    body = {**JUDGED, "feedback": "Too generous.", "candidates": ["0002"]}

    response = specialist_api.post(f"{URL}{submitted.reference}/request-more/", body, format="json")

    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["status"], data["round"]) == ("more_requested", 2)
    assert data["candidates"] == ["0001", "0002", "0004"]
    assert [r["outcome"] for r in data["rounds"]] == ["more_requested", ""]
    assert clocks(submitted) == [
        ("qa.evidence", "met"),
        ("qa.review", "met"),
        ("qa.evidence", "running"),
    ]
    blocking = {(m["kind"], m["candidate_number"]) for m in data["missing"] if m["blocking"]}
    assert ("evidence", "0002") in blocking
    assert ("grades", "0001") in blocking


def test_request_more_with_another_syllabus_opens_its_request(
    submitted, specialist, candidates, biology
):
    for candidate in candidates:
        GradeFactory(candidate=candidate, syllabus=biology, grade="C")

    services.request_more(submitted, by=specialist, feedback="More.", syllabus_codes=["0610"])

    other = QaRequest.objects.get(syllabus=biology)
    assert other.status == Status.REQUESTED
    assert other.sample.count() == services.DEFAULT_SAMPLE_SIZE


def test_api_request_more_with_ungraded_candidate_refused(submitted, specialist_api):
    response = specialist_api.post(
        f"{URL}{submitted.reference}/request-more/", {"candidates": ["0099"]}, format="json"
    )

    assert response.status_code == 400
    submitted.refresh_from_db()
    assert (submitted.status, submitted.round) == (Status.SUBMITTED, 1)


def test_api_request_more_repeated_is_quiet(submitted, specialist, specialist_api):
    services.request_more(submitted, by=specialist, feedback="Too generous.")

    response = specialist_api.post(f"{URL}{submitted.reference}/request-more/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["round"] == 2


def test_round_two_submit_waits_for_revised_grades(
    submitted, specialist, officer_gb, centre_gb, series, officer_api
):
    services.request_more(submitted, by=specialist, feedback="Too generous.")
    submitted.refresh_from_db()

    response = officer_api.post(f"{URL}{submitted.reference}/submit/")
    assert response.status_code == 409
    assert "Revised grade of candidate 0001" in response.json()["detail"]

    rows = [
        grades.GradeRow(line=n, candidate_number=f"{n:04d}", syllabus_code="0580", grade="C")
        for n in range(1, 7)
    ]
    grades.submit_grades(rows, centre=centre_gb, series=series, by=officer_gb)
    response = officer_api.post(f"{URL}{submitted.reference}/submit/")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert [r["submitted_at"] is not None for r in response.json()["rounds"]] == [True, True]


def test_api_adjust_sets_final_grades(submitted, specialist_api, candidates, maths):
    body = {
        "grades": [
            {"candidate_number": "0001", "grade": "C"},
            {"candidate_number": "0005", "grade": "E"},
        ]
    }

    response = specialist_api.post(f"{URL}{submitted.reference}/adjust/", body, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "adjusted"
    assert response.json()["final_grades"][0]["candidate_number"] == "0001"
    assert services.final_grade(candidate=candidates[0], syllabus=maths) == "C"
    assert services.final_grade(candidate=candidates[1], syllabus=maths) == "B"


@pytest.mark.parametrize(
    "grades",
    [
        [],
        [{"candidate_number": "0001", "grade": "K"}],
        [{"candidate_number": "0099", "grade": "B"}],
        [{"candidate_number": "0001", "grade": "B"}, {"candidate_number": "0001", "grade": "C"}],
    ],
)
def test_api_adjust_with_bad_grades_refused(submitted, specialist_api, grades):
    response = specialist_api.post(
        f"{URL}{submitted.reference}/adjust/", {"grades": grades}, format="json"
    )

    assert response.status_code == 400
    assert "grades" in response.json()["errors"]
    assert not AdjustedGrade.objects.exists()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_api_adjust_repeated_is_quiet(submitted, specialist, specialist_api):
    services.adjust_grades(
        submitted, by=specialist, grades=[{"candidate_number": "0001", "grade": "C"}]
    )

    response = specialist_api.post(
        f"{URL}{submitted.reference}/adjust/",
        {"grades": [{"candidate_number": "0001", "grade": "D"}]},
        format="json",
    )

    assert response.status_code == 200
    assert list(AdjustedGrade.objects.values_list("grade", flat=True)) == ["C"]


def test_api_adjust_after_acceptance_answers_409(submitted, specialist, specialist_api):
    services.accept_grades(submitted, by=specialist)

    response = specialist_api.post(
        f"{URL}{submitted.reference}/adjust/",
        {"grades": [{"candidate_number": "0001", "grade": "D"}]},
        format="json",
    )

    assert response.status_code == 409


# What results read ----------------------------------------------------------------------


def test_qa_settled_only_once_accepted_or_adjusted(
    submitted, specialist, centre_gb, centre_pk, series, maths, biology
):
    assert not services.qa_settled(centre=centre_gb, series=series, syllabus=maths)
    assert services.qa_settled(centre=centre_gb, series=series, syllabus=biology)
    assert services.qa_settled(centre=centre_pk, series=series, syllabus=maths)
    assert services.withheld_scopes(series) == {(centre_gb.pk, maths.pk)}

    services.request_more(submitted, by=specialist, feedback="More.")
    assert not services.qa_settled(centre=centre_gb, series=series, syllabus=maths)


def test_settled_hooks_run_when_accepted(submitted, specialist, centre_gb, series, maths):
    seen = []
    hook = services.on_settled(lambda request: seen.append(request.reference))
    try:
        services.accept_grades(submitted, by=specialist)
    finally:
        services.SETTLED_HOOKS.remove(hook)

    assert seen == [submitted.reference]
    assert services.qa_settled(centre=centre_gb, series=series, syllabus=maths)


def test_set_qa_dates_moves_running_reviews(submitted, specialist, series, window):
    later = window.review_due + dt.timedelta(days=10)

    services.set_qa_dates(
        series,
        by=specialist,
        grades_open_at=window.grades_open_at,
        grades_close_at=window.grades_close_at,
        review_due=later,
    )

    review = Clock.objects.for_case(submitted).get(code="qa.review")
    assert review.due_at.astimezone(LONDON).date() == later


def test_set_qa_dates_with_window_backwards_refused(series, specialist):
    now = timezone.now()

    with pytest.raises(services.PortalError, match="close after it opens"):
        services.set_qa_dates(series, by=specialist, grades_open_at=now, grades_close_at=now)


def test_evidence_reminder_to_the_centre_and_breach_to_specialists(
    graded, centre_gb, series, maths, specialist, officer_gb, time_machine
):
    from portal.sla.sweeps import sweep

    time_machine.move_to(dt.datetime(2026, 6, 1, 12, 0, tzinfo=LONDON), tick=False)
    request = services.open_request(centre=centre_gb, series=series, syllabus=maths, by=specialist)
    time_machine.move_to(dt.datetime(2026, 6, 4, 23, 59, 59, tzinfo=LONDON), tick=False)
    sweep()
    time_machine.move_to(dt.datetime(2026, 6, 5, 10, 0, tzinfo=LONDON), tick=False)
    sweep()
    time_machine.move_to(dt.datetime(2026, 6, 7, 0, 5, tzinfo=LONDON), tick=False)
    sweep()

    def kinds(user):
        return set(
            Notification.objects.filter(user=user, reference=request.reference).values_list(
                "kind", flat=True
            )
        )

    assert "reminder" in kinds(officer_gb)
    assert "breach" in kinds(specialist)

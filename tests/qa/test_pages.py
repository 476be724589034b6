"""The QA pages: officers follow requests and submit grades (a form per syllabus, or a
CSV file); assessment specialists sample centres and decide on the case page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qa.models import Grade, QaRequest
from tests.qa.conftest import send_everything
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db
Status = QaRequest.Status


def test_list_page_shows_own_requests(client, officer_gb, qa_request):
    sign_in(client, officer_gb)

    page = client.get("/qa/")

    assert page.status_code == 200
    assert qa_request.reference in page.text


def test_list_page_hides_other_centres_requests(client, officer_pk, qa_request):
    sign_in(client, officer_pk)

    page = client.get("/qa/")

    assert qa_request.reference not in page.text


def test_detail_page_of_another_centre_answers_404(client, officer_pk, qa_request):
    sign_in(client, officer_pk)

    assert client.get(qa_request.get_absolute_url()).status_code == 404
    assert client.post(f"{qa_request.get_absolute_url()}submit/").status_code == 404


def test_detail_page_shows_what_is_missing_per_candidate(client, officer_gb, qa_request):
    sign_in(client, officer_gb)

    page = client.get(qa_request.get_absolute_url())

    assert page.status_code == 200
    assert "Rationale Document" in page.text
    assert "Candidate&#x27;s evidence (their responses): candidate 0004" in page.text
    assert "needed before you can submit" in page.text


def test_submit_page_refused_while_evidence_missing(client, officer_gb, qa_request):
    sign_in(client, officer_gb)

    response = client.post(f"{qa_request.get_absolute_url()}submit/", follow=True)

    assert "cannot be submitted yet" in response.text
    qa_request.refresh_from_db()
    assert qa_request.status == Status.REQUESTED


def test_submit_page_when_complete(client, officer_gb, qa_request):
    send_everything(qa_request, officer_gb)
    sign_in(client, officer_gb)

    response = client.post(f"{qa_request.get_absolute_url()}submit/", follow=True)

    assert "submitted for review" in response.text
    qa_request.refresh_from_db()
    assert qa_request.status == Status.SUBMITTED


def test_accept_page_needs_the_three_judgements(client, specialist, submitted):
    sign_in(client, specialist)

    response = client.post(f"{submitted.get_absolute_url()}accept/", {"accept-feedback": "Good."})

    assert response.status_code == 400
    assert "Error: " in response.text
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_accept_page_records_the_outcome(client, specialist, submitted):
    sign_in(client, specialist)
    answers = {
        "accept-process_reasonable": "yes",
        "accept-grades_reasonable": "yes",
        "accept-grades_aligned": "yes",
        "accept-feedback": "Good.",
    }

    response = client.post(f"{submitted.get_absolute_url()}accept/", answers, follow=True)

    assert "Accepted; the centre has been told." in response.text
    submitted.refresh_from_db()
    assert submitted.status == Status.ACCEPTED


def test_adjust_page_with_bad_grade_lines_refused(client, specialist, submitted):
    sign_in(client, specialist)
    answers = {
        "adjust-process_reasonable": "no",
        "adjust-grades_reasonable": "no",
        "adjust-grades_aligned": "no",
        "adjust-grades": "0001 Q",
    }

    response = client.post(f"{submitted.get_absolute_url()}adjust/", answers)

    assert response.status_code == 400
    assert "Line 1" in response.text


def test_request_more_page_opens_round_two(client, specialist, submitted):
    sign_in(client, specialist)
    answers = {
        "request-more-process_reasonable": "yes",
        "request-more-grades_reasonable": "no",
        "request-more-grades_aligned": "yes",
        "request-more-feedback": "Please reconsider.",
        "request-more-candidates": "0002, 0003",
    }

    response = client.post(f"{submitted.get_absolute_url()}request-more/", answers, follow=True)

    assert "A further round is open" in response.text
    submitted.refresh_from_db()
    assert (submitted.status, submitted.round, submitted.sample.count()) == (
        Status.MORE_REQUESTED,
        2,
        4,
    )


def test_decision_page_by_officer_refused(client, officer_gb, submitted):
    sign_in(client, officer_gb)

    response = client.post(f"{submitted.get_absolute_url()}accept/", {})

    assert response.status_code == 403


def test_grades_page_submits_the_grades_given(client, officer_gb, candidates, series):
    sign_in(client, officer_gb)
    url = f"/qa/grades/?series={series.code}&syllabus=0580"

    assert client.get(url).status_code == 200
    response = client.post(
        "/qa/grades/",
        {
            "series": series.code,
            "syllabus": "0580",
            "grades-grade_0001": "A",
            "grades-grade_0002": "C",
        },
        follow=True,
    )

    assert "2 grades submitted" in response.text
    assert sorted(Grade.objects.values_list("grade", flat=True)) == ["A", "C"]
    assert "A (locked)" in response.text


def test_grades_page_with_no_grade_chosen_refused(client, officer_gb, candidates, series):
    sign_in(client, officer_gb)

    response = client.post("/qa/grades/", {"series": series.code, "syllabus": "0580"})

    assert response.status_code == 400
    assert "Choose a grade for at least one candidate" in response.text
    assert not Grade.objects.exists()


def test_grades_page_for_staff_refused(staff_client):
    assert staff_client.get("/qa/grades/").status_code == 403


def test_import_page_lists_every_bad_line(client, officer_gb, candidates, series):
    sign_in(client, officer_gb)
    file = SimpleUploadedFile(
        "grades.csv", b"candidate_number,syllabus_code,grade\n0001,0580,A\n0002,0580,W\n"
    )

    response = client.post("/qa/grades/import/", {"series": series.code, "file": file})

    assert response.status_code == 400
    assert "W is not a grade" in response.text
    assert not Grade.objects.exists()


def test_import_page_saves_all(client, officer_gb, candidates, series):
    sign_in(client, officer_gb)
    file = SimpleUploadedFile("grades.csv", b"candidate_number,syllabus_code,grade\n0001,0580,A\n")

    response = client.post("/qa/grades/import/", {"series": series.code, "file": file}, follow=True)

    assert "1 grades submitted" in response.text
    assert Grade.objects.count() == 1


def test_sample_page_proposes_and_opens_a_request(client, specialist, graded, series):
    sign_in(client, specialist)
    scope = {"centre": "GB001", "series": series.code, "syllabus": "0580"}

    proposal = client.get("/qa/sample/", scope)
    response = client.post(
        "/qa/sample/", {**scope, "candidates": ["0002", "0005"], "instructions": ""}, follow=True
    )

    assert proposal.status_code == 200
    assert len(proposal.context["form"].initial["candidates"]) == 5
    request = QaRequest.objects.get()
    assert [s.candidate.candidate_number for s in request.sample.all()] == ["0002", "0005"]
    assert request.reference in response.text


def test_sample_page_without_candidates_refused(client, specialist, graded, series):
    sign_in(client, specialist)

    response = client.post(
        "/qa/sample/", {"centre": "GB001", "series": series.code, "syllabus": "0580"}
    )

    assert response.status_code == 400
    assert not QaRequest.objects.exists()


def test_sample_page_for_officer_refused(client, officer_gb):
    sign_in(client, officer_gb)

    assert client.get("/qa/sample/").status_code == 403

"""Evidence sent by resumable upload: started on the request (``…/{reference}/uploads/``),
labelled like a file sent through the form, and counted by what is still missing."""

import os

import pytest

from qa import services
from qa.models import QaRequest
from tests.qa.conftest import PDF, send_everything
from tests.signing_in import api_as
from tests.uploads.resumable import PART_SIZE, complete, send

pytestmark = pytest.mark.django_db

CONTENT = PDF + os.urandom(2 * PART_SIZE + 99 - len(PDF))


@pytest.fixture(autouse=True)
def _small_parts(settings):
    settings.UPLOADS_MIN_PART_SIZE = PART_SIZE


def start(api, request, **body):
    body = {"filename": "work.pdf", "size": len(CONTENT), "kind": "evidence", **body}
    return api.post(f"/api/v1/qa/requests/{request.reference}/uploads/", body, format="json")


def test_sampled_candidates_evidence_uploaded_in_parts_counts_as_sent(qa_request, officer_api):
    started = start(officer_api, qa_request, candidate_number="0001")
    assert started.status_code == 201, started.json()
    upload_id, part_size = started.json()["id"], started.json()["part_size"]

    answer = complete(officer_api, upload_id, send(officer_api, upload_id, CONTENT, part_size))

    assert answer.status_code == 201, answer.json()
    attachment = qa_request.files.get()
    assert attachment.labels == {"kind": "evidence", "round": 1, "candidate_number": "0001"}
    still = {(m.kind, m.candidate_number) for m in services.missing_items(qa_request)}
    assert ("evidence", "0001") not in still
    assert ("evidence", "0004") in still


def test_rationale_needs_no_candidate(qa_request, officer_api):
    started = start(officer_api, qa_request, kind="rationale")

    assert started.status_code == 201, started.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"candidate_number": "0002"}, "candidate_number"),  # entered, not sampled
        ({"candidate_number": ""}, "candidate_number"),
        ({"kind": "photo", "candidate_number": "0001"}, "kind"),
    ],
)
def test_start_with_bad_labels_is_a_field_error(qa_request, officer_api, body, field):
    answer = start(officer_api, qa_request, **body)

    assert answer.status_code == 400
    assert field in answer.json()["errors"]


@pytest.mark.parametrize(
    ("filename", "size", "status"),
    [("work.xyz", 1000, 415), ("photo.png", 16 * 1024 * 1024, 413)],
)
def test_start_refuses_type_and_size_before_any_byte(
    qa_request, officer_api, filename, size, status
):
    answer = start(officer_api, qa_request, filename=filename, size=size, candidate_number="0001")

    assert answer.status_code == status


def test_start_after_submission_is_refused(qa_request, officer_gb, officer_api):
    send_everything(qa_request, officer_gb)
    services.submit_evidence(qa_request, by=officer_gb)

    answer = start(officer_api, qa_request, candidate_number="0001")

    assert answer.status_code == 409
    assert QaRequest.objects.get().files.count() == 6


def test_start_by_another_centres_officer_is_not_found(qa_request, officer_pk):
    answer = start(api_as(officer_pk), qa_request, candidate_number="0001")

    assert answer.status_code == 404


def test_start_by_the_specialist_is_refused(qa_request, specialist_api):
    answer = start(specialist_api, qa_request, candidate_number="0001")

    assert answer.status_code == 403

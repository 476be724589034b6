import uuid

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from complaints.attachments import ATTACHMENTS
from portal.storage import files_discarded_on_failure
from portal.uploads.serializers import AttachmentSerializer
from portal.uploads.services import attach_files
from tests.uploads.conftest import upload
from tests.uploads.policies import QA_EVIDENCE
from tests.uploads.samples import HTML, PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(complaint, officer_gb):
    with files_discarded_on_failure(), transaction.atomic():
        (attachment,) = attach_files(
            complaint, [upload("Letter from the head.pdf", PDF)], policy=ATTACHMENTS, by=officer_gb
        )
    return attachment


def _page(attachment) -> str:
    return reverse("uploads:file", args=[attachment.public_id])


def _api(attachment) -> str:
    return reverse("api-file", args=[attachment.public_id])


def _assert_served_as_download(response, content: bytes, name: str):
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_page_serves_the_case_officer_the_file_as_a_download(officer_client, letter):
    response = officer_client.get(_page(letter))
    _assert_served_as_download(response, PDF, "Letter from the head.pdf")


def test_page_another_centres_officer_gets_404(other_client, letter):
    assert other_client.get(_page(letter)).status_code == 404


def test_page_staff_get_the_file(staff_client, letter):
    _assert_served_as_download(staff_client.get(_page(letter)), PDF, "Letter from the head.pdf")


def test_page_signed_out_is_sent_to_sign_in(client, letter):
    response = client.get(_page(letter))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={_page(letter)}"


def test_page_unknown_file_is_404(officer_client, letter):
    assert officer_client.get(reverse("uploads:file", args=[uuid.uuid4()])).status_code == 404


def test_page_refuses_post(officer_client, letter):
    assert officer_client.post(_page(letter)).status_code == 405


def test_page_html_upload_is_never_served_as_html(officer_client, complaint, officer_gb):
    with files_discarded_on_failure(), transaction.atomic():
        (page,) = attach_files(complaint, [upload("site.html", HTML)], policy=QA_EVIDENCE)
    _assert_served_as_download(officer_client.get(_page(page)), HTML, "site.html")


def test_api_serves_the_case_officer_the_file(officer_api, letter):
    _assert_served_as_download(officer_api.get(_api(letter)), PDF, "Letter from the head.pdf")


def test_api_token_client_gets_the_bytes(token_client, letter):
    response = token_client.get(_api(letter), HTTP_ACCEPT="application/octet-stream")
    _assert_served_as_download(response, PDF, "Letter from the head.pdf")


def test_api_another_centres_officer_gets_404_json(officer_pk_api, letter):
    response = officer_pk_api.get(_api(letter))
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_api_staff_get_the_file(staff_api, letter):
    _assert_served_as_download(staff_api.get(_api(letter)), PDF, "Letter from the head.pdf")


def test_api_signed_out_is_401_json_never_a_redirect(letter):
    response = APIClient().get(_api(letter))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_api_file_of_a_deleted_case_is_404(officer_api, letter, complaint):
    complaint.delete()
    assert officer_api.get(_api(letter)).status_code == 404


def test_serializer_gives_the_api_url_to_api_requests(letter):
    request = APIRequestFactory().get("/api/v1/complaints/")
    data = AttachmentSerializer(letter, context={"request": Request(request)}).data
    assert data == {
        "id": str(letter.public_id),
        "name": "Letter from the head.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": letter.sha256,
        "uploaded_at": data["uploaded_at"],
        "scan": "not_scanned",
        "scan_detail": "No malware scanner is configured.",
        "url": f"http://testserver/api/v1/files/{letter.public_id}/",
    }


def test_serializer_gives_the_page_url_to_pages(rf, letter):
    data = AttachmentSerializer(letter, context={"request": rf.get("/complaints/")}).data
    assert data["url"] == f"http://testserver/files/{letter.public_id}/"

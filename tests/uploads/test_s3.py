"""The same service on S3 storage: moto serves S3 over HTTP on 127.0.0.1."""

import hashlib
import urllib.request

import pytest
from django.db import transaction
from django.urls import reverse

from complaints.attachments import ATTACHMENTS
from portal.storage import files_discarded_on_failure
from portal.uploads.models import Attachment
from portal.uploads.services import attach_files
from tests.uploads.conftest import upload
from tests.uploads.samples import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(bucket, complaint, officer_gb):
    with files_discarded_on_failure(), transaction.atomic():
        (attachment,) = attach_files(
            complaint,
            [upload("letter.pdf", PDF, announced="text/html")],
            policy=ATTACHMENTS,
            by=officer_gb,
        )
    return attachment


def _keys(bucket) -> list[str]:
    s3, name = bucket
    return [item["Key"] for item in s3.list_objects_v2(Bucket=name).get("Contents", [])]


def test_s3_attach_files_streams_under_a_generated_key(bucket, letter):
    s3, name = bucket
    stored = s3.get_object(Bucket=name, Key=letter.file.name)["Body"].read()
    assert (stored, letter.sha256, letter.size) == (PDF, hashlib.sha256(PDF).hexdigest(), len(PDF))
    assert _keys(bucket) == [letter.file.name]
    head = s3.head_object(Bucket=name, Key=letter.file.name)
    assert head["ContentType"] == "application/octet-stream"
    assert "letter" not in letter.file.name


def test_s3_file_discarded_when_the_transaction_fails(bucket, complaint, officer_gb):
    with pytest.raises(RuntimeError), files_discarded_on_failure(), transaction.atomic():
        attach_files(complaint, [upload("letter.pdf", PDF)], policy=ATTACHMENTS, by=officer_gb)
        raise RuntimeError("a later step failed")
    assert (Attachment.objects.count(), _keys(bucket)) == (0, [])


def test_s3_api_download_redirects_to_a_short_lived_url_serving_a_download(
    officer_api, letter, settings
):
    response = officer_api.get(reverse("api-file", args=[letter.public_id]))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert f"X-Amz-Expires={settings.UPLOADS_URL_EXPIRE_SECONDS}" in response["Location"]
    with urllib.request.urlopen(response["Location"]) as s3_answer:
        assert s3_answer.read() == PDF
        assert s3_answer.headers["Content-Type"] == "application/octet-stream"
        assert s3_answer.headers["Content-Disposition"] == 'attachment; filename="letter.pdf"'
        assert s3_answer.headers["Cache-Control"] == "private, no-store"


def test_s3_page_download_of_another_centre_is_404_without_a_url(other_client, letter):
    response = other_client.get(reverse("uploads:file", args=[letter.public_id]))
    assert response.status_code == 404
    assert "Location" not in response

"""The same service on S3 storage: moto serves S3 over HTTP on 127.0.0.1."""

import hashlib
import urllib.request
import uuid

import boto3
import pytest
from django.db import transaction
from django.urls import reverse
from moto.server import ThreadedMotoServer

from complaints.attachments import ATTACHMENTS
from portal.storage import files_discarded_on_failure
from portal.uploads.models import Attachment
from portal.uploads.services import attach_files
from tests.uploads.conftest import upload
from tests.uploads.samples import PDF

pytestmark = pytest.mark.django_db
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(settings, s3_endpoint):
    name = f"uploads-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **CREDENTIALS)
    s3.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "file_overwrite": False,
                "default_acl": None,
                "querystring_auth": True,
            },
        },
    }
    return s3, name


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

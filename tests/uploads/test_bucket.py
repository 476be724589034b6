"""The bucket of a deployment: URLs signed for the browsers' address, preparing the bucket,
and a backup restored into another bucket."""

import urllib.parse
import urllib.request
import uuid

import boto3
import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from complaints.attachments import ATTACHMENTS
from portal.storage import files_discarded_on_failure
from portal.uploads.services import attach_files
from tests.uploads.conftest import CREDENTIALS, upload
from tests.uploads.samples import PDF

pytestmark = pytest.mark.django_db

PUBLIC = "https://files.portal.example:9443"


def _portal_storage(settings, s3_endpoint, name, **extra):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "portal.s3.PortalS3Storage",
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
                **extra,
            },
        },
    }
    return storages["default"]


@pytest.fixture
def public_bucket(settings, bucket, s3_endpoint):
    s3, name = bucket
    _portal_storage(settings, s3_endpoint, name, public_endpoint_url=PUBLIC)
    return s3, name


def _attach(case, by):
    with files_discarded_on_failure(), transaction.atomic():
        (attachment,) = attach_files(case, [upload("letter.pdf", PDF)], policy=ATTACHMENTS, by=by)
    return attachment


def test_download_redirect_names_the_public_endpoint(
    public_bucket, complaint, officer_gb, officer_api
):
    attachment = _attach(complaint, officer_gb)
    response = officer_api.get(reverse("api-file", args=[attachment.public_id]))
    assert response.status_code == 302
    location = urllib.parse.urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}" == PUBLIC
    assert location.path == f"/{public_bucket[1]}/{attachment.file.name}"
    assert "X-Amz-Signature=" in location.query


def test_download_redirect_without_a_public_endpoint_names_the_bucket_s_own(
    settings, bucket, s3_endpoint, complaint, officer_gb, officer_api
):
    _portal_storage(settings, s3_endpoint, bucket[1])
    attachment = _attach(complaint, officer_gb)
    response = officer_api.get(reverse("api-file", args=[attachment.public_id]))
    assert response["Location"].startswith(f"{s3_endpoint}/{bucket[1]}/")
    with urllib.request.urlopen(response["Location"]) as answer:
        assert answer.read() == PDF


def test_prepare_bucket_creates_it_and_allows_the_portal_s_origin(settings, s3_endpoint):
    name = f"new-{uuid.uuid4().hex[:12]}"
    _portal_storage(settings, s3_endpoint, name)
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    settings.CSRF_TRUSTED_ORIGINS = ["https://portal.example.org", "https://www.portal.example.org"]
    call_command("prepare_bucket")
    call_command("prepare_bucket")  # a second deployment changes nothing
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **CREDENTIALS)
    (rule,) = s3.get_bucket_cors(Bucket=name)["CORSRules"]
    assert rule["AllowedOrigins"] == [
        "https://portal.example.org",
        "https://www.portal.example.org",
    ]
    assert "PUT" in rule["AllowedMethods"]
    assert rule["ExposeHeaders"] == ["ETag"]


def test_bucket_backup_restores_every_object_into_another_bucket(
    settings, bucket, s3_endpoint, complaint, officer_gb, tmp_path
):
    s3, name = bucket
    _portal_storage(settings, s3_endpoint, name)
    first, second = _attach(complaint, officer_gb), _attach(complaint, officer_gb)
    call_command("backup_bucket", str(tmp_path / "bucket"))

    restored = f"restored-{uuid.uuid4().hex[:12]}"
    _portal_storage(settings, s3_endpoint, restored)
    call_command("restore_bucket", str(tmp_path / "bucket"))
    call_command("restore_bucket", str(tmp_path / "bucket"))  # again: nothing twice
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=restored)["Contents"])
    assert keys == sorted([first.file.name, second.file.name])
    assert s3.get_object(Bucket=restored, Key=first.file.name)["Body"].read() == PDF


def test_prepare_bucket_gives_up_after_waiting_for_an_s3_server_that_never_answers(settings):
    import socket

    from django.core.management.base import CommandError

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _portal_storage(settings, f"http://127.0.0.1:{port}", "never")
    with pytest.raises(CommandError, match="The bucket could not be prepared"):
        call_command("prepare_bucket", "--wait", "1")

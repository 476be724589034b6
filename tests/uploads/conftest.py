import uuid

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from rest_framework.test import APIClient

from tests.complaints.conftest import complaint  # noqa: F401 - the case files hang on
from tests.factories import PASSWORD
from tests.signing_in import api_as, sign_in

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def upload(name: str, content: bytes, announced: str = "application/pdf") -> SimpleUploadedFile:
    # The browser's announced type is whatever the sender says: the checks never read it.
    return SimpleUploadedFile(name, content, content_type=announced)


@pytest.fixture(autouse=True)
def _charter(charter):
    """The files of these tests hang on complaints, which start clocks."""


@pytest.fixture
def officer_client(client, officer_gb):
    return sign_in(client, officer_gb)


@pytest.fixture
def other_client(client, officer_pk):
    return sign_in(client, officer_pk)


@pytest.fixture
def token_client(officer_gb):
    """A school's system with the officer's API token, not a browser session."""
    client = APIClient()
    answer = client.post(
        "/api/v1/auth/token/", {"username": officer_gb.username, "password": PASSWORD}
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    return client


@pytest.fixture
def officer_pk_api(officer_pk):
    return api_as(officer_pk)


@pytest.fixture(scope="module")
def s3_endpoint():
    import moto.s3.models

    # S3 refuses parts under 5 MiB but the last; the tests send parts of a few kilobytes.
    floor, moto.s3.models.S3_UPLOAD_PART_MIN_SIZE = moto.s3.models.S3_UPLOAD_PART_MIN_SIZE, 1024
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    moto.s3.models.S3_UPLOAD_PART_MIN_SIZE = floor


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

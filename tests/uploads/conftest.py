import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.complaints.conftest import complaint  # noqa: F401 - the case files hang on
from tests.factories import PASSWORD
from tests.signing_in import api_as, sign_in


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

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from complaints import services
from portal.sla.models import ServiceLevel
from portal.sla.services import load_charter
from tests.complaints.conftest import SERVICE
from tests.factories import PASSWORD
from tests.signing_in import api_as, sign_in


def upload(name: str, content: bytes, announced: str = "application/pdf") -> SimpleUploadedFile:
    # The browser's announced type is whatever the sender says: the checks never read it.
    return SimpleUploadedFile(name, content, content_type=announced)


@pytest.fixture(autouse=True)
def charter(db):
    if not ServiceLevel.objects.exists():
        load_charter("cambridge")


@pytest.fixture
def complaint(centre_gb, officer_gb):
    return services.submit_complaint(data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb)


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

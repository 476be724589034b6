import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from complaints.models import Category
from portal.accounts import roles
from tests.factories import StaffFactory
from tests.signing_in import api_as

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
HTML = b"<!DOCTYPE html><html><head><script>alert(1)</script></head><body>hi</body></html>"

SERVICE = {
    "category": Category.SERVICE,
    "subject": "Papers arrived late",
    "description": "The question papers for 0580 arrived on the morning of the exam.",
    "syllabus_code": "0580",
}


def pdf(name="letter.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def html(name="evil.pdf"):
    # Named like a PDF and announced as one: only its content tells the truth.
    return SimpleUploadedFile(name, HTML, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _charter(charter):
    """Complaints start clocks: every test here has the charter."""


@pytest.fixture
def complaint(centre_gb, officer_gb):
    return services.submit_complaint(data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb)


@pytest.fixture
def acknowledged(complaint, staff_user):
    return services.acknowledge_complaint(complaint, by=staff_user)


@pytest.fixture
def answered(acknowledged, staff_user):
    return services.respond_to_complaint(acknowledged, by=staff_user, response="We are sorry.")


@pytest.fixture
def escalated(answered, officer_gb):
    return services.escalate_complaint(answered, by=officer_gb, reasons="Not investigated.")


@pytest.fixture
def director(db):
    return StaffFactory(username="director", roles=[roles.DIRECTOR])


@pytest.fixture
def director_api(director):
    return api_as(director)


@pytest.fixture
def officer_pk_api(officer_pk):
    return api_as(officer_pk)

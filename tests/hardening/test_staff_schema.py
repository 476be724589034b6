"""The staff's schema says what is answered: a complaint with no one assigned, a centre's
complaint with no contact address, an application with no visitor yet."""

import pytest

from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_schema(client, staff_user):
    sign_in(client, staff_user)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()["components"]["schemas"]


def test_nullable_people_and_blank_addresses_are_documented(staff_schema):
    complaint = staff_schema["StaffComplaint"]["properties"]
    assert complaint["assigned_to"].get("nullable") is True
    assert complaint["contact_email"].get("format") != "email"
    application = staff_schema["StaffCentreApplication"]["properties"]
    assert application["visitor"].get("nullable") is True

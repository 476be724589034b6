"""The staff's schema says what is answered: a complaint with no one assigned, a centre's
complaint with no contact address, an application with no visitor yet."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_schema(schema):
    return schema["components"]["schemas"]


def test_nullable_people_and_blank_addresses_are_documented(staff_schema):
    complaint = staff_schema["StaffComplaint"]["properties"]
    assert complaint["assigned_to"].get("nullable") is True
    assert complaint["contact_email"].get("format") != "email"
    application = staff_schema["StaffCentreApplication"]["properties"]
    assert application["visitor"].get("nullable") is True

"""Emails in, in the staff area: what came and what became of it, the raw message to
download, and held or failed messages processed again."""

import pytest

from complaints.helpdesk.models import Query
from complaints.models import ContactRestriction, Criterion
from portal.mailin.models import InboundEmail
from tests.mailin.conftest import message, receive
from tests.mailin.corpus import CORPUS

pytestmark = pytest.mark.django_db

LIST = "/admin/mailin/inboundemail/"


def test_staff_see_each_email_and_its_outcome(staff_client, officer_gb):
    row = receive(message(subject="Visible to staff"))
    failed = receive(CORPUS["binary_noise"][0])

    listing = staff_client.get(LIST)
    page = staff_client.get(f"{LIST}{failed.pk}/change/")

    assert listing.status_code == 200 and "Visible to staff" in listing.content.decode()
    assert page.status_code == 200 and failed.reason in page.content.decode()
    assert row.status == InboundEmail.Status.OPENED


def test_the_raw_message_downloads_as_it_came_never_rendered(staff_client, officer_gb):
    raw = CORPUS["html_only_with_script"][0]
    row = receive(raw)

    response = staff_client.get(f"{LIST}{row.pk}/raw/")

    assert response.status_code == 200
    assert (response.content, response["Content-Type"], response["X-Content-Type-Options"]) == (
        raw,
        "application/octet-stream",
        "nosniff",
    )
    assert response["Content-Disposition"] == f'attachment; filename="email-{row.pk}.eml"'


def test_officers_never_reach_emails_in(client, officer_gb):
    from tests.signing_in import sign_in

    row = receive(message())

    response = sign_in(client, officer_gb).get(f"{LIST}{row.pk}/raw/")

    assert response.status_code in (302, 403, 404)
    assert row.raw_bytes() not in response.content


def test_staff_release_a_held_email(staff_client, staff_user, officer_gb):
    ContactRestriction.objects.create(
        user=officer_gb,
        criterion=Criterion.MULTIPLE_CONTACTS,
        action=ContactRestriction.Action.REVIEW_FIRST,
        details="Many emails.",
        decided_by=staff_user,
        decided_at="2026-01-01T00:00Z",
    )
    row = receive(message())

    staff_client.post(LIST, {"action": "release", "_selected_action": [row.pk]})

    row.refresh_from_db()
    assert (row.status, Query.objects.count()) == (InboundEmail.Status.OPENED, 1)

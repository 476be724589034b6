"""Every status the API answers is one the schema documents for that operation: the answers
the schema fuzzer seldom reaches (a body naming a candidate not the centre's, a delete that
the state of what it deletes refuses), asked for directly."""

import re

import pytest

from portal.centres.models import Invitation, Membership
from tests.factories import SeriesFactory
from tests.signing_in import api_as

pytestmark = pytest.mark.django_db


def documented(schema, method: str, path: str) -> set[str]:
    """The statuses the schema gives for the operation that ``path`` is a call of."""
    for template, operations in schema["paths"].items():
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        if re.fullmatch(pattern, path) and method.lower() in operations:
            return set(operations[method.lower()]["responses"])
    raise AssertionError(f"{method} {path} is not in the schema")


def test_an_entry_for_a_candidate_not_the_centres_is_a_documented_404(schema, officer_api):
    series = SeriesFactory()
    response = officer_api.post(
        "/api/v1/entries/",
        {
            "series": series.code,
            "candidate_number": "9999",
            "syllabus_code": "0580",
            "option_code": "42",
        },
        format="json",
    )

    assert response.status_code == 404, response.content
    assert "404" in documented(schema, "POST", "/api/v1/entries/")


def test_removing_the_last_exams_officer_is_a_documented_409(schema, officer_gb, centre_gb):
    path = f"/api/v1/centres/{centre_gb.number}/users/{officer_gb.username}/"

    response = api_as(officer_gb).delete(path)

    assert response.status_code == 409, response.content
    assert "409" in documented(schema, "DELETE", path)
    assert Membership.objects.filter(user=officer_gb, centre=centre_gb).exists()


def test_withdrawing_an_accepted_invitation_is_a_documented_409(schema, officer_gb, centre_gb):
    from centres import services

    invitation, _ = services.invite_colleague(
        centre_gb, by=officer_gb, email="colleague@example.org", role="exams_officer"
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.save(update_fields=["status"])
    path = f"/api/v1/centres/{centre_gb.number}/invitations/{invitation.pk}/"

    response = api_as(officer_gb).delete(path)

    assert response.status_code == 409, response.content
    assert "409" in documented(schema, "DELETE", path)

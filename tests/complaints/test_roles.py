"""Who may do what to a complaint: every staff role against every move, through the API and
the pages, from the one table of moves on the model."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from portal.accounts import roles
from portal.workflow import actions_for
from tests.factories import StaffFactory
from tests.signing_in import api_as, sign_in

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"
WORKING_WITH_COMPLAINTS = {
    roles.CUSTOMER_SERVICES,
    roles.COMPLAINTS_INVESTIGATOR,
    roles.DIRECTOR,
}
# Each move, the case it needs, a body that would be accepted, and the roles that may make it.
MOVES = {
    "acknowledge": ("complaint", {}, WORKING_WITH_COMPLAINTS),
    "claim": ("acknowledged", {}, WORKING_WITH_COMPLAINTS),
    "respond": ("acknowledged", {"response": "Sorry."}, WORKING_WITH_COMPLAINTS),
    "extend": (
        "acknowledged",
        lambda: {
            "due_at": (timezone.now() + dt.timedelta(days=30)).isoformat(),
            "reason": "Waiting on the courier.",
        },
        WORKING_WITH_COMPLAINTS,
    ),
    "analyse": (
        "complaint",
        {"root_cause": "process", "improvement_action": "Check earlier."},
        WORKING_WITH_COMPLAINTS,
    ),
    "escalate": ("answered", {"reasons": "Not investigated."}, WORKING_WITH_COMPLAINTS),
    "decide": ("escalated", {"decision": "Upheld."}, {roles.DIRECTOR}),
}


def _person(role):
    return StaffFactory(username=f"r-{role.lower().replace(' ', '-')}", roles=[role])


@pytest.mark.parametrize("role", list(roles.ROLES))
@pytest.mark.parametrize("move", list(MOVES))
def test_every_role_against_every_move(request, role, move):
    fixture, body, allowed = MOVES[move]
    case = request.getfixturevalue(fixture)
    body = body() if callable(body) else body
    response = api_as(_person(role)).post(f"{URL}{case.reference}/{move}/", body, format="json")
    if role in allowed:
        assert response.status_code == 200, response.json()
    else:
        assert response.status_code == 403
        assert Complaint.objects.get(pk=case.pk).status == case.status


@pytest.mark.parametrize("role", list(roles.ROLES))
def test_every_role_listing_complaints(role, complaint):
    response = api_as(_person(role)).get(URL)
    assert response.status_code == (200 if role in WORKING_WITH_COMPLAINTS else 403)


def test_specialist_gets_403_everywhere(client, complaint, acknowledged):
    specialist = _person(roles.ASSESSMENT_SPECIALIST)
    api = api_as(specialist)
    assert api.get(URL).status_code == 403
    assert api.get(f"{URL}{complaint.reference}/").status_code == 403
    for move, body in [("acknowledge", {}), ("claim", {}), ("respond", {"response": "x"})]:
        assert api.post(f"{URL}{complaint.reference}/{move}/", body).status_code == 403
    sign_in(client, specialist)
    assert client.get(reverse("complaints:list")).status_code == 403
    assert client.get(complaint.get_absolute_url()).status_code == 403
    assert client.post(reverse("complaints:claim", args=[complaint.reference])).status_code == 403
    assert client.get(reverse("complaints:report")).status_code == 403
    assert complaint.reference not in client.get(reverse("home")).text


def test_api_answers_the_actions_of_the_person_asking(officer_api, staff_api, answered):
    officer_sees = officer_api.get(f"{URL}{answered.reference}/").json()["actions"]
    staff_sees = staff_api.get(f"{URL}{answered.reference}/").json()["actions"]
    assert officer_sees == ["escalate", "reply"]
    assert staff_sees == ["escalate", "reply", "analyse", "restrict"]


def test_case_page_offers_only_the_moves_of_the_person(client, complaint):
    director = _person(roles.DIRECTOR)
    entries = _person(roles.ENTRIES_TEAM)
    assert [m.name for m in actions_for(entries, complaint)] == []
    page = sign_in(client, director).get(complaint.get_absolute_url()).text
    assert reverse("complaints:acknowledge", args=[complaint.reference]) in page
    assert reverse("complaints:decide", args=[complaint.reference]) not in page


def test_case_is_given_only_to_staff_whose_role_works_with_complaints(staff_api, acknowledged):
    entries = _person(roles.ENTRIES_TEAM)
    response = staff_api.post(
        f"{URL}{acknowledged.reference}/assign/", {"assigned_to": entries.username}
    )
    assert response.status_code == 400
    assert "assigned_to" in response.json()["errors"]
    assert Complaint.objects.get(pk=acknowledged.pk).assigned_to is None


def test_assigned_senior_manager_is_told(staff_api, acknowledged):
    from portal.notifications.models import Notification

    manager = _person(roles.COMPLAINTS_INVESTIGATOR)
    staff_api.post(f"{URL}{acknowledged.reference}/assign/", {"assigned_to": manager.username})
    [notice] = Notification.objects.filter(user=manager)
    assert (notice.kind, notice.reference) == ("requested", acknowledged.reference)


def test_specialist_cannot_raise_a_complaint_through_the_page(client, centre_gb):
    sign_in(client, _person(roles.ASSESSMENT_SPECIALIST))
    assert client.get(reverse("complaints:create")).status_code == 403
    response = client.post(reverse("complaints:create"), {"centre": centre_gb.pk})
    assert response.status_code == 403
    assert Complaint.objects.count() == 0


def test_decide_on_a_declined_case_is_refused_not_ignored(director_api, staff_user):
    from complaints import services
    from tests.complaints.test_restrictions import LEARNER

    services.record_restriction(
        by=staff_user,
        criterion="multiple_contacts",
        action="review_first",
        details="Forty emails in a day.",
        email=LEARNER["contact_email"],
    )
    held = services.submit_complaint(data=dict(LEARNER), submitter_type="learner")
    assert held.status == "held"
    services.close_held(held, by=staff_user, reason="Already answered.")
    response = director_api.post(f"{URL}{held.reference}/decide/", {"decision": "Upheld."})
    assert response.status_code == 409
    assert Complaint.objects.get(pk=held.pk).director_decision == ""


def test_claim_of_a_finished_case_is_refused_even_to_whoever_answered_it(staff_api, answered):
    response = staff_api.post(f"{URL}{answered.reference}/claim/")
    assert response.status_code == 409

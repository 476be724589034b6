"""Centre accounts: invitations (expired, reused, withdrawn, opened by the wrong person), the
centre's users and its details, in the services, the pages and the API."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from centres import services
from portal import audit
from portal.accounts.models import User
from portal.accounts.roles import ASSESSMENT_SPECIALIST
from portal.centres.models import Centre, Invitation, Membership
from portal.errors import PortalError, TransitionNotAllowed
from portal.notifications.models import Email, Notification
from tests.factories import PASSWORD, CentreFactory, OfficerFactory, StaffFactory, UserFactory
from tests.signing_in import api_as, sign_in

NEW = "new.teacher@riverside.example"


@pytest.fixture
def invited(centre_gb, officer_gb):
    """An invitation of GB001 to a new address, and its token."""
    return services.invite_colleague(
        centre_gb, by=officer_gb, email=NEW, role=Membership.Role.HEAD_OF_CENTRE
    )


def _link(email: Email) -> str:
    return re.search(r"https?://\S+/invitations/(\S+)/", email.body).group(1)


# Inviting ---------------------------------------------------------------------------------


def test_invite_emails_a_link_whose_token_is_kept_only_as_a_hash(invited):
    invitation, token = invited

    email = Email.objects.get(key=f"invitation:{invitation.pk}")

    assert email.address == NEW
    assert _link(email) == token
    assert invitation.token_hash == services.hash_token(token) != token
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=14)
    assert audit.history_of(invitation.centre).filter(action="invitation.sent").count() == 1


def test_invite_again_replaces_the_earlier_link(invited, centre_gb, officer_gb):
    first, first_token = invited

    second, _ = services.invite_colleague(
        centre_gb, by=officer_gb, email=NEW.upper(), role=Membership.Role.EXAMS_OFFICER
    )

    first.refresh_from_db()
    assert first.status == Invitation.Status.WITHDRAWN
    assert list(centre_gb.invitations.pending()) == [second]
    with pytest.raises(PortalError, match="withdrawn"):
        services.accept_invitation(first_token, user=UserFactory(email=NEW))


@pytest.mark.parametrize(
    ("email", "role", "field"),
    [("", "exams_officer", "email"), ("not-an-address", "exams_officer", "email"),
     (NEW, "governor", "role"), ("officer1@example.org", "exams_officer", "email")],
)  # fmt: skip
def test_invite_bad_input_is_refused_and_nothing_saved(centre_gb, officer_gb, email, role, field):
    with pytest.raises(PortalError) as refused:
        services.invite_colleague(centre_gb, by=officer_gb, email=email, role=role)

    assert refused.value.field == field
    assert Invitation.objects.count() == 0
    assert Email.objects.count() == 0


def test_invite_by_another_centres_officer_is_refused(centre_gb, officer_pk):
    with pytest.raises(PermissionDenied):
        services.invite_colleague(centre_gb, by=officer_pk, email=NEW, role="exams_officer")


# Accepting --------------------------------------------------------------------------------


def test_accept_by_the_invited_address_makes_the_membership(invited, centre_gb, officer_gb):
    invitation, token = invited
    person = UserFactory(username="grace", email="New.Teacher@riverside.example")

    membership = services.accept_invitation(token, user=person)

    assert (membership.centre, membership.role) == (centre_gb, Membership.Role.HEAD_OF_CENTRE)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by) == (Invitation.Status.ACCEPTED, person)
    assert Notification.objects.filter(user=officer_gb, kind="centre").count() == 1


def test_accept_repeated_by_the_same_person_changes_nothing(invited):
    _, token = invited
    person = UserFactory(email=NEW)
    first = services.accept_invitation(token, user=person)

    again = services.accept_invitation(token, user=person)

    assert again == first
    assert Membership.objects.filter(user=person).count() == 1


def test_accept_reused_by_someone_else_is_refused(invited):
    _, token = invited
    services.accept_invitation(token, user=UserFactory(email=NEW))
    other = UserFactory(username="other", email=NEW)

    with pytest.raises(PortalError, match="already been used"):
        services.accept_invitation(token, user=other)

    assert not Membership.objects.filter(user=other).exists()


def test_accept_after_expiry_is_refused(invited, time_machine):
    _, token = invited
    time_machine.move_to(timezone.now() + dt.timedelta(days=14, seconds=1))

    with pytest.raises(PortalError, match="expired"):
        services.accept_invitation(token, user=UserFactory(email=NEW))

    assert Membership.objects.filter(user__email=NEW).count() == 0


def test_accept_by_the_wrong_person_is_refused(invited, officer_pk):
    _, token = invited

    with pytest.raises(PortalError, match=f"sent to {NEW}"):
        services.accept_invitation(token, user=officer_pk)

    assert list(officer_pk.memberships.values_list("centre__number", flat=True)) == ["PK002"]


def test_accept_by_staff_is_refused(invited):
    _, token = invited
    staff = StaffFactory(email=NEW)

    with pytest.raises(PortalError, match="staff"):
        services.accept_invitation(token, user=staff)


def test_accept_unknown_token_is_refused(db):
    with pytest.raises(PortalError, match="not valid"):
        services.accept_invitation("made-up", user=UserFactory(email=NEW))


# Withdrawing ------------------------------------------------------------------------------


def test_withdraw_stops_the_link_and_a_repeat_changes_nothing(invited, officer_gb):
    invitation, token = invited

    services.withdraw_invitation(invitation, by=officer_gb)
    services.withdraw_invitation(invitation, by=officer_gb)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.WITHDRAWN
    assert audit.history_of(invitation).filter(action="status").count() == 1
    with pytest.raises(PortalError, match="withdrawn"):
        services.accept_invitation(token, user=UserFactory(email=NEW))


def test_withdraw_after_acceptance_is_refused(invited, officer_gb):
    invitation, token = invited
    services.accept_invitation(token, user=UserFactory(email=NEW))

    with pytest.raises(TransitionNotAllowed):
        services.withdraw_invitation(invitation, by=officer_gb)


def test_withdraw_by_another_centres_officer_is_refused(invited, officer_pk):
    with pytest.raises(PermissionDenied):
        services.withdraw_invitation(invited[0], by=officer_pk)


# The invitation's page ---------------------------------------------------------------------


def test_page_new_person_creates_an_account_and_joins(client, invited, centre_gb):
    _, token = invited
    url = f"/invitations/{token}/"
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {"first_name": "Grace", "last_name": "Okafor", "username": "grace",
         "password": PASSWORD, "password_again": PASSWORD},
    )  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == f"/centres/{centre_gb.number}/"
    user = User.objects.get(username="grace")
    assert user.email == NEW and user.check_password(PASSWORD)
    assert user.memberships.get().role == Membership.Role.HEAD_OF_CENTRE
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"password_again": "something-else-9"}, "password_again"),
     ({"username": "officer1"}, "username"),
     ({"password": "12345678", "password_again": "12345678"}, "password"),
     ({"first_name": ""}, "first_name")],
)  # fmt: skip
def test_page_new_person_bad_input_makes_no_account(client, invited, officer_gb, changes, field):
    _, token = invited
    form = {"first_name": "Grace", "last_name": "Okafor", "username": "grace",
            "password": PASSWORD, "password_again": PASSWORD, **changes}  # fmt: skip

    response = client.post(f"/invitations/{token}/", form)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert b"There is a problem" in response.content
    assert not User.objects.filter(email=NEW).exists()
    assert invited[0].centre.invitations.get().status == Invitation.Status.PENDING


def test_page_new_person_with_an_existing_account_is_asked_to_sign_in(client, invited):
    _, token = invited
    UserFactory(username="already", email=NEW)
    form = {"first_name": "G", "last_name": "O", "username": "grace",
            "password": PASSWORD, "password_again": PASSWORD}  # fmt: skip

    response = client.post(f"/invitations/{token}/", form)

    assert response.status_code == 400
    assert "sign in with it" in response.content.decode()
    assert not User.objects.filter(username="grace").exists()


def test_page_existing_account_signs_in_and_joins(client, invited, centre_gb):
    _, token = invited
    person = UserFactory(username="grace", email=NEW)
    sign_in(client, person)

    page = client.get(f"/invitations/{token}/")
    response = client.post(f"/invitations/{token}/")

    assert page.status_code == 200 and b"Join GB001" in page.content
    assert response.status_code == 302
    assert person.memberships.get().centre == centre_gb


def test_page_opened_by_the_wrong_person_is_refused(client, invited, officer_pk):
    _, token = invited
    sign_in(client, officer_pk)

    page = client.get(f"/invitations/{token}/")
    post = client.post(f"/invitations/{token}/")

    assert page.status_code == post.status_code == 403
    assert f"sent to {NEW}" in page.content.decode()
    assert officer_pk.memberships.count() == 1


def test_page_expired_used_and_unknown_links_say_so(client, invited, time_machine):
    invitation, token = invited
    assert client.get("/invitations/not-a-token/").status_code == 404
    time_machine.move_to(invitation.expires_at + dt.timedelta(seconds=1))

    expired = client.get(f"/invitations/{token}/")

    assert expired.status_code == 410
    assert "expired" in expired.content.decode()


def test_page_used_link_says_so(client, invited):
    _, token = invited
    services.accept_invitation(token, user=UserFactory(email=NEW))

    response = client.post(f"/invitations/{token}/", {"username": "x"})

    assert response.status_code == 410
    assert "already been used" in response.content.decode()


# The centre's users -----------------------------------------------------------------------


@pytest.fixture
def colleague(centre_gb):
    return OfficerFactory(username="colleague", membership__centre=centre_gb)


def test_remove_takes_the_person_off_the_centre_and_tells_them(colleague, officer_gb, centre_gb):
    services.remove_member(colleague.memberships.get(), by=officer_gb)

    assert not Centre.objects.visible_to(colleague).exists()
    event = audit.history_of(centre_gb).get(action="member.removed")
    assert (event.actor, event.data["user"]) == (officer_gb, "colleague")
    assert Notification.objects.filter(user=colleague, kind="centre").count() == 1


def test_remove_the_last_exams_officer_is_refused(officer_gb, centre_gb):
    head = UserFactory(username="head")
    Membership.objects.create(user=head, centre=centre_gb, role=Membership.Role.HEAD_OF_CENTRE)

    with pytest.raises(TransitionNotAllowed, match="last exams officer"):
        services.remove_member(officer_gb.memberships.get(), by=head)

    assert officer_gb.memberships.count() == 1


def test_remove_repeated_changes_nothing(colleague, officer_gb):
    membership = colleague.memberships.get()
    services.remove_member(membership, by=officer_gb)

    services.remove_member(membership, by=officer_gb)

    assert audit.history_of(membership.centre).filter(action="member.removed").count() == 1


def test_remove_keeps_the_persons_other_centres(colleague, officer_gb, centre_pk):
    Membership.objects.create(user=colleague, centre=centre_pk)

    services.remove_member(colleague.memberships.get(centre__number="GB001"), by=officer_gb)

    assert list(Centre.objects.visible_to(colleague)) == [centre_pk]


def test_api_users_lists_the_centres_people(officer_api, colleague):
    response = officer_api.get("/api/v1/centres/GB001/users/")

    assert response.status_code == 200
    assert [u["username"] for u in response.json()["results"]] == ["colleague", "officer1"]


def test_api_remove_user_then_again_is_404(officer_api, colleague):
    first = officer_api.delete("/api/v1/centres/GB001/users/colleague/")
    again = officer_api.delete("/api/v1/centres/GB001/users/colleague/")

    assert (first.status_code, again.status_code) == (204, 404)


def test_api_remove_last_exams_officer_is_409(officer_api):
    response = officer_api.delete("/api/v1/centres/GB001/users/officer1/")

    assert response.status_code == 409
    assert "last exams officer" in response.json()["detail"]


def test_api_another_centres_officer_gets_404(officer_pk, colleague, invited):
    api = api_as(officer_pk)
    invitation, _ = invited

    answers = [
        api.get("/api/v1/centres/GB001/users/").status_code,
        api.delete("/api/v1/centres/GB001/users/colleague/").status_code,
        api.get("/api/v1/centres/GB001/invitations/").status_code,
        api.post("/api/v1/centres/GB001/invitations/", {"email": "x@example.org"}).status_code,
        api.delete(f"/api/v1/centres/GB001/invitations/{invitation.pk}/").status_code,
        api.patch("/api/v1/centres/GB001/", {"name": "Mine now"}).status_code,
    ]

    assert answers == [404] * 6
    assert Membership.objects.filter(user=colleague).exists()
    assert Centre.objects.get(number="GB001").name == "Riverside Academy"


def test_api_invite_list_and_withdraw(officer_api):
    created = officer_api.post(
        "/api/v1/centres/GB001/invitations/", {"email": NEW, "role": "head_of_centre"}
    )
    listed = officer_api.get("/api/v1/centres/GB001/invitations/")
    withdrawn = officer_api.delete(f"/api/v1/centres/GB001/invitations/{created.json()['id']}/")

    assert created.status_code == 201
    assert created.json()["status"] == "pending" and "token" not in str(created.json())
    assert [i["email"] for i in listed.json()["results"]] == [NEW]
    assert withdrawn.status_code == 204
    assert officer_api.get("/api/v1/centres/GB001/invitations/").json()["count"] == 0


def test_api_invite_bad_email_is_400_and_nothing_saved(officer_api):
    response = officer_api.post("/api/v1/centres/GB001/invitations/", {"email": "nope"})

    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert Invitation.objects.count() == 0


def test_api_staff_without_the_registration_role_cannot_invite(centre_gb):
    specialist = StaffFactory(username="spec", roles=[ASSESSMENT_SPECIALIST])

    response = api_as(specialist).post("/api/v1/centres/GB001/invitations/", {"email": NEW})

    assert response.status_code == 403


def test_page_centre_shows_users_and_invitations(client, officer_gb, colleague, invited):
    sign_in(client, officer_gb)

    response = client.get("/centres/GB001/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "colleague" in text and NEW in text
    assert client.get("/centres/PK002/").status_code == 404


def test_page_remove_user_confirms_then_removes(client, officer_gb, colleague):
    sign_in(client, officer_gb)

    confirm = client.get("/centres/GB001/users/colleague/remove/")
    removed = client.post("/centres/GB001/users/colleague/remove/")

    assert confirm.status_code == 200
    assert removed.status_code == 302
    assert not colleague.memberships.exists()


def test_page_invite_bad_input_shows_the_error(client, officer_gb):
    sign_in(client, officer_gb)

    response = client.post("/centres/GB001/invite/", {"email": "nope", "role": "exams_officer"})

    assert response.status_code == 400
    assert b"Error: Invite a colleague" in response.content
    assert Invitation.objects.count() == 0


# The centre's details ---------------------------------------------------------------------


def test_details_change_is_saved_and_audited(officer_gb, centre_gb):
    services.update_centre_details(
        centre_gb, by=officer_gb, name="Riverside College", email="exams@riverside.example",
        timezone_name="Europe/Dublin",
    )  # fmt: skip

    centre_gb.refresh_from_db()
    assert (centre_gb.name, centre_gb.timezone) == ("Riverside College", "Europe/Dublin")
    event = audit.history_of(centre_gb).get(action="details.changed")
    assert event.data["timezone"] == {"from": "Europe/London", "to": "Europe/Dublin"}


def test_details_change_leaves_the_officers_other_centres_alone(officer_gb, centre_gb):
    other = CentreFactory(number="GB002", name="Hillside School")
    Membership.objects.create(user=officer_gb, centre=other)

    services.update_centre_details(
        centre_gb, by=officer_gb, name="Renamed", email="a@b.org", timezone_name="UTC"
    )

    other.refresh_from_db()
    assert (other.name, other.timezone) == ("Hillside School", "Europe/London")


def test_page_details_bad_time_zone_is_refused_and_nothing_saved(client, officer_gb, centre_gb):
    sign_in(client, officer_gb)

    response = client.post(
        "/centres/GB001/details/",
        {"name": "Renamed", "email": "a@b.org", "timezone": "Mars/Olympus"},
    )

    assert response.status_code == 400
    assert "timezone" in response.context["form"].errors
    centre_gb.refresh_from_db()
    assert centre_gb.name == "Riverside Academy"


def test_page_details_change_is_saved(client, officer_gb, centre_gb):
    sign_in(client, officer_gb)

    response = client.post(
        "/centres/GB001/details/",
        {"name": "Riverside College", "email": "exams@riverside.example", "timezone": "Asia/Dubai"},
    )

    assert response.status_code == 302
    centre_gb.refresh_from_db()
    assert centre_gb.timezone == "Asia/Dubai"


def test_api_patch_details(officer_api, centre_gb):
    good = officer_api.patch(
        "/api/v1/centres/GB001/", {"timezone": "Asia/Dubai", "email": "a@b.org"}
    )
    bad = officer_api.patch("/api/v1/centres/GB001/", {"timezone": "Nowhere/Else"})

    assert good.status_code == 200 and good.json()["timezone"] == "Asia/Dubai"
    assert bad.status_code == 400 and "timezone" in bad.json()["errors"]
    centre_gb.refresh_from_db()
    assert centre_gb.timezone == "Asia/Dubai"

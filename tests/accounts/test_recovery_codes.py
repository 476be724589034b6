"""Recovery codes: made by someone signed in with their authenticator, shown once, each
signing in once in place of the app's code, in the browser and at the token endpoint."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from portal.accounts import services
from portal.errors import PortalError
from tests.factories import PASSWORD
from tests.signing_in import enrol, sign_in, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"
CODES = "/accounts/two-factor/recovery-codes/"


def test_recovery_codes_are_shown_once_on_the_page_that_makes_them(client, staff_user):
    sign_in(client, staff_user)
    before = client.get(CODES)
    made = client.post(CODES)
    after = client.get(CODES)
    codes = services.RECOVERY_CODES
    assert b"You have no recovery codes" in before.content
    assert made.status_code == 200
    assert made["Cache-Control"] == "no-store"
    shown = [t.token for t in StaticToken.objects.filter(device__user=staff_user)]
    assert len(shown) == codes
    for token in shown:
        assert f"{token[:4]}-{token[4:]}".encode() in made.content
        assert token.encode() not in after.content
        assert f"{token[:4]}-{token[4:]}".encode() not in after.content
    assert f"You have {codes} unused recovery codes".encode() in after.content


def test_recovery_codes_made_again_end_the_earlier_ones(staff_user):
    enrol(staff_user)
    first = services.issue_recovery_codes(staff_user)
    second = services.issue_recovery_codes(staff_user)
    assert set(first).isdisjoint(second)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(second)


def test_recovery_codes_need_an_authenticator_first(officer_gb):
    with pytest.raises(PortalError, match="Set up your authenticator app"):
        services.issue_recovery_codes(officer_gb)


def test_recovery_codes_page_sends_someone_without_two_factor_to_set_it_up(client, officer_gb):
    client.force_login(officer_gb)
    response = client.post(CODES)
    assert response.url == reverse("accounts:two_factor_setup")
    assert StaticToken.objects.count() == 0


def test_recovery_codes_page_asks_for_the_second_step_first(client, officer_gb):
    enrol(officer_gb)
    client.force_login(officer_gb)  # a password alone, as after a password reset
    response = client.post(CODES)
    assert response.url == reverse("accounts:verify")
    assert StaticToken.objects.count() == 0


def test_recovery_code_signs_in_once_in_the_browser(client, officer_gb):
    enrol(officer_gb)
    code, *_ = services.issue_recovery_codes(officer_gb)
    client.post(LOGIN, {"username": "officer1", "password": PASSWORD})
    first = client.post(VERIFY, {"otp_token": f"{code[:4]}-{code[4:]}".upper()})
    assert first.status_code == 302
    assert client.session["_auth_user_id"] == str(officer_gb.pk)
    client.post(reverse("accounts:logout"))
    client.post(LOGIN, {"username": "officer1", "password": PASSWORD})
    again = client.post(VERIFY, {"otp_token": code})
    assert b"That code is not right" in again.content
    assert "_auth_user_id" not in client.session
    assert services.recovery_codes_left(officer_gb) == services.RECOVERY_CODES - 1


def test_recovery_code_serves_as_otp_at_the_token_endpoint_once(api_client, staff_user):
    enrol(staff_user)
    code, *_ = services.issue_recovery_codes(staff_user)
    body = {"username": staff_user.username, "password": PASSWORD, "otp": code}
    first = api_client.post("/api/v1/auth/token/", body, format="json")
    again = api_client.post("/api/v1/auth/token/", body, format="json")
    assert first.status_code == 200, first.json()
    assert again.status_code == 400
    assert again.json()["errors"]["otp"] == [services.CODE_REFUSED]


def test_recovery_code_guesses_do_not_lock_the_authenticator(client, officer_gb):
    device = enrol(officer_gb)
    services.issue_recovery_codes(officer_gb)
    client.post(LOGIN, {"username": "officer1", "password": PASSWORD})
    for _ in range(3):
        client.post(VERIFY, {"otp_token": "aaaaaaaa"})
    right = client.post(VERIFY, {"otp_token": totp_code(device)})
    assert right.status_code == 302


def test_recovery_code_of_a_wrong_shape_is_a_clear_error(client, officer_gb):
    enrol(officer_gb)
    client.post(LOGIN, {"username": "officer1", "password": PASSWORD})
    response = client.post(VERIFY, {"otp_token": "abc!"})
    assert b"a recovery code: eight letters and digits" in response.content

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.test_signin import _current_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"


def test_token_for_right_password_authenticates_requests(api_client, officer_gb):
    response = api_client.post(URL, {"username": "officer1", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/centres/").json()["count"] == 1


def test_token_wrong_password_is_400_with_errors(api_client, officer_gb):
    response = api_client.post(URL, {"username": "officer1", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"non_field_errors": ["Unable to sign in with that username and password."]}
    }


def test_token_missing_fields_are_field_errors(api_client, db):
    response = api_client.post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"username", "password"}


def test_token_is_locked_after_repeated_failures(api_client, officer_gb):
    for _ in range(5):
        api_client.post(URL, {"username": "officer1", "password": "nope"}, format="json")
    response = api_client.post(URL, {"username": "officer1", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["detail"]


def test_token_requires_otp_for_enrolled_user(api_client, officer_gb):
    device = TOTPDevice.objects.create(user=officer_gb, name="phone", confirmed=True)
    missing = api_client.post(URL, {"username": "officer1", "password": PASSWORD}, format="json")
    assert missing.status_code == 400
    assert "otp" in missing.json()["errors"]
    response = api_client.post(
        URL,
        {"username": "officer1", "password": PASSWORD, "otp": _current_code(device)},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["token"]


def test_bad_token_is_refused(api_client, officer_gb):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api_client.get("/api/v1/centres/").status_code == 401


def test_token_for_staff_without_device_follows_the_contract(api_client, staff_user):
    response = api_client.post(URL, {"username": "staffer", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json()["token"]


def test_token_refused_to_staff_without_two_factor_when_required(api_client, staff_user, settings):
    settings.STAFF_API_TWO_FACTOR = True
    response = api_client.post(URL, {"username": "staffer", "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_session_api_refuses_staff_with_password_only_when_required(client, staff_user, settings):
    settings.STAFF_API_TWO_FACTOR = True
    client.post("/accounts/login/", {"username": "staffer", "password": PASSWORD})
    response = client.get("/api/v1/centres/")
    assert response.status_code in {401, 403}
    assert "two-factor" in response.json()["detail"]


def test_session_api_serves_staff_after_two_factor(client, staff_user):
    device = TOTPDevice.objects.create(user=staff_user, name="phone", confirmed=True)
    client.post("/accounts/login/", {"username": "staffer", "password": PASSWORD})
    client.post("/accounts/login/verify/", {"otp_token": _current_code(device)})
    assert client.get("/api/v1/centres/").status_code == 200


def test_session_api_serves_officer(client, officer_gb):
    client.post("/accounts/login/", {"username": "officer1", "password": PASSWORD})
    assert client.get("/api/v1/centres/").json()["count"] == 1

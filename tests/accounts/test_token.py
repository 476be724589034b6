from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from portal.accounts.models import ApiToken
from portal.api.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle
from tests.factories import PASSWORD
from tests.signing_in import enrol, totp_code

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"


def _token(api_client, username="officer1", **extra):
    response = api_client.post(
        URL, {"username": username, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_token_for_right_password_authenticates_requests(api_client, officer_gb):
    token = _token(api_client)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/centres/").json()["count"] == 1


def test_token_is_kept_only_as_a_hash(api_client, officer_gb):
    token = _token(api_client)
    stored = ApiToken.objects.get(user=officer_gb)
    assert token not in {stored.digest, stored.token_key}
    assert stored.digest != token


def test_token_answer_says_when_it_expires(api_client, officer_gb, settings):
    settings.API_TOKEN_TTL_HOURS = 2
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False):
        response = api_client.post(
            URL, {"username": "officer1", "password": PASSWORD}, format="json"
        )
    assert response.json()["expiry"] == "2026-03-02T11:00:00Z"


def test_token_each_sign_in_is_a_device_of_its_own(api_client, officer_gb):
    first = _token(api_client, device_name="School MIS")
    second = _token(api_client, device_name="Laptop script")
    assert first != second
    assert sorted(ApiToken.objects.values_list("device_name", flat=True)) == [
        "Laptop script",
        "School MIS",
    ]


def test_token_device_name_defaults_to_user_agent(api_client, officer_gb):
    api_client.post(
        URL,
        {"username": "officer1", "password": PASSWORD},
        format="json",
        HTTP_USER_AGENT="SIMS Connector/4.2",
    )
    assert ApiToken.objects.get().device_name == "SIMS Connector/4.2"


def test_token_device_name_too_long_is_a_field_error(api_client, officer_gb):
    response = api_client.post(
        URL,
        {"username": "officer1", "password": PASSWORD, "device_name": "x" * 101},
        format="json",
    )
    assert response.status_code == 400
    assert "device_name" in response.json()["errors"]
    assert not ApiToken.objects.exists()


def test_token_expires_after_the_configured_hours(api_client, officer_gb, settings):
    settings.API_TOKEN_TTL_HOURS = 1
    token = _token(api_client)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = api_client.get("/api/v1/centres/")
    assert response.status_code == 401


def test_token_records_last_use(api_client, officer_gb):
    token = _token(api_client)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    api_client.get("/api/v1/centres/")
    assert ApiToken.objects.get().last_used_at is not None


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


def test_token_success_resets_the_failure_count(api_client, officer_gb):
    for _ in range(4):
        api_client.post(URL, {"username": "officer1", "password": "nope"}, format="json")
    _token(api_client)
    for _ in range(4):
        api_client.post(URL, {"username": "officer1", "password": "nope"}, format="json")
    response = api_client.post(URL, {"username": "officer1", "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_token_requires_otp_for_enrolled_user(api_client, officer_gb):
    device = enrol(officer_gb)
    missing = api_client.post(URL, {"username": "officer1", "password": PASSWORD}, format="json")
    assert missing.status_code == 400
    assert "otp" in missing.json()["errors"]
    assert _token(api_client, otp=totp_code(device))


def test_token_one_wrong_otp_then_right_one_is_served(api_client, officer_gb):
    device = enrol(officer_gb)
    wrong = api_client.post(
        URL, {"username": "officer1", "password": PASSWORD, "otp": "000000"}, format="json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"]["otp"][0].startswith("That code is not right")
    assert _token(api_client, otp=totp_code(device))


def test_bad_token_is_refused(api_client, officer_gb):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api_client.get("/api/v1/centres/").status_code == 401


def test_token_with_bytes_that_are_not_utf8_is_refused(api_client, officer_gb):
    api_client.credentials(HTTP_AUTHORIZATION="Token abc\xff\xfe")
    assert api_client.get("/api/v1/centres/").status_code == 401


def test_token_refused_to_staff_without_two_factor(api_client, staff_user):
    response = api_client.post(URL, {"username": "staffer", "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_token_for_staff_with_code_serves_the_api(api_client, staff_user):
    device = enrol(staff_user)
    token = _token(api_client, username="staffer", otp=totp_code(device))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/centres/").status_code == 200


def test_token_for_staff_without_device_when_rule_is_off(api_client, staff_user, settings):
    settings.STAFF_API_TWO_FACTOR = False
    assert _token(api_client, username="staffer")


def test_staff_token_issued_on_a_password_ends_when_the_rule_is_on(
    api_client, staff_user, settings
):
    settings.STAFF_API_TWO_FACTOR = False
    token = _token(api_client, username="staffer")
    settings.STAFF_API_TWO_FACTOR = True
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/v1/centres/")
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]


def test_session_api_refuses_staff_with_password_only(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/api/v1/centres/")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_session_api_serves_staff_after_two_factor(client, staff_user):
    device = enrol(staff_user)
    client.post("/accounts/login/", {"username": "staffer", "password": PASSWORD})
    client.post("/accounts/login/verify/", {"otp_token": totp_code(device)})
    assert client.get("/api/v1/centres/").status_code == 200


def test_session_api_serves_officer(client, officer_gb):
    client.post("/accounts/login/", {"username": "officer1", "password": PASSWORD})
    assert client.get("/api/v1/centres/").json()["count"] == 1


def _token_requests_from_changing_forwarded_for(api_client, settings):
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token_address"].split("/")[0])
    # A new username each time, so that the lock-out of one username plays no part.
    return [
        api_client.post(
            URL,
            {"username": f"nobody{n}", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        for n in range(limit + 1)
    ]


def test_token_throttle_ignores_forged_forwarded_for(api_client, db, settings):
    *allowed, refused = _token_requests_from_changing_forwarded_for(api_client, settings)
    assert {response.status_code for response in allowed} == {400}
    assert refused.status_code == 429
    assert "throttled" in refused.json()["detail"]


def test_token_throttle_trusts_the_proxies_it_is_told_of(api_client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    responses = _token_requests_from_changing_forwarded_for(api_client, settings)
    assert {response.status_code for response in responses} == {400}


@pytest.mark.parametrize("throttle", [AnonRateThrottle, UserRateThrottle, ScopedRateThrottle])
def test_every_portal_throttle_knows_the_client_by_its_address(throttle, rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="192.0.2.1")
    assert throttle().get_ident(request) == "192.0.2.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert throttle().get_ident(request) == "203.0.113.9"


def test_api_throttles_default_to_the_portal_ones(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "portal.api.throttling.AnonRateThrottle",
        "portal.api.throttling.UserRateThrottle",
    ]


def _rate(settings, scope: str) -> int:
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])


def test_token_throttle_counts_per_username_from_any_address(api_client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    answers = [
        api_client.post(
            URL,
            {"username": "Officer1 ", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(_rate(settings, "token_user") + 1)
    ]
    assert answers[-1] == 429
    assert 429 not in answers[:-1]


def test_token_throttle_lets_a_school_behind_one_address_sign_in_its_people(
    api_client, officer_gb, settings
):
    # More of the school's people than one person may try, all from the school's address,
    # then the officer with the right password.
    others = [
        api_client.post(URL, {"username": f"colleague{n}", "password": "x"}, format="json")
        for n in range(_rate(settings, "token_user") + 2)
    ]
    officer = api_client.post(URL, {"username": "officer1", "password": PASSWORD}, format="json")
    assert {response.status_code for response in others} == {400}
    assert officer.status_code == 200, officer.json()

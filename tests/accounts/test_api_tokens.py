from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from portal.accounts import roles, services
from portal.accounts.models import ApiToken
from tests.factories import PASSWORD
from tests.signing_in import enrol, sign_in, totp_code

pytestmark = pytest.mark.django_db

LIST = "/api/v1/auth/tokens/"
PAGE = "/accounts/api-tokens/"


def _issue(user, name="School MIS"):
    return services.issue_api_token(user, device_name=name, two_factor=False)


def _with_token(api_client, key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api_client


def test_list_shows_own_tokens_without_the_token(api_client, officer_gb, officer_pk):
    mine, key = _issue(officer_gb)
    _issue(officer_gb, "Laptop")
    _issue(officer_pk, "Other school")
    response = _with_token(api_client, key).get(LIST)
    results = response.json()["results"]
    assert response.status_code == 200
    assert sorted(row["device_name"] for row in results) == ["Laptop", "School MIS"]
    current = next(row for row in results if row["current"])
    assert current["id"] == str(mine.public_id)
    assert set(current) == {
        "id",
        "device_name",
        "created_at",
        "last_used_at",
        "expires_at",
        "current",
    }
    assert key not in response.content.decode()
    assert mine.digest not in response.content.decode()


def test_list_leaves_out_expired_tokens(api_client, officer_gb, settings):
    settings.API_TOKEN_TTL_HOURS = 1
    _issue(officer_gb, "Old")
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        _, key = _issue(officer_gb, "New")
        response = _with_token(api_client, key).get(LIST)
    assert [row["device_name"] for row in response.json()["results"]] == ["New"]


def test_revoke_one_ends_only_that_token(api_client, officer_gb):
    _, key = _issue(officer_gb)
    other, other_key = _issue(officer_gb, "Laptop")
    response = _with_token(api_client, key).delete(f"{LIST}{other.public_id}/")
    assert response.status_code == 204
    assert _with_token(api_client, other_key).get("/api/v1/centres/").status_code == 401
    assert _with_token(api_client, key).get("/api/v1/centres/").status_code == 200


def test_revoke_another_persons_token_is_404(api_client, officer_gb, officer_pk):
    _, key = _issue(officer_gb)
    theirs, _ = _issue(officer_pk)
    response = _with_token(api_client, key).delete(f"{LIST}{theirs.public_id}/")
    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_revoke_all_ends_every_token(api_client, officer_gb, officer_pk):
    _, key = _issue(officer_gb)
    _issue(officer_gb, "Laptop")
    _issue(officer_pk)
    response = _with_token(api_client, key).post(f"{LIST}revoke-all/")
    assert response.json() == {"revoked": 2}
    assert list(ApiToken.objects.values_list("user", flat=True)) == [officer_pk.pk]
    assert _with_token(api_client, key).get(LIST).status_code == 401


def test_password_change_ends_tokens(client, api_client, officer_gb):
    _, key = _issue(officer_gb)
    client.force_login(officer_gb)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-pass-42",
            "new_password2": "another-long-pass-42",
        },
    )
    assert response.status_code == 302
    assert _with_token(api_client, key).get("/api/v1/centres/").status_code == 401
    assert not ApiToken.objects.exists()


def test_password_set_anywhere_ends_tokens(officer_gb):
    _issue(officer_gb)
    officer_gb.set_password("another-long-pass-42")
    officer_gb.save()
    assert not ApiToken.objects.exists()


def test_sign_in_that_rehashes_the_password_keeps_tokens(officer_gb, settings):
    _issue(officer_gb)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert officer_gb.check_password(PASSWORD)
    assert ApiToken.objects.count() == 1


def test_enrolling_two_factor_ends_tokens(client, officer_gb):
    _issue(officer_gb)
    client.force_login(officer_gb)
    client.post("/accounts/two-factor/", {"action": "start"})
    device = officer_gb.totpdevice_set.get()
    client.post("/accounts/two-factor/", {"otp_token": totp_code(device)})
    assert not ApiToken.objects.exists()


def test_sweep_deletes_only_expired_tokens(officer_gb, settings):
    settings.API_TOKEN_TTL_HOURS = 1
    _issue(officer_gb, "Old")
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        _issue(officer_gb, "New")
        deleted = services.sweep_expired_api_tokens(batch=1)
    assert deleted == 1
    assert list(ApiToken.objects.values_list("device_name", flat=True)) == ["New"]


def test_page_lists_tokens_with_labelled_revoke_links(client, officer_gb):
    token, _ = _issue(officer_gb)
    client.force_login(officer_gb)
    page = client.get(PAGE).content.decode()
    assert "School MIS" in page
    assert f"/accounts/api-tokens/{token.public_id}/revoke/" in page
    assert '<span class="visually-hidden"> the token of School MIS' in page
    assert "Revoke all tokens" in page


def test_page_revoke_asks_first_then_revokes(client, officer_gb):
    token, _ = _issue(officer_gb)
    client.force_login(officer_gb)
    url = f"/accounts/api-tokens/{token.public_id}/revoke/"
    question = client.get(url)
    assert "Revoke the token of “School MIS”?" in question.content.decode()
    assert ApiToken.objects.exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_page_revoke_of_another_persons_token_is_404(client, officer_gb, officer_pk):
    theirs, _ = _issue(officer_pk)
    client.force_login(officer_gb)
    assert client.post(f"/accounts/api-tokens/{theirs.public_id}/revoke/").status_code == 404
    assert ApiToken.objects.exists()


def test_page_revoke_all_asks_first_then_revokes(client, officer_gb):
    _issue(officer_gb)
    _issue(officer_gb, "Laptop")
    client.force_login(officer_gb)
    question = client.get("/accounts/api-tokens/revoke-all/")
    assert "All 2 devices" in question.content.decode()
    client.post("/accounts/api-tokens/revoke-all/")
    assert not ApiToken.objects.exists()


def test_page_needs_two_factor_for_staff(client, staff_user):
    client.force_login(staff_user)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/two-factor/")


def test_page_opens_for_staff_after_two_factor(client, staff_user):
    enrol(staff_user)
    assert sign_in(client, staff_user).get(PAGE).status_code == 200


def test_sweep_task_reports_what_it_deleted(officer_gb, settings):
    from portal.core.tasks import housekeeping

    settings.API_TOKEN_TTL_HOURS = 1
    _issue(officer_gb)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        result = housekeeping.delay().get()
    assert result["api_tokens"] == 1


def test_staff_area_lists_tokens_without_the_token(client, staff_user, officer_gb):
    staff_user.groups.add(roles.sync_roles()[roles.REGISTRATION_TEAM])
    token, key = _issue(officer_gb)
    page = sign_in(client, staff_user).get("/admin/accounts/apitoken/")
    assert page.status_code == 200
    assert "School MIS" in page.content.decode()
    assert key not in page.content.decode()


def test_a_token_is_checked_reading_its_own_row_however_many_the_person_holds(
    api_client, officer_gb
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(20):
        _issue(officer_gb, f"Device {n}")
    _, key = _issue(officer_gb)
    with CaptureQueriesContext(connection) as captured:
        response = _with_token(api_client, key).get("/api/v1/series/")
    assert response.status_code == 200
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "accounts_apitoken"' in q["sql"]
    ]
    assert len(reads) == 1
    assert '"accounts_apitoken"."token_key" =' in reads[0]


def test_an_expired_token_is_refused_and_removed_the_others_left_to_housekeeping(
    api_client, officer_gb, settings
):
    settings.API_TOKEN_TTL_HOURS = 1
    _, old = _issue(officer_gb, "Old")
    _issue(officer_gb, "Older")
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        response = _with_token(api_client, old).get("/api/v1/series/")
        assert response.status_code == 401
        assert list(ApiToken.objects.values_list("device_name", flat=True)) == ["Older"]
        _, new = _issue(officer_gb, "New")
        assert _with_token(api_client, new).get("/api/v1/series/").status_code == 200
        assert services.sweep_expired_api_tokens() == 1
    assert list(ApiToken.objects.values_list("device_name", flat=True)) == ["New"]

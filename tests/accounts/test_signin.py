import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_login_officer_with_password_reaches_home(client, officer_gb):
    response = client.post(
        reverse("accounts:login"), {"username": "officer1", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get("/").status_code == 200


def test_login_wrong_password_shows_error(client, officer_gb):
    response = client.post(reverse("accounts:login"), {"username": "officer1", "password": "no"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_login_is_locked_after_five_failures_with_clear_message(client, officer_gb):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "officer1", "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": "officer1", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_login_with_two_factor_asks_for_code_before_signing_in(client, officer_gb):
    device = _enrol(officer_gb)
    response = client.post(
        reverse("accounts:login"), {"username": "officer1", "password": PASSWORD}
    )
    assert response.url == reverse("accounts:verify")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("accounts:verify"), {"otp_token": "000000"})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(reverse("accounts:verify"), {"otp_token": _current_code(device)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer_gb.pk)


def test_admin_refuses_staff_without_two_factor(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two_factor_setup"))
    assert b"Set up two-factor sign-in" in response.content


def test_admin_opens_for_staff_after_two_factor(client, staff_user):
    device = _enrol(staff_user)
    client.post(reverse("accounts:login"), {"username": "staffer", "password": PASSWORD})
    client.post(reverse("accounts:verify"), {"otp_token": _current_code(device)})
    assert client.get("/admin/").status_code == 200


def test_admin_refuses_officer(client, officer_gb):
    client.force_login(officer_gb)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"The review queues are for awarding-body staff only." in response.content


def test_staff_login_without_device_is_sent_to_enrol(client, staff_user):
    response = client.post(reverse("accounts:login"), {"username": "staffer", "password": PASSWORD})
    assert response.url.startswith(reverse("accounts:two_factor_setup"))


def test_two_factor_setup_confirms_device_with_right_code(client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=staff_user, confirmed=False)
    refused = client.post(reverse("accounts:two_factor_setup"), {"otp_token": "12345x"})
    assert b"That code is not right" in refused.content
    response = client.post(
        reverse("accounts:two_factor_setup"), {"otp_token": _current_code(device)}
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/admin/").status_code == 200


def test_logout_requires_post_and_signs_out(client, officer_gb):
    client.force_login(officer_gb)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_email_with_working_link(client, officer_gb):
    response = client.post(reverse("accounts:password_reset"), {"email": officer_gb.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    assert b"Choose a new password" in page.content


def test_password_reset_unknown_email_says_the_same(client, officer_gb):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_staff_client_fixture_opens_the_staff_area(staff_client):
    assert staff_client.get("/admin/").status_code == 200
    assert staff_client.get("/api/v1/centres/").status_code == 200


def test_staff_pages_need_two_factor_not_only_a_password(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/complaints/")
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:two_factor_setup')}?next=/complaints/"


def test_public_pages_open_to_staff_before_two_factor(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/service-standards/").status_code == 200
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200

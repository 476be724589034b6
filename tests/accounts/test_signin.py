import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from tests.signing_in import enrol, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"
SETUP = "/accounts/two-factor/"


def test_login_officer_with_password_reaches_home(client, officer_gb):
    response = client.post(LOGIN, {"username": "officer1", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get("/").status_code == 200


def test_login_wrong_password_shows_error(client, officer_gb):
    response = client.post(LOGIN, {"username": "officer1", "password": "no"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_login_is_locked_after_five_failures_with_clear_message(client, officer_gb):
    for _ in range(5):
        client.post(LOGIN, {"username": "officer1", "password": "wrong"})
    response = client.post(LOGIN, {"username": "officer1", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_login_success_resets_the_failure_count(client, officer_gb):
    for _ in range(4):
        client.post(LOGIN, {"username": "officer1", "password": "wrong"})
    client.post(LOGIN, {"username": "officer1", "password": PASSWORD})
    client.logout()
    for _ in range(4):
        client.post(LOGIN, {"username": "officer1", "password": "wrong"})
    response = client.post(LOGIN, {"username": "officer1", "password": PASSWORD})
    assert response.status_code == 302


def test_login_with_two_factor_asks_for_code_before_signing_in(client, officer_gb):
    device = enrol(officer_gb)
    response = client.post(LOGIN, {"username": "officer1", "password": PASSWORD})
    assert response.url == reverse("accounts:verify")
    assert "_auth_user_id" not in client.session
    response = client.post(VERIFY, {"otp_token": totp_code(device)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer_gb.pk)


def test_verify_one_wrong_code_says_not_right_and_right_code_follows(client, officer_gb):
    device = enrol(officer_gb)
    client.post(LOGIN, {"username": "officer1", "password": PASSWORD})
    wrong = client.post(VERIFY, {"otp_token": "000000"})
    right = client.post(VERIFY, {"otp_token": totp_code(device)})
    assert b"That code is not right" in wrong.content
    assert b"Too many" not in wrong.content
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(officer_gb.pk)


def test_verify_repeated_wrong_codes_say_how_long_to_wait(client, officer_gb):
    device = enrol(officer_gb)
    client.post(LOGIN, {"username": "officer1", "password": PASSWORD})
    with time_machine.travel(timezone.now(), tick=False):
        first = client.post(VERIFY, {"otp_token": "000000"})
        second = client.post(VERIFY, {"otp_token": "000001"})
        locked = client.post(VERIFY, {"otp_token": totp_code(device)})
    assert b"That code is not right" in first.content
    assert b"That code is not right" in second.content
    assert locked.status_code == 200
    assert b"Too many wrong codes in a row. Wait 2 seconds" in locked.content
    assert "_auth_user_id" not in client.session


def test_verify_after_the_wait_accepts_the_right_code(client, officer_gb):
    device = enrol(officer_gb)
    client.post(LOGIN, {"username": "officer1", "password": PASSWORD})
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(VERIFY, {"otp_token": "000000"})
        client.post(VERIFY, {"otp_token": "000001"})
        traveller.shift(3)
        response = client.post(VERIFY, {"otp_token": totp_code(device)})
    assert response.status_code == 302


def test_admin_refuses_staff_without_two_factor(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)
    assert b"Awarding-body staff must set it up" in response.content


def test_admin_opens_for_staff_after_two_factor(client, staff_user):
    device = enrol(staff_user)
    client.post(LOGIN, {"username": "staffer", "password": PASSWORD})
    client.post(VERIFY, {"otp_token": totp_code(device)})
    assert client.get("/admin/").status_code == 200


def test_admin_refuses_officer(client, officer_gb):
    client.force_login(officer_gb)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"The review queues are for awarding-body staff only." in response.content


def test_staff_login_without_device_is_sent_to_enrol(client, staff_user):
    response = client.post(LOGIN, {"username": "staffer", "password": PASSWORD})
    assert response.url.startswith(SETUP)


def test_staff_login_with_device_is_asked_for_code_not_enrolment(client, staff_user):
    enrol(staff_user)
    response = client.post(LOGIN, {"username": "staffer", "password": PASSWORD})
    assert response.url == VERIFY


def test_two_factor_page_get_explains_and_creates_nothing(client, officer_gb):
    client.force_login(officer_gb)
    page = client.get(SETUP)
    assert page.status_code == 200
    assert b"For exams officers it is optional" in page.content
    assert b"Set up two-factor sign-in</button>" in page.content
    assert not TOTPDevice.objects.filter(user=officer_gb).exists()


def test_two_factor_page_tells_staff_they_must(client, staff_user):
    client.force_login(staff_user)
    page = client.get(SETUP)
    assert b"Awarding-body staff must set it up" in page.content
    assert not TOTPDevice.objects.filter(user=staff_user).exists()


def test_two_factor_setup_starts_on_post_and_confirms_with_right_code(client, staff_user):
    client.force_login(staff_user)
    started = client.post(SETUP, {"action": "start", "next": "/admin/"})
    page = client.get(started.url)
    device = TOTPDevice.objects.get(user=staff_user, confirmed=False)
    refused = client.post(SETUP, {"otp_token": "12345x"})
    response = client.post(SETUP, {"otp_token": totp_code(device), "next": "/admin/"})
    device.refresh_from_db()
    assert b"data:image/svg+xml" in page.content
    assert b"digits only" in refused.content
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert device.confirmed is True
    assert client.get("/admin/").status_code == 200


def test_two_factor_setup_start_twice_keeps_one_device(client, officer_gb):
    client.force_login(officer_gb)
    client.post(SETUP, {"action": "start"})
    client.post(SETUP, {"action": "start"})
    assert TOTPDevice.objects.filter(user=officer_gb).count() == 1


def test_two_factor_setup_wrong_code_leaves_device_unconfirmed(client, officer_gb):
    client.force_login(officer_gb)
    client.post(SETUP, {"action": "start"})
    response = client.post(SETUP, {"otp_token": "000000"})
    assert b"That code is not right" in response.content
    assert TOTPDevice.objects.get(user=officer_gb).confirmed is False


def test_two_factor_setup_code_without_start_shows_the_explanation(client, officer_gb):
    client.force_login(officer_gb)
    response = client.post(SETUP, {"otp_token": "123456"})
    assert response.status_code == 200
    assert b"Set up two-factor sign-in</button>" in response.content
    assert not TOTPDevice.objects.filter(user=officer_gb).exists()


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
    assert response.url == f"{SETUP}?next=/complaints/"


def test_public_pages_open_to_staff_before_two_factor(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/service-standards/").status_code == 200
    assert client.get(SETUP).status_code == 200


def test_password_reset_link_starts_with_the_portal_s_address_not_the_request_s_host(
    client, officer_gb, settings, mailoutbox
):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    settings.ALLOWED_HOSTS = ["portal.example.org", "attacker.example"]
    officer_gb.email = "officer1@school.example"
    officer_gb.save(update_fields=["email"])
    response = client.post(
        reverse("accounts:password_reset"),
        {"email": "officer1@school.example"},
        HTTP_HOST="attacker.example",
    )
    assert response.status_code == 302
    (message,) = mailoutbox
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "https://portal.example.org/accounts/password/reset/" in text
        assert "attacker.example" not in text

"""One-click unsubscribe (RFC 8058) from a mailing: each person's email carries its own signed
link, in the text and in List-Unsubscribe headers; opening the link only asks, a POST stops
that kind of email (from the page or a mail program's button, without a CSRF token), and
the person's email choices show it and turn it back on."""

import pytest
from django.core import mail, signing
from django.test import Client

from portal.notifications import Event, notify_all
from portal.notifications.models import Email, EmailOptOut
from portal.notifications.sending import send_pending
from portal.notifications.services import emailed_kinds
from portal.notifications.unsubscribe import unsubscribe_token, unsubscribe_url

pytestmark = pytest.mark.django_db


def send_newsletter(*people, key="mailing:newsletter:2027-01"):
    notify_all(
        [
            Event(
                key=key,
                kind="newsletter",
                to=list(people),
                subject="Exams newsletter",
                body="News.",
                unsubscribe=True,
            )
        ]
    )


def test_each_email_carries_its_own_link_and_the_one_click_headers(officer_gb, officer_pk):
    send_newsletter(officer_gb, officer_pk)
    by_address = {e.address: e for e in Email.objects.all()}
    mine = by_address[officer_gb.email]
    link = unsubscribe_url(officer_gb.pk, "newsletter")
    assert mine.headers == {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert link in mine.body
    assert link not in by_address[officer_pk.email].body


def test_the_headers_go_out_with_the_email(officer_gb):
    send_newsletter(officer_gb)
    send_pending()
    [sent] = mail.outbox
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent.message()["List-Unsubscribe"] == f"<{unsubscribe_url(officer_gb.pk, 'newsletter')}>"


def test_the_headers_reach_the_smtp_server(smtp_sink, officer_gb):
    send_newsletter(officer_gb)
    send_pending()
    [received] = smtp_sink.messages
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["List-Unsubscribe"] == f"<{unsubscribe_url(officer_gb.pk, 'newsletter')}>"


def test_other_notices_carry_no_unsubscribe_link(officer_gb):
    notify_all([Event(key="k", kind="reminder", to=[officer_gb], subject="s", body="b")])
    assert Email.objects.get().headers == {}


def test_opening_the_link_asks_and_changes_nothing(client, officer_gb):
    path = f"/notifications/unsubscribe/{unsubscribe_token(officer_gb.pk, 'newsletter')}/"
    response = client.get(path)
    assert response.status_code == 200
    assert "Stop these emails" in response.text and officer_gb.email in response.text
    assert not EmailOptOut.objects.exists()


def test_one_click_post_without_a_csrf_token_stops_that_kind_only(officer_gb, officer_pk):
    browser = Client(enforce_csrf_checks=True)
    path = f"/notifications/unsubscribe/{unsubscribe_token(officer_gb.pk, 'newsletter')}/"
    response = browser.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Emails stopped" in response.text
    assert "newsletter" not in emailed_kinds(officer_gb)
    assert "reminder" in emailed_kinds(officer_gb)
    assert "newsletter" in emailed_kinds(officer_pk)
    # Twice is harmless.
    assert browser.post(path).status_code == 200
    assert EmailOptOut.objects.filter(user=officer_gb).count() == 1

    send_newsletter(officer_gb, officer_pk, key="mailing:newsletter:2027-02")
    assert list(Email.objects.values_list("address", flat=True)) == [officer_pk.email]


def test_a_link_we_did_not_sign_is_not_found(client, officer_gb):
    forged = signing.Signer(salt="another purpose").sign_object([officer_gb.pk, "newsletter"])
    assert client.post(f"/notifications/unsubscribe/{forged}/").status_code == 404
    unknown = unsubscribe_token(officer_gb.pk, "no-such-kind")
    assert client.post(f"/notifications/unsubscribe/{unknown}/").status_code == 404
    assert client.get("/notifications/unsubscribe/nonsense/").status_code == 404
    assert not EmailOptOut.objects.exists()


def test_the_email_choices_turn_the_newsletter_off_and_on(client, officer_gb):
    client.force_login(officer_gb)
    page = client.get("/notifications/preferences/")
    assert "Monthly newsletter" in page.text
    kinds = [k for k in emailed_kinds(officer_gb) if k != "newsletter"]
    client.post("/notifications/preferences/", {"email_kinds": kinds})
    assert "newsletter" not in emailed_kinds(officer_gb)
    client.post("/notifications/preferences/", {"email_kinds": [*kinds, "newsletter"]})
    assert "newsletter" in emailed_kinds(officer_gb)

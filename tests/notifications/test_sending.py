import datetime as dt
from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.utils import timezone

from portal.notifications import Address
from portal.notifications.models import Email
from portal.notifications.sending import (
    MAX_ATTEMPTS,
    claim_emails,
    message_id,
    send_batch,
    send_pending,
)
from portal.notifications.services import Event, notify_all
from portal.notifications.tasks import send_emails
from tests.sla.conftest import london, run_at_once

pytestmark = pytest.mark.django_db

NOON = london(2026, 11, 23, 12)


def queue(count: int, *, key="results:2026-06") -> list[Email]:
    """``count`` emails waiting to be sent, as notify leaves them before the commit."""
    events = [
        Event(key=f"{key}:{n}", kind="reminder", to=[Address(f"learner{n}@example.org")],
              subject=f"Your results, part {n}", body="They are ready.",
              html="<p>They are ready.</p>")
        for n in range(count)
    ]  # fmt: skip
    notify_all(events, at=NOON)
    return list(Email.objects.order_by("pk"))


def test_send_pending_sends_each_once_with_its_own_message_id():
    emails = queue(3)
    result = send_pending()
    assert (result.sent, result.failed, result.retry) == (3, 0, 0)
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        f"<email-{email.pk}@exams-portal.example>" for email in emails
    ]
    assert mail.outbox[0].alternatives[0] == ("<p>They are ready.</p>", "text/html")
    assert set(Email.objects.values_list("state", "attempts")) == {("sent", 1)}
    assert send_pending().sent == 0
    assert len(mail.outbox) == 3


def test_smtp_refusal_of_one_address_does_not_stop_the_batch(smtp_sink):
    queue(3)
    smtp_sink.refused.add("learner1@example.org")

    result = send_pending()

    assert (result.sent, result.failed) == (2, 1)
    assert sorted(m["To"] for m in smtp_sink.messages) == [
        "learner0@example.org",
        "learner2@example.org",
    ]
    refused = Email.objects.get(address="learner1@example.org")
    assert refused.state == "failed" and "No such mailbox" in refused.error
    # One SMTP connection for the whole batch.
    assert smtp_sink.connections == 1


def test_refusal_for_now_is_tried_again_once_the_claim_is_stale(smtp_sink, settings):
    settings.NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT = 300
    queue(2)
    smtp_sink.busy.add("learner0@example.org")

    result = send_pending()

    assert (result.sent, result.retry) == (1, 1)
    busy = Email.objects.get(address="learner0@example.org")
    assert (busy.state, busy.claim, "Mailbox busy" in busy.error) == ("sending", None, True)
    assert claim_emails(limit=10) == []
    smtp_sink.busy.clear()
    later = busy.claimed_at + dt.timedelta(seconds=301)
    assert send_batch(claim_emails(limit=10, now=later)).sent == 1
    assert Email.objects.get(pk=busy.pk).attempts == 2
    assert len(smtp_sink.messages) == 2


def test_message_id_reaches_the_smtp_server(smtp_sink):
    [email] = queue(1)
    send_pending()
    assert [m["Message-ID"] for m in smtp_sink.messages] == [message_id(email.pk)]


def test_mail_server_down_leaves_the_batch_waiting(settings):
    queue(2)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "use_tls": False, "timeout": 2},
        }
    }
    result = send_pending()
    assert (result.sent, result.retry) == (0, 2)
    # Nothing was tried: the claim counts as no attempt, and nothing fails for an outage.
    assert set(Email.objects.values_list("state", "claim", "attempts")) == {("pending", None, 0)}


def test_fresh_claim_is_left_alone_and_a_stale_one_taken_again(settings):
    settings.NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT = 300
    queue(1)
    now = timezone.now()
    [first] = claim_emails(limit=10, now=now)
    assert claim_emails(limit=10, now=now + dt.timedelta(seconds=299)) == []
    [again] = claim_emails(limit=10, now=now + dt.timedelta(seconds=301))
    assert (again.pk, again.attempts) == (first.pk, 2)
    assert again.claim != first.claim


def test_sender_whose_claim_was_taken_over_marks_nothing_sent():
    queue(1)
    now = timezone.now()
    [slow] = claim_emails(limit=10, now=now)
    [taken] = claim_emails(limit=10, now=now + dt.timedelta(hours=1))
    send_batch([taken])
    # The first sender, waking up, finds the row no longer carries its claim.
    assert Email.objects.filter(pk=slow.pk, claim=slow.claim).update(state="pending") == 0
    assert Email.objects.get().state == "sent"


def test_email_claimed_too_often_is_left_failed():
    queue(1)
    Email.objects.update(
        state="sending", claimed_at=timezone.now() - dt.timedelta(days=1), attempts=MAX_ATTEMPTS
    )
    assert claim_emails(limit=10) == []
    assert Email.objects.get().state == "failed"


def test_sender_task_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-send-emails"]
    assert entry["task"] == "portal.notifications.send_emails"
    assert entry["options"]["expires"] <= entry["schedule"]
    queue(2)
    assert send_emails.name == entry["task"]
    assert send_emails.delay().get()["sent"] == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_send_each_email_exactly_once():
    # Written directly: through notify, the kick after the commit would send them all first.
    Email.objects.bulk_create(
        Email(key=f"results:{n}", kind="reminder", address=f"learner{n}@example.org",
              subject="Your results", body="They are ready.", created_at=NOON)
        for n in range(300)
    )  # fmt: skip

    results, errors = run_at_once(lambda: send_pending(batch_size=7).sent)

    assert errors == []
    assert sum(results) == 300
    assert len(mail.outbox) == 300
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 300
    assert set(Email.objects.values_list("state", "attempts")) == {("sent", 1)}


def test_claim_timeout_too_short_to_send_a_batch_is_refused(tmp_path):
    from tests.portal.test_settings import _settings_in_subprocess

    result = _settings_in_subprocess(
        {"PORTAL_DATA_DIR": str(tmp_path), "NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT": "5"},
        "print(settings.NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT)",
    )
    assert result.returncode != 0
    assert "NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT must be at least 10 seconds" in result.stderr


def test_smtp_message_as_people_read_it_one_rendering_per_event(smtp_sink, settings):
    settings.DEFAULT_FROM_EMAIL = "Exams Portal <no-reply@exams-portal.example>"
    notify_all(
        [
            Event(
                key="results:2026-06:GB001",
                kind="reminder",
                to=[Address("zoe@example.org", name="Zoë Brontë"), Address("sam@example.org")],
                subject="Résultats: June 2026\r\nBcc: x@example.org",
                body="Your results are ready: café.",
                html="<p>Your results are ready: café.</p>",
            )
        ],
        at=NOON,
    )
    assert send_pending().sent == 2
    first, second = smtp_sink.messages
    assert [str(m["To"]) for m in (first, second)] == [
        "=?utf-8?b?Wm/DqyBCcm9udMOr?= <zoe@example.org>",
        "sam@example.org",
    ]
    # The subject is one line, encoded, and says what was written.
    assert str(make_header(decode_header(first["Subject"]))) == (
        "Résultats: June 2026 Bcc: x@example.org"
    )
    assert first["Bcc"] is None
    assert first["From"] == "Exams Portal <no-reply@exams-portal.example>"
    assert first["Message-ID"] != second["Message-ID"] and first["Date"]
    text, html = (part.get_payload(decode=True).decode() for part in first.get_payload())
    assert (text, html) == ("Your results are ready: café.", "<p>Your results are ready: café.</p>")
    # Both recipients' bodies come from the one rendering of the event.
    assert first.get_boundary() == second.get_boundary()


def test_row_that_would_inject_a_header_fails_and_the_rest_go(smtp_sink):
    emails = queue(2)
    Email.objects.filter(pk=emails[0].pk).update(name="Bob\r\nBcc: evil@example.org")
    result = send_pending()
    assert (result.sent, result.failed) == (1, 1)
    assert [m["To"] for m in smtp_sink.messages] == ["learner1@example.org"]
    assert all(m["Bcc"] is None for m in smtp_sink.messages)
    assert Email.objects.get(pk=emails[0].pk).state == "failed"

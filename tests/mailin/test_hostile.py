"""Hostile mail piped to receive_email: every message is stored whole, ends with a clear
outcome, and raises nothing."""

import hashlib

import pytest

from portal.mailin.models import InboundEmail
from tests.mailin.conftest import message, receive
from tests.mailin.corpus import CORPUS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_mail_is_stored_and_gets_an_outcome(name, officer_gb):
    raw, status = CORPUS[name]

    row = receive(raw)

    assert (row.status, row.raw_bytes(), row.sha256) == (
        status,
        raw,
        hashlib.sha256(raw).hexdigest(),
    ), row.reason
    assert row.processed_at is not None
    assert "\x00" not in row.body + row.subject + row.sender


def test_text_with_nul_bytes_is_kept_without_them(officer_gb):
    raw, _ = CORPUS["nul_bytes_everywhere"]

    row = receive(raw)

    assert (row.subject, row.body) == ("Late fees", "Per entry or per candidate?")


def test_subject_with_a_line_break_is_one_line(officer_gb):
    row = receive(CORPUS["header_injection_in_subject"][0])

    assert row.subject == "Late fees Bcc: victim@example.net"


def test_a_message_over_the_limit_keeps_its_start_and_is_refused(settings, officer_gb):
    settings.INBOUND_EMAIL_MAX_BYTES = 100_000
    settings.INBOUND_EMAIL_KEEP_HEAD_BYTES = 4_096
    raw = message(files=[("big.pdf", b"%PDF-1.4\n" + b"0" * 300_000, "application", "pdf")])

    row = receive(raw)

    assert (row.status, row.size, row.truncated, row.raw_bytes()) == (
        InboundEmail.Status.REFUSED,
        len(raw),
        True,
        raw[:4_096],
    )
    assert row.sender == "officer1@example.org"
    assert "over the most accepted" in row.reason


def test_a_message_of_ten_thousand_parts_is_refused_and_the_sender_told(officer_gb):
    from portal.notifications.models import Email

    row = receive(CORPUS["ten_thousand_parts"][0])

    assert row.status == InboundEmail.Status.REFUSED
    assert "more than 100 parts" in row.reason
    assert Email.objects.get(key=f"mailin:{row.pk}:reply").address == officer_gb.email


def test_automatic_mail_creates_nothing_and_is_never_answered(officer_gb):
    from complaints.helpdesk.models import Query
    from portal.notifications.models import Email

    for name in ("auto_submitted", "precedence_bulk", "mailer_daemon_bounce", "empty_return_path"):
        receive(CORPUS[name][0])

    assert (Query.objects.count(), Email.objects.filter(kind="inbound").count()) == (0, 0)

"""Sending the queued emails: claimed in batches, one SMTP connection per batch.

Exactly once, with several senders at the same time and any of them killed at any moment:

* a sender claims a batch with one conditional ``UPDATE`` that tags the rows with its own
  ``claim`` (on PostgreSQL the candidates are read ``FOR UPDATE SKIP LOCKED``, so senders
  take different rows instead of queueing behind each other);
* each email is marked sent, still conditional on that claim, as soon as the server has
  accepted it, so a crash loses at most the one message in flight;
* a claim older than ``NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT`` is taken again by the next sender;
  so is an email the server refused for now (4xx), which waits that long before a retry,
  up to ``MAX_ATTEMPTS``; a permanent refusal (5xx) fails the email at once.
  A sender stops sending from a batch it has held for half that time and hands the rest
  back, so a live sender never sends from a claim that may have been taken over.

The one window that cannot be closed: a sender killed after the server accepted a message
and before the row was marked sent. The message is sent again after the claim goes stale,
with the same ``Message-ID`` (``<email-ID@domain>``), so it can be recognised as a duplicate.
"""

import datetime as dt
import logging
import smtplib
import time
import uuid
from dataclasses import dataclass
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr, formatdate, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from portal.housekeeping import update_in_batches
from portal.notifications.models import Email

log = logging.getLogger(__name__)

BATCH_SIZE = 100
SMTP_BYTES = compat32.clone(linesep="\r\n")
# A row claimed this many times and still not sent is left "failed" for staff to look into.
MAX_ATTEMPTS = 5


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    retry: int = 0


def claim_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=settings.NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT)


def send_pending(*, budget_seconds: float = 50, batch_size: int = BATCH_SIZE) -> SendResult:
    """Send what is waiting, batch after batch, until nothing is or ``budget_seconds`` pass."""
    result = SendResult()
    stop = time.monotonic() + budget_seconds
    while time.monotonic() < stop:
        batch = claim_emails(limit=batch_size)
        if not batch:
            break
        outcome = send_batch(batch)
        result.sent += outcome.sent
        result.failed += outcome.failed
        result.retry += outcome.retry
        if len(batch) < batch_size:
            break
    return result


def forget_sent_bodies(*, now: dt.datetime | None = None, batch: int = 1000) -> int:
    """Empty the text of emails sent more than ``EMAIL_KEEP_DAYS`` ago. The row stays (who
    was told what kind of thing, when, under which key), so an event that comes round again
    is still recognised and nobody is emailed twice; the words, which may carry personal
    details, go. The inbox keeps its notices for their owners."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.EMAIL_KEEP_DAYS)
    sent_long_ago = Email.objects.filter(state=Email.State.SENT, sent_at__lt=cutoff).exclude(
        body="", html=""
    )
    return update_in_batches(sent_long_ago, batch=batch, body="", html="")


def claim_emails(*, limit: int, now: dt.datetime | None = None) -> list[Email]:
    """Claim up to ``limit`` emails: pending ones first, then those whose sender died."""
    now = now or timezone.now()
    before = now - claim_timeout()
    token = uuid.uuid4()
    with transaction.atomic():
        # Claimed too often: something about the row itself fails; stop trying.
        Email.objects.stale(before).filter(attempts__gte=MAX_ATTEMPTS).update(
            state=Email.State.FAILED, claim=None
        )
        ready = Email.objects.ready().order_by("pk")
        stale = Email.objects.stale(before).order_by("claimed_at")
        ids = list(ready.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        if len(ids) < limit:
            ids += stale.select_for_update(skip_locked=True).values_list("pk", flat=True)[
                : limit - len(ids)
            ]
        if not ids:
            return []
        # The conditions repeat the selection: where rows are not locked (SQLite), or a row
        # changed since it was read, another sender's update matches nothing.
        Email.objects.filter(
            Q(state=Email.State.PENDING) | Q(state=Email.State.SENDING, claimed_at__lt=before),
            pk__in=ids,
        ).update(state=Email.State.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1)
    return list(Email.objects.filter(claim=token, state=Email.State.SENDING).order_by("pk"))


def send_batch(batch: list[Email]) -> SendResult:
    """Send a claimed batch over one connection, marking each email as the server takes it."""
    result = SendResult()
    if not batch:
        return result
    token = batch[0].claim
    # Half the timeout: well before another sender may take the claim over.
    give_up = time.monotonic() + claim_timeout().total_seconds() / 2
    connection = mailers.default
    deliver = SMTPSender(connection) if isinstance(connection, SMTPBackend) else None
    mark_sent = _marker(token)
    try:
        connection.open()
        for index, email in enumerate(batch):
            if time.monotonic() > give_up:
                release(batch[index:], token=token)
                result.retry += len(batch) - index
                break
            try:
                if deliver is not None and deliver.can_send(email):
                    deliver(email)
                else:
                    connection.send_messages([message(email)])
            except ValueError as error:
                # A row that would write a header of its own (a line break in a name,
                # which Django refuses with ValueError):
                # never sent, whatever happens to the rest of the batch.
                _failed(email, token=token, error=error, permanent=True, result=result)
            except smtplib.SMTPResponseException as error:
                permanent = 500 <= error.smtp_code < 600
                _failed(email, token=token, error=error, permanent=permanent, result=result)
            except smtplib.SMTPRecipientsRefused as error:
                codes = [code for code, _ in error.recipients.values()]
                permanent = all(500 <= code < 600 for code in codes)
                _failed(email, token=token, error=error, permanent=permanent, result=result)
            except (smtplib.SMTPException, OSError) as error:
                # The connection itself broke: this one is tried again, on a new connection.
                _failed(email, token=token, error=error, permanent=False, result=result)
                connection.close()
                connection.open()
            else:
                result.sent += mark_sent(email)
    except (smtplib.SMTPException, OSError):
        # No connection at all: everything not yet sent waits for the next sender.
        log.exception("Could not reach the mail server")
        result.retry += release(batch, token=token)
    finally:
        connection.close()
    return result


def release(emails: list[Email], *, token) -> int:
    """Hand claimed, unsent emails back to the next sender; nothing was tried, so the claim
    does not count as an attempt (a mail server down for a while fails nothing)."""
    return Email.objects.filter(
        pk__in=[email.pk for email in emails], claim=token, state=Email.State.SENDING
    ).update(state=Email.State.PENDING, claim=None, claimed_at=None, attempts=F("attempts") - 1)


def _failed(email: Email, *, token, error, permanent: bool, result: SendResult) -> None:
    # One address the server refuses must not hold up the rest of the batch.
    log.warning("Could not email %s to %s: %s", email.key, email.address, error)
    if permanent or email.attempts >= MAX_ATTEMPTS:
        Email.objects.filter(pk=email.pk, claim=token).update(
            state=Email.State.FAILED, claim=None, error=str(error)[:1000]
        )
        result.failed += 1
        return
    # A refusal for now (4xx): the row stays claimed without an owner, so it is tried
    # again once the claim is stale, not at once in a loop against a busy server.
    Email.objects.filter(pk=email.pk, claim=token).update(claim=None, error=str(error)[:1000])
    result.retry += 1


def _marker(token):
    """Mark one email sent, if the claim is still ours: a single statement, straight to the
    database (at results-day volumes the ORM's own work per row is most of its cost)."""
    table = connections["default"].ops.quote_name(Email._meta.db_table)
    claim = Email._meta.get_field("claim")
    sql = (
        f"UPDATE {table} SET state = %s, sent_at = %s, claim = NULL, error = '' "
        "WHERE id = %s AND claim = %s"
    )

    def mark(email: Email) -> int:
        connection = connections["default"]
        value = claim.get_db_prep_value(token, connection)
        with connection.cursor() as cursor:
            sent_at = connection.ops.adapt_datetimefield_value(timezone.now())
            cursor.execute(sql, [Email.State.SENT, sent_at, email.pk, value])
            return cursor.rowcount

    return mark


class SMTPSender:
    """Hands each email's bytes straight to the SMTP connection.

    Every recipient of one event gets the same subject and bodies, so those are rendered
    into MIME once per event; each email only adds its own To, Date and Message-ID. Building
    a MIME message for every one of 20,000 emails was most of a sender's time.
    """

    def __init__(self, backend: SMTPBackend):
        self.backend = backend
        self.shared: dict[tuple, bytes] = {}
        self.envelope_from = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]

    def can_send(self, email: Email) -> bool:
        # Addresses beyond ASCII (international domains, SMTPUTF8) take Django's own path;
        # so does anything with a line break, which Django refuses as a header injection.
        fields = (email.name, email.address, email.subject, *_header_lines(email))
        plain = not any("\r" in f or "\n" in f for f in fields)
        ascii_headers = all(line.isascii() for line in _header_lines(email))
        return plain and ascii_headers and email.address.isascii() and self.envelope_from.isascii()

    def __call__(self, email: Email) -> None:
        # Rows of one event share their content; the content is part of the key all the
        # same, so that a row written with other words is never sent another's.
        content = (email.key, email.subject, email.body, email.html)
        shared = self.shared.get(content)
        if shared is None:
            shared = self.shared[content] = _shared_part(email)
        to = formataddr((email.name, email.address), charset="utf-8")
        head = (
            f"To: {to}\r\nDate: {formatdate(usegmt=True)}\r\nMessage-ID: {message_id(email.pk)}\r\n"
            + "".join(f"{line}\r\n" for line in _header_lines(email))
        )
        self.backend.connection.sendmail(
            self.envelope_from, [email.address], head.encode() + shared
        )


def _header_lines(email: Email) -> list[str]:
    # Headers of one recipient's own (an unsubscribe link): ASCII, one line each; anything
    # else takes Django's path, which refuses a line break.
    return [f"{name}: {value}" for name, value in (email.headers or {}).items()]


def _shared_part(email: Email) -> bytes:
    """Subject, sender and bodies of an event's emails, as MIME bytes with CRLF line ends."""
    if email.html:
        mime = MIMEMultipart("alternative")
        mime.attach(MIMEText(email.body, "plain", "utf-8"))
        mime.attach(MIMEText(email.html, "html", "utf-8"))
    else:
        mime = MIMEText(email.body, "plain", "utf-8")
    subject = " ".join(email.subject.split())
    mime["Subject"] = Header(subject, "utf-8") if not subject.isascii() else subject
    mime["From"] = _from_header()
    return mime.as_bytes(policy=SMTP_BYTES)


def _from_header() -> str:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((name, address), charset="utf-8")


def message(email: Email) -> EmailMultiAlternatives:
    """The email as it goes out, with a ``Message-ID`` made from its row: the same message
    sent twice (the window after a crash) has the same identity."""
    mail = EmailMultiAlternatives(
        email.subject,
        email.body,
        to=[formataddr((email.name, email.address)) if email.name else email.address],
        headers={**(email.headers or {}), "Message-ID": message_id(email.pk)},
    )
    if email.html:
        mail.attach_alternative(email.html, "text/html")
    return mail


def message_id(pk: int) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "exams-portal"
    return f"<email-{pk}@{domain}>"

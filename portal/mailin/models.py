"""A message that came in by email, kept whole (its raw bytes) with what became of it."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class InboundEmailQuerySet(models.QuerySet["InboundEmail"]):
    def for_case(self, case: models.Model) -> "InboundEmailQuerySet":
        """The messages added to ``case`` or that opened it, oldest first."""
        return self.filter(
            case_type=ContentType.objects.get_for_model(case, for_concrete_model=False),
            case_id=case.pk,
            status__in=[InboundEmail.Status.ADDED, InboundEmail.Status.OPENED],
        ).order_by("received_at", "pk")


class InboundEmail(models.Model):
    """One message as the mail server handed it over, stored before it is read.

    ``raw`` holds the message's bytes exactly as received (only the first
    ``INBOUND_EMAIL_KEEP_HEAD_BYTES`` of one refused for its size: ``truncated``). What was
    read from it (sender, subject, text) is filled in by the processing that follows, and
    ``status`` with ``reason`` says what became of it, for staff to see in the admin. A
    message added to a case or that opened one points at it (``case_type``, ``case_id``):
    on a case type without correspondence of its own, this row is its "message by email".
    """

    class Status(models.TextChoices):
        RECEIVED = "received", "Stored, not yet processed"
        ADDED = "added", "Added to a case"
        OPENED = "opened", "Opened a case"
        ANSWERED = "answered", "Answered, no case (the sender was asked for more)"
        IGNORED = "ignored", "Kept, never answered (automatic, bulk or our own mail)"
        HELD = "held", "Held for review"
        REFUSED = "refused", "Refused (too large or too many parts)"
        FAILED = "failed", "Could not be read"

    class Source(models.TextChoices):
        PIPE = "pipe", "Mail server (receive_email)"
        IMAP = "imap", "IMAP mailbox"

    source = models.CharField(max_length=10, choices=Source, default=Source.PIPE)
    # Where a fetched message was found (mailbox, UIDVALIDITY and UID): unique, so that a
    # message fetched again after a crash before it was marked is not stored twice.
    source_key = models.CharField(max_length=400, null=True, blank=True, unique=True)
    received_at = models.DateTimeField(default=timezone.now)
    raw = models.BinaryField(help_text="The message's bytes as received.")
    size = models.PositiveBigIntegerField(help_text="Bytes received (all of them).")
    truncated = models.BooleanField(
        default=False, help_text="Only the start of the message is kept (it was refused)."
    )
    sha256 = models.CharField(max_length=64)

    status = models.CharField(max_length=10, choices=Status, default=Status.RECEIVED)
    reason = models.TextField(blank=True, help_text="What became of it, and why.")
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    sender = models.CharField(max_length=254, blank=True, help_text="From, as written.")
    sender_name = models.CharField(max_length=200, blank=True)
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The account whose address on record the message came from.",
    )
    subject = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    references = models.TextField(blank=True, help_text="The thread's earlier message ids.")
    body = models.TextField(blank=True, help_text="The message's text, as read.")
    attachments = models.JSONField(
        default=list, blank=True, help_text="Each attached file: name, size, what became of it."
    )

    case_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_id = models.PositiveBigIntegerField(null=True, blank=True)
    case_reference = models.CharField(max_length=40, blank=True, db_index=True)

    objects = InboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = "email in"
        verbose_name_plural = "emails in"
        indexes = [
            # A burst from one address is counted over the last hour through this index.
            models.Index(fields=["sender", "received_at"], name="inbound_sender_recent"),
            models.Index(fields=["status", "received_at"], name="inbound_status_recent"),
            models.Index(fields=["case_type", "case_id"], name="inbound_case"),
            # A copy delivered again (a mail server retrying) is found by its Message-ID.
            models.Index(fields=["message_id"], name="inbound_message_id"),
        ]

    def __str__(self) -> str:
        return f"{self.sender or '(no sender)'}: {self.subject or '(no subject)'}"

    def raw_bytes(self) -> bytes:
        return bytes(self.raw or b"")

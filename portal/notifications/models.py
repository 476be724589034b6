from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from portal.notifications.kinds import BREACH, REMINDER, kind_label


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A notice in one person's portal inbox: a reminder, a missed deadline, a step of a case.

    ``key`` names the event the notice comes from (e.g. ``complaint:42:acknowledged``); it is
    unique per user, so a sender that retries after a crash adds nothing the second time.
    ``kind`` is one of the registered kinds (``portal.notifications.kinds``), not a database
    choice: an app adds its kinds without a migration here.
    """

    class Kind:
        REMINDER = REMINDER
        BREACH = BREACH

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    reference = models.CharField(max_length=40, blank=True, help_text="The case's reference.")
    code = models.CharField(max_length=60, blank=True, help_text="The service level's code.")
    url = models.CharField(max_length=300, blank=True, help_text="Where the case is.")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When an email of this notice was queued, if one was."
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_unique_user_key")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            # The staff list, newest first and by how recent, over millions of notices: in
            # the list's whole order (a notice to thousands at one instant ties on the time,
            # and an index of the time alone left each page to sort all the ties).
            models.Index(fields=["created_at", "id"], name="notification_created_id"),
        ]

    def __str__(self):
        return f"{self.kind_label}: {self.reference} {self.code}".strip()

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


class EmailQuerySet(models.QuerySet):
    def ready(self):
        # Served by the partial index email_pending: sent ones are not in it.
        return self.filter(state=Email.State.PENDING)

    def stale(self, before):
        return self.filter(state=Email.State.SENDING, claimed_at__lt=before)


class Email(models.Model):
    """One email of one event to one address, sent exactly once (with one window, below).

    Written in the same transaction as the event, so an email is never lost to a broker
    that was down: a sender claims pending rows (``SKIP LOCKED`` on PostgreSQL, and a
    conditional update tagged with its own ``claim``), sends them over one SMTP connection
    and marks each sent the moment the server accepts it. A sender that dies leaves its
    claim to go stale, and another takes the rows again. The window that remains: a
    sender killed after the server accepted a message and before the row was marked sent;
    that message goes out a second time with the same ``Message-ID`` (``<email-ID@domain>``),
    so mail systems and people can tell it is a duplicate.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=120, help_text="The event, as in the inbox.")
    kind = models.CharField(max_length=40)
    address = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for someone without an account.",
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(
        default=dict, blank=True, help_text="Headers of this email's own, e.g. List-Unsubscribe."
    )
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    created_at = models.DateTimeField()
    claim = models.UUIDField(null=True, blank=True, help_text="The sender holding it.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why the last attempt failed.")

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Key first: notify looks up the emails of an event by its key through this index.
            models.UniqueConstraint("key", Lower("address"), name="email_unique_key_address")
        ]
        indexes = [
            models.Index(fields=["id"], condition=Q(state="pending"), name="email_pending"),
            models.Index(fields=["claimed_at"], condition=Q(state="sending"), name="email_sending"),
            models.Index(fields=["created_at"], name="email_created"),
        ]

    def __str__(self):
        return f"{self.key} to {self.address} ({self.state})"


class EmailOptOut(models.Model):
    """A kind of notice someone chose not to receive by email (the inbox still gets it).

    Choices are kept as opt-outs so that every kind an app adds later comes by email until
    the person says otherwise.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    kind = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_unique_user_kind")
        ]

    def __str__(self):
        return f"{self.user}: no email for {self.kind}"

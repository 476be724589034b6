"""Mailings to every exams officer, written by staff and sent on a month's first working day.

The customer commitment: "an eNewsletter sent out on the first working day of each month"
(measured by ``newsletter.monthly``), and "timetables and a guide to making entries which
are despatched in March and October each year". Each issue is one row per kind and month;
staff write it in the admin, mark it ready, and the beat sends it once.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

NEWSLETTER_MONTHLY = "newsletter.monthly"
BODY_MAX = 20_000


class Kind(models.TextChoices):
    NEWSLETTER = "newsletter", "Monthly newsletter"
    TIMETABLES = "timetables", "Timetables and the guide to making entries"


# The months each kind goes out in, on the month's first working day.
SCHEDULE: dict[str, tuple[int, ...]] = {
    Kind.NEWSLETTER: tuple(range(1, 13)),
    Kind.TIMETABLES: (3, 10),
}
# How a notice names an issue: "Newsletter Dec 2026".
NAMES: dict[str, str] = {Kind.NEWSLETTER: "Newsletter", Kind.TIMETABLES: "Timetables"}
# The charter's promise each kind is measured against, where the charter makes one.
PROMISES: dict[str, str] = {Kind.NEWSLETTER: NEWSLETTER_MONTHLY}


class MailingQuerySet(models.QuerySet):
    def ready_to_send(self):
        return self.filter(status=Mailing.Status.READY, sent_at__isnull=True)


class Mailing(models.Model):
    """One issue of a mailing: the newsletter of a month, or a term's timetables."""

    # The charter's newsletter.monthly runs on the month's issue (portal/sla/subjects.py).
    CARRIES_CLOCKS = True

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        READY = "ready", "Ready to send"
        SENT = "sent", "Sent"

    kind = models.CharField(max_length=20, choices=Kind, default=Kind.NEWSLETTER)
    month = models.DateField(help_text="The month it goes out in (any day of it).")
    title = models.CharField(max_length=200)
    body = models.TextField(
        max_length=BODY_MAX, blank=True, help_text="Plain text; blank lines separate paragraphs."
    )
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text="Only an issue ready to send goes out, on the first working day of its month "
        "(or at once, if that day has come).",
    )
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    recipients = models.PositiveIntegerField(
        default=0, editable=False, help_text="Exams officers it went to."
    )

    objects = MailingQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "month"], name="mailing_one_per_kind_and_month")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.month:%B %Y}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("admin:mailings_mailing_change", args=[self.pk])

    def clean(self):
        if self.month:
            self.month = self.month.replace(day=1)
            if self.month.month not in SCHEDULE[self.kind]:
                months = ", ".join(f"{dt.date(2000, m, 1):%B}" for m in SCHEDULE[self.kind])
                raise ValidationError({"month": f"This mailing goes out in {months} only."})
        if self.status != self.Status.DRAFT and not self.body.strip():
            raise ValidationError({"body": "Write the issue before marking it ready."})

    @property
    def reference(self) -> str:
        return f"{NAMES[self.kind]} {self.month:%b %Y}"

    @property
    def centre(self):
        return None  # the awarding body's own promise: the team that writes it is told

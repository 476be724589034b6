from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditEvent(models.Model):
    """One row for every change of a case or a rule: who, when, what, from, to.

    Rows are only ever added. ``data`` holds what changed (e.g. ``{"from": "received",
    "to": "acknowledged"}`` or the old and new values of a rule).
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the portal itself acted (a sweep, a task).",
    )
    action = models.CharField(max_length=60)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    summary = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.summary}"


class ReferenceSequence(models.Model):
    """The last number handed out for a reference prefix in a year (CMP-2026-000042)."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="reference_unique_prefix_year")
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"


class Heartbeat(models.Model):
    """When a periodic job last ran, and how long it took: beat's heartbeat (run by a
    worker, so it proves beat, the broker and a worker alive) and the sweep of the clocks."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()
    duration_seconds = models.FloatField(default=0)
    detail = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def record(cls, name: str, *, duration_seconds: float = 0, detail: dict | None = None):
        from django.utils import timezone

        cls.objects.update_or_create(
            name=name,
            defaults={
                "at": timezone.now(),
                "duration_seconds": duration_seconds,
                "detail": detail or {},
            },
        )

from django.db import models
from django.db.models import Q
from django.utils import timezone

PENDING = Q(ran_at__isnull=True, failed_at__isnull=True)


class QueuedTaskQuerySet(models.QuerySet):
    def pending(self):
        """Neither run nor given up."""
        return self.filter(PENDING)

    def due(self, now):
        """Pending rows the relay should publish now: never published, or published so long
        ago that the message must have been lost, or waiting to try again after a failure."""
        return self.pending().filter(due_at__lte=now)


class QueuedTask(models.Model):
    """A Celery task to run once the change that queued it has committed."""

    task = models.CharField(max_length=200, help_text="The Celery task's registered name.")
    kwargs = models.JSONField(default=dict, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(
        help_text="When the relay publishes it (again) if it has not run by then."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    ran_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was given up after its last attempt failed."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    request_id = models.CharField(
        max_length=64, blank=True, help_text="The request that queued it, for its log lines."
    )

    objects = QueuedTaskQuerySet.as_manager()

    class Meta:
        ordering = ["queued_at", "pk"]
        indexes = [
            # The relay reads only the pending rows: what ran or was given up never enters
            # this index, however large the table grows.
            models.Index(fields=["due_at"], condition=PENDING, name="outbox_pending_due"),
            # The staff list's order and its "how recent" filter.
            models.Index(fields=["queued_at"], name="outbox_queued"),
        ]

    def __str__(self):
        return f"{self.task}({self.kwargs}) queued {self.queued_at:%Y-%m-%d %H:%M:%S}"

    @property
    def state(self) -> str:
        if self.ran_at:
            return "ran"
        if self.failed_at:
            return "failed"
        return "published" if self.published_at else "queued"

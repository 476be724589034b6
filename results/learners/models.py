"""A learner's access to their own results, given by their centre."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.permissions import CentreScopedQuerySet


class LearnerAccountQuerySet(CentreScopedQuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class LearnerAccount(models.Model):
    """A candidate's sign-in, issued by their centre. It belongs to the candidate's unique
    candidate identifier (UCI) at that centre, so the learner sees the results of every
    series they sat there under it, and nothing else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_account"
    )
    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.PROTECT, related_name="learner_accounts"
    )
    uci = models.CharField("unique candidate identifier", max_length=13)
    email = models.EmailField()
    # The language the portal writes to the learner in (the invitation), as the centre chose.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en-gb")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = LearnerAccountQuerySet.as_manager()

    class Meta:
        ordering = ["centre", "uci"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "uci"], name="learner_once_per_centre_uci")
        ]
        indexes = [
            # A centre's accounts in use, in the order they were given: a page of the API's
            # list is read from here, never by sorting all the centre's accounts.
            models.Index(
                fields=["centre", "id"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="learner_centre_active",
            ),
            # The same, newest first, as the centre's page lists them.
            models.Index(
                fields=["centre", "-created_at", "-id"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="learner_centre_newest",
            ),
        ]

    def __str__(self):
        return f"{self.uci} at {self.centre_id}"

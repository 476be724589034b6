"""Enquiries about results: a centre asks for a service on one released result (a clerical
re-check, a review of marking …); staff acknowledge it and send the outcome, which confirms
the grade or changes it. A changed grade updates the result and waives the fee. The outcome
may be appealed (the route the complaints procedure names), once.
"""

from django.conf import settings
from django.db import models

from portal.cases.models import Case, CaseQuerySet
from portal.workflow import Moves, move

# Service levels of the customer commitment (portal.sla).
EAR_ACKNOWLEDGE = "ear.acknowledge"
EAR_OUTCOME = "ear.outcome"

CHANGE_ENQUIRY = "enquiries.change_enquiry"


class Service(models.TextChoices):
    CLERICAL_RECHECK = "clerical_recheck", "Clerical re-check"
    REVIEW_OF_MARKING = "review_of_marking", "Review of marking"
    PRIORITY_REVIEW = "priority_review", "Priority review of marking"
    REVIEW_OF_MODERATION = "review_of_moderation", "Review of moderation"
    ACCESS_TO_SCRIPT = "access_to_script", "Access to script"


class ServiceTerms(models.Model):
    """The fee of one service in one series, and the last moment to ask for it: kept by the
    results team in the staff area."""

    series = models.ForeignKey("entries.Series", on_delete=models.CASCADE, related_name="+")
    service = models.CharField(max_length=30, choices=Service)
    fee = models.DecimalField(max_digits=8, decimal_places=2, help_text="Per syllabus.")
    currency = models.CharField(max_length=3, default="GBP")
    closes_at = models.DateTimeField(help_text="The last moment a centre may ask for it.")

    class Meta:
        verbose_name = "enquiry service terms"
        verbose_name_plural = "enquiry service terms"
        ordering = ["series", "service"]
        constraints = [
            models.UniqueConstraint(fields=["series", "service"], name="ear_terms_once"),
            models.CheckConstraint(condition=models.Q(fee__gte=0), name="ear_fee_not_negative"),
        ]

    def __str__(self):
        return f"{self.series_id} {self.get_service_display()}: {self.currency} {self.fee}"


class Enquiry(Case):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        CONFIRMED = "confirmed", "Grade confirmed"
        CHANGED = "changed", "Grade changed"
        APPEALED = "appealed", "Outcome appealed"
        APPEAL_DECIDED = "appeal_decided", "Appeal decided"

    MOVES = Moves(
        [
            move(
                "acknowledge",
                sources=[Status.RECEIVED],
                to=Status.ACKNOWLEDGED,
                permission=CHANGE_ENQUIRY,
            ),
            # The outcome either confirms the grade or changes it; sent straight away, it
            # confirms receipt too.
            move(
                "outcome",
                sources=[Status.RECEIVED, Status.ACKNOWLEDGED],
                to=Status.CONFIRMED,
                permission=CHANGE_ENQUIRY,
                label="Send the outcome",
            ),
            move(
                "outcome",
                sources=[Status.RECEIVED, Status.ACKNOWLEDGED],
                to=Status.CHANGED,
                permission=CHANGE_ENQUIRY,
                label="Send the outcome",
            ),
            # The complaints procedure: the outcome is open to the Handbook's appeals
            # process, the only escalation route for concerns about results.
            move(
                "appeal",
                sources=[Status.CONFIRMED, Status.CHANGED],
                to=Status.APPEALED,
                centre=True,
                label="Appeal the outcome",
            ),
            move(
                "decide-appeal",
                sources=[Status.APPEALED],
                to=Status.APPEAL_DECIDED,
                permission=CHANGE_ENQUIRY,
                label="Decide the appeal",
            ),
        ]
    )
    OPEN_STATUSES = [Status.RECEIVED, Status.ACKNOWLEDGED, Status.APPEALED]
    REFERENCE_PREFIX = "EAR"

    status = models.CharField(max_length=20, choices=Status, default=Status.RECEIVED)
    series = models.ForeignKey("entries.Series", on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey("entries.Candidate", on_delete=models.PROTECT, related_name="+")
    syllabus = models.ForeignKey("entries.Syllabus", on_delete=models.PROTECT, related_name="+")
    result = models.ForeignKey("results.Result", on_delete=models.PROTECT, related_name="enquiries")
    service = models.CharField(max_length=30, choices=Service)
    fee = models.DecimalField(max_digits=8, decimal_places=2)
    currency = models.CharField(max_length=3, default="GBP")
    fee_waived = models.BooleanField(default=False)
    grade_before = models.CharField(max_length=2)
    grade_after = models.CharField(max_length=2, blank=True)
    outcome_note = models.TextField(blank=True, help_text="What the centre is told.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_grounds = models.TextField(blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    appeal_note = models.TextField(blank=True, help_text="The appeal's decision and reasons.")
    appeal_decided_at = models.DateTimeField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta(Case.Meta):
        verbose_name_plural = "enquiries"
        ordering = ["-created_at"]
        indexes = [*Case.Meta.indexes, models.Index(fields=["status", "centre"])]

    def __str__(self):
        return f"{self.reference} {self.syllabus.code} {self.get_service_display()}"

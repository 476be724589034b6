"""Access arrangements, special consideration and the appeals against their outcomes.

Three case types on the kit (``portal/cases``): an ``AccessArrangement`` a centre applies for
before the exams (some it grants itself, the others wait for the awarding body's approval),
a ``SpecialConsideration`` it applies for after a candidate was disadvantaged, and an
``Appeal`` against the outcome of either, in at most two stages.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from portal.cases.models import Case, CaseQuerySet, Decided
from portal.uploads.models import AttachmentsRelation
from portal.workflow import Moves, move

# Service levels of the customer commitment (portal.sla).
AA_ACKNOWLEDGE = "aa.acknowledge"
SC_PROCESS = "sc.process"
APPEAL_OUTCOME = "appeal.outcome"

CHANGE_AA = "arrangements.change_accessarrangement"
CHANGE_SC = "arrangements.change_specialconsideration"
DECIDE_APPEAL = "arrangements.decide_appeal"
# The outcome an upheld appeal gives a case is applied by the portal itself (``by=None``) on
# the appeal's authority: no role holds this, so nobody is offered it as a move of their own.
REVISE_ON_APPEAL = "arrangements.revise_on_appeal"


class Arrangement(models.TextChoices):
    EXTRA_TIME_25 = "extra_time_25", "Extra time of up to 25%"
    WORD_PROCESSOR = "word_processor", "A word processor"
    REST_BREAKS = "rest_breaks", "Supervised rest breaks"
    READER = "reader", "A reader"
    SCRIBE = "scribe", "A scribe"
    PRACTICAL_ASSISTANT = "practical_assistant", "A practical assistant"
    EXTRA_TIME_OVER_25 = "extra_time_over_25", "Extra time of more than 25%"
    MODIFIED_PAPER = "modified_paper", "A modified question paper"


# What a centre grants itself, on its own evidence: approved at once, with no clock.
SELF_GRANTED = frozenset(
    {Arrangement.EXTRA_TIME_25, Arrangement.WORD_PROCESSOR, Arrangement.REST_BREAKS}
)


class AccessArrangement(Case, Decided):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    MOVES = Moves(
        [
            move(
                "acknowledge",
                sources=[Status.RECEIVED],
                to=Status.ACKNOWLEDGED,
                permission=CHANGE_AA,
            ),
            # A decision made straight away acknowledges the application too.
            move(
                "approve",
                sources=[Status.RECEIVED, Status.ACKNOWLEDGED],
                to=Status.APPROVED,
                permission=CHANGE_AA,
            ),
            move(
                "decline",
                sources=[Status.RECEIVED, Status.ACKNOWLEDGED],
                to=Status.DECLINED,
                permission=CHANGE_AA,
            ),
            # Lodging an appeal keeps the outcome until the appeal is decided.
            move("appeal", sources=[Status.DECLINED], centre=True, label="Appeal the outcome"),
            # An appeal upheld changes the outcome.
            move(
                "revise",
                sources=[Status.DECLINED],
                to=Status.APPROVED,
                permission=REVISE_ON_APPEAL,
                label="Approve on appeal",
            ),
        ]
    )
    OPEN_STATUSES = [Status.RECEIVED, Status.ACKNOWLEDGED]
    REFERENCE_PREFIX = "AA"

    status = models.CharField(max_length=20, choices=Status, default=Status.RECEIVED)
    series = models.ForeignKey(
        "entries.Series", on_delete=models.PROTECT, related_name="access_arrangements"
    )
    candidate = models.ForeignKey(
        "entries.Candidate", on_delete=models.PROTECT, related_name="access_arrangements"
    )
    arrangement = models.CharField(max_length=30, choices=Arrangement)
    reason = models.TextField(help_text="The candidate's needs and the evidence the centre holds.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_arrangements_submitted",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # The evidence the centre sent with its application (entries.arrangements.policies).
    files = AttachmentsRelation()

    objects = CaseQuerySet.as_manager()

    class Meta(Case.Meta):
        ordering = ["-created_at"]
        indexes = [*Case.Meta.indexes, models.Index(fields=["status", "centre"])]

    def __str__(self):
        return f"{self.reference} {self.get_arrangement_display()}"

    def get_absolute_url(self):
        return reverse("arrangements:access:detail", args=[self.reference])

    @property
    def self_granted(self) -> bool:
        return self.arrangement in SELF_GRANTED


class Category(models.TextChoices):
    PRESENT_DISADVANTAGED = "present_disadvantaged", "Present but disadvantaged"
    ABSENT = "absent", "Absent, with at least half of the assessment completed"
    COURSEWORK_SHORTFALL = "coursework_shortfall", "Shortfall in coursework"
    COURSEWORK_LOST = "coursework_lost", "Coursework lost or damaged"


class SpecialConsideration(Case, Decided):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        GRANTED = "granted", "Granted"
        NOT_GRANTED = "not_granted", "Not granted"

    MOVES = Moves(
        [
            move("grant", sources=[Status.RECEIVED], to=Status.GRANTED, permission=CHANGE_SC),
            move(
                "decline",
                sources=[Status.RECEIVED],
                to=Status.NOT_GRANTED,
                permission=CHANGE_SC,
                label="Do not grant",
            ),
            # A granted adjustment may be appealed too (as too small).
            move(
                "appeal",
                sources=[Status.GRANTED, Status.NOT_GRANTED],
                centre=True,
                label="Appeal the outcome",
            ),
            move(
                "revise",
                sources=[Status.NOT_GRANTED],
                to=Status.GRANTED,
                permission=REVISE_ON_APPEAL,
                label="Grant on appeal",
            ),
            move(
                "revise",
                sources=[Status.GRANTED],
                permission=REVISE_ON_APPEAL,
                label="Change the adjustment on appeal",
            ),
        ]
    )
    OPEN_STATUSES = [Status.RECEIVED]
    REFERENCE_PREFIX = "SC"

    status = models.CharField(max_length=20, choices=Status, default=Status.RECEIVED)
    series = models.ForeignKey(
        "entries.Series", on_delete=models.PROTECT, related_name="special_considerations"
    )
    candidate = models.ForeignKey(
        "entries.Candidate", on_delete=models.PROTECT, related_name="special_considerations"
    )
    syllabus = models.ForeignKey(
        "entries.Syllabus", on_delete=models.PROTECT, related_name="special_considerations"
    )
    category = models.CharField(
        max_length=30, choices=Category, default=Category.PRESENT_DISADVANTAGED
    )
    reason = models.TextField(help_text="What happened, when, and how it affected the candidate.")
    half_completed = models.BooleanField(
        default=False,
        help_text="For an absence: the candidate completed at least half of the assessment.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="special_considerations_submitted",
    )
    adjustment_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="The adjustment granted, as a percentage of the syllabus's maximum mark.",
    )
    # The evidence the centre sent with its application (entries.arrangements.policies).
    files = AttachmentsRelation()

    objects = CaseQuerySet.as_manager()

    class Meta(Case.Meta):
        ordering = ["-created_at"]
        indexes = [*Case.Meta.indexes, models.Index(fields=["status", "centre"])]

    def __str__(self):
        return f"{self.reference} {self.syllabus.code} {self.get_category_display()}"

    def get_absolute_url(self):
        return reverse("arrangements:consideration:detail", args=[self.reference])


class Appeal(Case):
    """An appeal against a decided access arrangement or special consideration: stage 1,
    then (within 14 days of its outcome) stage 2; each decided by staff who took no part in
    the decision appealed against nor in an earlier stage."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        UPHELD = "upheld", "Upheld"
        NOT_UPHELD = "not_upheld", "Not upheld"

    MOVES = Moves(
        [
            move("uphold", sources=[Status.RECEIVED], to=Status.UPHELD, permission=DECIDE_APPEAL),
            move(
                "dismiss",
                sources=[Status.RECEIVED],
                to=Status.NOT_UPHELD,
                permission=DECIDE_APPEAL,
                label="Do not uphold",
            ),
        ]
    )
    OPEN_STATUSES = [Status.RECEIVED]
    REFERENCE_PREFIX = "APL"

    status = models.CharField(max_length=20, choices=Status, default=Status.RECEIVED)
    # Exactly one of the two: the case whose outcome is appealed.
    access_arrangement = models.ForeignKey(
        AccessArrangement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    special_consideration = models.ForeignKey(
        SpecialConsideration,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    stage = models.PositiveSmallIntegerField(choices=[(1, "Stage 1"), (2, "Stage 2")])
    grounds = models.TextField(help_text="Why the centre thinks the outcome is wrong.")
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals_lodged",
    )
    outcome = models.TextField(blank=True, help_text="The decision and its reasons.")
    adjustment_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="For special consideration upheld: the adjustment now granted.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals_decided",
    )

    objects = CaseQuerySet.as_manager()

    class Meta(Case.Meta):
        ordering = ["-created_at"]
        permissions = [("decide_appeal", "Can decide an appeal")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(access_arrangement__isnull=True)
                ^ models.Q(special_consideration__isnull=True),
                name="appeal_against_one_case",
            ),
            models.UniqueConstraint(
                fields=["access_arrangement", "stage"], name="appeal_aa_stage_once"
            ),
            models.UniqueConstraint(
                fields=["special_consideration", "stage"], name="appeal_sc_stage_once"
            ),
        ]

    def __str__(self):
        return f"{self.reference} stage {self.stage} against {self.original.reference}"

    def get_absolute_url(self):
        return reverse("arrangements:appeal:detail", args=[self.reference])

    @property
    def original(self):
        """The access arrangement or special consideration appealed against."""
        return self.access_arrangement or self.special_consideration

    @property
    def series(self):
        return self.original.series

"""Centre applications: a school's case to become a centre, its rounds of self-assessment
against the registration quality standards, and the fee of each country.

Imported by ``centres.registration.models``, so that these models live in the app's one models
module while their code stays in a block of its own.
"""

import zoneinfo
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse

from portal.cases.models import Case, CaseQuerySet
from portal.centres.programmes import Programme
from portal.workflow import Moves, move
from portal.zones import validate_time_zone

CHANGE = "registration.change_centreapplication"
VISIT = "approval.visit"
COMMENT_MAX = 5000
COUNTRIES_FILE = Path(__file__).parent / "data" / "countries.txt"


@cache
def countries() -> dict[str, tuple[str, tuple[str, ...]]]:
    """``{code: (name, time zones)}`` for every country (ISO 3166, from the tz database)."""
    found = {}
    for line in COUNTRIES_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, name, zones = line.split("\t")
        found[code] = (name, tuple(zones.split()))
    return found


def country_choices() -> list[tuple[str, str]]:
    return sorted(((code, name) for code, (name, _) in countries().items()), key=lambda c: c[1])


def country_name(code: str) -> str:
    return countries().get(code, (code, ()))[0]


def validate_country(value: str) -> None:
    if value not in countries():
        raise ValidationError("Choose a country from the list.")


def validate_programmes(value) -> None:
    if (
        not isinstance(value, list)
        or not value
        or any(p not in Programme.values for p in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError("Choose at least one programme from the list.")


class VisitMode(models.TextChoices):
    REMOTE = "remote", "Remote (by video call)"
    ON_SITE = "on_site", "On site (a visitor comes to the school)"


class Judgement(models.TextChoices):
    MET = "met", "Met"
    IMPROVEMENT_NEEDED = "improvement_needed", "Improvement needed"


class CentreApplication(Case):
    """A school's application to become a centre (reference ``APP-…``).

    It belongs to its applicant (``OWNER_FIELD``) until it is approved; then to the new
    centre, whose exams officer the applicant becomes. The school's answers are kept per
    round (``ApplicationRound``): the first submission is round 1, each resubmission after
    improvements the next.
    """

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Email address not confirmed yet"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        VISIT_SCHEDULED = "visit_scheduled", "Visit scheduled"
        IMPROVEMENTS_NEEDED = "improvements_needed", "Improvements needed"
        RESUBMITTED = "resubmitted", "Resubmitted"
        APPROVED = "approved", "Approved"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # The life cycle. The applicant (owner) fills in and submits; the registration team
    # visits, judges each standard and decides. A resubmission may be decided without a
    # second visit, or visited again.
    MOVES = Moves(
        [
            move("confirm", sources=[Status.UNCONFIRMED], to=Status.IN_PROGRESS, owner=True),
            move(
                "edit",
                sources=[Status.IN_PROGRESS, Status.IMPROVEMENTS_NEEDED],
                owner=True,
                label="Change the application",
            ),
            move(
                "submit",
                sources=[Status.IN_PROGRESS],
                to=Status.SUBMITTED,
                owner=True,
                label="Submit the application",
            ),
            move(
                "resubmit",
                sources=[Status.IMPROVEMENTS_NEEDED],
                to=Status.RESUBMITTED,
                owner=True,
                label="Resubmit the application",
            ),
            move(
                "schedule-visit",
                sources=[Status.SUBMITTED, Status.RESUBMITTED],
                to=Status.VISIT_SCHEDULED,
                permission=CHANGE,
                label="Schedule the approval visit",
            ),
            # Rescheduling keeps the status.
            move(
                "schedule-visit",
                sources=[Status.VISIT_SCHEDULED],
                permission=CHANGE,
                label="Schedule the approval visit",
            ),
            move(
                "judge",
                sources=[Status.VISIT_SCHEDULED, Status.RESUBMITTED],
                permission=CHANGE,
                label="Judge each standard",
            ),
            move(
                "request-improvements",
                sources=[Status.VISIT_SCHEDULED, Status.RESUBMITTED],
                to=Status.IMPROVEMENTS_NEEDED,
                permission=CHANGE,
                label="Ask for improvements",
            ),
            move(
                "approve",
                sources=[Status.VISIT_SCHEDULED, Status.RESUBMITTED],
                to=Status.APPROVED,
                permission=CHANGE,
                label="Approve: make the school a centre",
            ),
            move(
                "withdraw",
                sources=[
                    Status.IN_PROGRESS,
                    Status.SUBMITTED,
                    Status.VISIT_SCHEDULED,
                    Status.IMPROVEMENTS_NEEDED,
                    Status.RESUBMITTED,
                ],
                to=Status.WITHDRAWN,
                owner=True,
                permission=CHANGE,
                label="Withdraw the application",
            ),
        ]
    )
    OPEN_STATUSES = [
        Status.IN_PROGRESS,
        Status.SUBMITTED,
        Status.VISIT_SCHEDULED,
        Status.IMPROVEMENTS_NEEDED,
        Status.RESUBMITTED,
    ]
    REFERENCE_PREFIX = "APP"
    OWNER_FIELD = "applicant"

    status = models.CharField(max_length=30, choices=Status, default=Status.UNCONFIRMED)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="centre_applications"
    )

    # Registering interest.
    school_name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, validators=[validate_country])
    timezone = models.CharField(max_length=64, validators=[validate_time_zone])
    contact_name = models.CharField(max_length=200)
    contact_role = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    teaches_online = models.BooleanField(
        help_text="An online school is assessed against every standard, the online "
        "provision among them."
    )
    programmes = models.JSONField(default=list, validators=[validate_programmes])

    # About the school (the first step of the application).
    address = models.TextField(blank=True)
    website = models.URLField(blank=True)
    principal_name = models.CharField(max_length=200, blank=True)
    student_count = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    age_range = models.CharField(
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{1,2}\s*[-–]\s*[0-9]{1,2}$", "Ages such as 11–18.")],
    )

    # Kept at submission: what the school was told it would pay.
    fee_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    fee_currency = models.CharField(max_length=3, blank=True)

    # The approval visit.
    visit_date = models.DateField(null=True, blank=True)
    visit_mode = models.CharField(max_length=10, choices=VisitMode, blank=True)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="centre_visits",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    INTEREST_FIELDS = [
        "school_name",
        "country",
        "timezone",
        "contact_name",
        "contact_role",
        "contact_email",
        "contact_phone",
        "teaches_online",
        "programmes",
    ]
    SCHOOL_FIELDS = ["address", "website", "principal_name", "student_count", "age_range"]
    REQUIRED_SCHOOL_FIELDS = ["address", "principal_name", "student_count", "age_range"]

    class Meta(Case.Meta):
        ordering = ["-created_at"]
        verbose_name = "centre application"
        indexes = [*Case.Meta.indexes, models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.reference} {self.school_name}"

    def get_absolute_url(self):
        return reverse("join:detail", args=[self.reference])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    def get_programmes_display(self) -> list[str]:
        return [Programme(p).label for p in self.programmes if p in Programme.values]

    @property
    def school_details_missing(self) -> list[str]:
        return [f for f in self.REQUIRED_SCHOOL_FIELDS if getattr(self, f) in ("", None)]

    def current_round(self) -> "ApplicationRound | None":
        return self.rounds.order_by("-number").first()


class ApplicationRound(models.Model):
    """One submission of the application and what came of it: round 1, then a round for
    each resubmission after improvements. Every round is kept and shown."""

    class Outcome(models.TextChoices):
        IMPROVEMENTS_NEEDED = "improvements_needed", "Improvements needed"
        APPROVED = "approved", "Approved"

    application = models.ForeignKey(
        CentreApplication, on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    standard_set = models.ForeignKey(
        "registration.StandardSet", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome, blank=True)
    outcome_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="registration_round_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.application.reference} round {self.number}"


class SelfAssessment(models.Model):
    """The school's assessment of itself against one standard in one round, and the
    registration team's judgement of it.

    ``code``, ``area`` and ``text`` are copied from the standard when the assessment is
    made: a later correction of the standard never rewrites what the school was judged on.
    """

    round = models.ForeignKey(
        ApplicationRound, on_delete=models.CASCADE, related_name="assessments"
    )
    standard = models.ForeignKey(
        "registration.QualityStandard", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(max_length=8)
    area = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    comment = models.TextField(blank=True, max_length=5000)
    files = models.ManyToManyField("uploads.Attachment", blank=True, related_name="+")
    judgement = models.CharField(max_length=30, choices=Judgement, blank=True)
    improvement = models.TextField(
        blank=True, max_length=5000, help_text="What the school must do to meet the standard."
    )
    judged_at = models.DateTimeField(null=True, blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["round", "area", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "code"], name="registration_assessment_code_unique"
            )
        ]

    def __str__(self):
        return f"{self.round} {self.code}"


class FeeQuerySet(models.QuerySet):
    def for_country(self, country: str) -> "ApplicationFee | None":
        """The fee of ``country``, else the default (the row without a country)."""
        return (
            self.filter(models.Q(country=country) | models.Q(country=""))
            .order_by(models.F("country").desc())
            .first()
        )


class ApplicationFee(models.Model):
    """What a school pays to become a centre, per country; the row without a country is the
    fee of every country not listed. Kept by the registration team."""

    country = models.CharField(
        max_length=2,
        blank=True,
        unique=True,
        validators=[validate_country],
        help_text="Blank for the default fee of every country not listed.",
    )
    currency = models.CharField(
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Three capital letters, e.g. GBP.")],
    )
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    objects = FeeQuerySet.as_manager()

    class Meta:
        ordering = ["country"]
        verbose_name = "application fee"

    def __str__(self):
        where = country_name(self.country) if self.country else "Default"
        return f"{where}: {self.currency} {self.amount:,.2f}"

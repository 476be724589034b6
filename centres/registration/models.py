from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class StandardSetQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def current(self) -> "StandardSet | None":
        """The published set of the latest year: the one schools are assessed against now."""
        return self.published().order_by("-year").first()


class StandardSet(models.Model):
    """The registration quality standards of one year."""

    year = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    published = models.BooleanField(
        default=False, help_text="Published standards are what schools are assessed against."
    )

    objects = StandardSetQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return f"Standards {self.year}{'' if self.published else ' (draft)'}"

    @property
    def fixed(self) -> bool:
        """Schools are assessed against a published set: it is never unpublished, renamed
        or deleted, and its standards keep what identifies them."""
        return self.published


class Area(models.IntegerChoices):
    """The five areas, in the order the standards are published; each has the initials that
    begin its standards' codes."""

    MISSION = 1, "The school’s mission and educational values"
    LEADERSHIP = 2, "School management and leadership"
    TEACHING = 3, "Quality of teaching and learning"
    ONLINE = 4, "The online provision of the school"
    LEGAL = 5, "Legal requirements"

    @property
    def initials(self) -> str:
        return AREA_INITIALS[self]


AREA_INITIALS = {
    Area.MISSION: "MV",
    Area.LEADERSHIP: "ML",
    Area.TEACHING: "TL",
    Area.ONLINE: "OP",
    Area.LEGAL: "LR",
}


class QualityStandardQuerySet(models.QuerySet):
    def of_set(self, standard_set: StandardSet):
        return self.filter(standard_set=standard_set)

    def for_every_school(self):
        """The standards a school that does not teach online is assessed against."""
        return self.filter(online_only=False)


class QualityStandard(models.Model):
    """One registration quality standard, e.g. ``TL4`` (area initials, then its number).

    A published standard's text may still be corrected; each change is on the audit trail.
    Past assessments keep the text they were made against: the application journey copies
    a standard's text into the assessment when the assessment is made, so a later edit here
    never rewrites what a school was judged on.
    """

    standard_set = models.ForeignKey(
        StandardSet, on_delete=models.CASCADE, related_name="standards", verbose_name="set"
    )
    code = models.CharField(max_length=8, help_text="Area initials and number, e.g. TL4.")
    area = models.PositiveSmallIntegerField(choices=Area.choices)
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="The standard's number within its area."
    )
    text = models.TextField()
    # True for what only an online school is assessed against: the whole online provision
    # area (OP1-OP4), and elsewhere the standards whose text is about teaching online or
    # digital safety: ML6 (teaching supported "in an online environment"), TL4 (teachers
    # able to deliver "in an online environment"), TL6 (development in "online teaching and
    # learning") and LR2 ("digital privacy and eSafety"). TL1, LR1 and LR4 mention nothing
    # online and hold for every school.
    online_only = models.BooleanField(
        default=False, help_text="Only schools that teach online are assessed against it."
    )

    objects = QualityStandardQuerySet.as_manager()

    class Meta:
        ordering = ["standard_set", "area", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard_set", "code"], name="registration_standard_code_unique"
            ),
            models.UniqueConstraint(
                fields=["standard_set", "area", "number"],
                name="registration_standard_number_unique",
            ),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        if self.area and self.number and self.code != f"{Area(self.area).initials}{self.number}":
            raise ValidationError(
                {
                    "code": f"The code of standard {self.number} of this area is "
                    f"{Area(self.area).initials}{self.number}."
                }
            )


# --- Centre applications (registration/applications.py) ------------------------------------
from centres.registration.applications import (  # noqa: E402, F401 - the app's models, one module
    ApplicationFee,
    ApplicationRound,
    CentreApplication,
    SelfAssessment,
)

# Requests to offer additional programmes: a case type of their own (registration.programmes).
from centres.registration.programmes.models import ProgrammeRequest  # noqa: E402, F401

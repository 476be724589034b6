from django.core.validators import RegexValidator
from django.db import models

from portal.permissions import CentreScopedQuerySet


class Series(models.Model):
    """An exam series, such as June 2027, with its entry deadline and results release."""

    code = models.CharField(
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9]{2,10}$", "Use capital letters and digits.")],
        help_text="Short code, e.g. J27 for June 2027.",
    )
    name = models.CharField(max_length=100)
    entry_deadline = models.DateField(help_text="The final date for entries without a late fee.")
    results_release_at = models.DateTimeField()
    access_arrangements_deadline = models.DateField(
        null=True,
        blank=True,
        help_text="The last date to apply for access arrangements that need approval.",
    )

    class Meta:
        ordering = ["-results_release_at"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.name


class Syllabus(models.Model):
    code = models.CharField(
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{4}$", "A syllabus code is four digits, e.g. 0580.")],
    )
    title = models.CharField(max_length=200)
    qualification = models.CharField(max_length=100, help_text="e.g. Cambridge IGCSE")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "syllabuses"

    def __str__(self):
        return f"{self.code} {self.title}"


class Component(models.Model):
    """A part of a syllabus that is assessed on its own: a timetabled paper or coursework,
    e.g. component 42 (paper 4, variant 2) of 0580."""

    syllabus = models.ForeignKey(Syllabus, on_delete=models.CASCADE, related_name="components")
    code = models.CharField(
        max_length=2,
        validators=[RegexValidator(r"^[0-9]{2}$", "A component code is two digits, e.g. 42.")],
    )
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["syllabus", "code"]
        constraints = [
            models.UniqueConstraint(fields=["syllabus", "code"], name="component_unique_code")
        ]

    def __str__(self):
        return f"{self.syllabus.code}/{self.code} {self.title}"


class EntryOption(models.Model):
    """What a candidate is entered for in one series: a syllabus taken through a set of its
    components, e.g. option 42 of 0580 (papers 2 and 4, extended tier)."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="options")
    syllabus = models.ForeignKey(Syllabus, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(
        max_length=4,
        validators=[
            RegexValidator(r"^[A-Z0-9]{1,4}$", "An option code is up to four letters or digits.")
        ],
    )
    title = models.CharField(max_length=200, blank=True)
    components = models.ManyToManyField(Component, related_name="options")

    class Meta:
        ordering = ["series", "syllabus", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "syllabus", "code"], name="entry_option_unique_code"
            )
        ]

    def __str__(self):
        return f"{self.syllabus.code}/{self.code}"


class Paper(models.Model):
    """A line of a series' timetable: when a component is sat."""

    class Session(models.TextChoices):
        MORNING = "am", "Morning"
        AFTERNOON = "pm", "Afternoon"

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="papers")
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="papers")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session)
    duration = models.DurationField(null=True, blank=True)

    class Meta:
        ordering = ["series", "date", "session", "component"]
        constraints = [
            models.UniqueConstraint(fields=["series", "component"], name="paper_once_per_series")
        ]

    def __str__(self):
        return f"{self.component} {self.date} {self.get_session_display()}"


def last_paper_date(series: Series, syllabus: Syllabus):
    """The date of the syllabus's last timetabled paper in the series, or None."""
    return (
        Paper.objects.filter(series=series, component__syllabus=syllabus)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


class CandidateQuerySet(CentreScopedQuerySet):
    pass


class Candidate(models.Model):
    """A candidate of a centre in one series: the candidate number is the centre's for that
    series; the UCI stays with the person across series and centres."""

    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.PROTECT, related_name="candidates"
    )
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="candidates")
    candidate_number = models.CharField(
        max_length=4,
        validators=[RegexValidator(r"^[0-9]{4}$", "A candidate number is four digits.")],
    )
    uci = models.CharField("unique candidate identifier", max_length=13, blank=True)
    surname = models.CharField(max_length=100)
    forenames = models.CharField(max_length=100)
    date_of_birth = models.DateField()

    objects = CandidateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "series", "candidate_number"],
                name="candidate_unique_number_per_centre_series",
            )
        ]
        ordering = ["centre", "series", "candidate_number"]

    def __str__(self):
        return f"{self.candidate_number} {self.surname}, {self.forenames}"


class EntryQuerySet(CentreScopedQuerySet):
    centre_field = "candidate__centre"


class Entry(models.Model):
    class Status(models.TextChoices):
        PROVISIONAL = "provisional", "Provisional"
        CONFIRMED = "confirmed", "Confirmed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="entries")
    syllabus = models.ForeignKey(Syllabus, on_delete=models.PROTECT, related_name="entries")
    option_code = models.CharField(max_length=4)
    status = models.CharField(max_length=20, choices=Status, default=Status.PROVISIONAL)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "syllabus"], name="entry_unique_per_candidate"
            )
        ]
        ordering = ["candidate", "syllabus"]
        verbose_name_plural = "entries"

    def __str__(self):
        return f"{self.candidate.candidate_number} {self.syllabus.code}/{self.option_code}"

    @property
    def series(self) -> Series:
        return self.candidate.series

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
    entry_deadline = models.DateField()
    results_release_at = models.DateTimeField()

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


class CandidateQuerySet(CentreScopedQuerySet):
    pass


class Candidate(models.Model):
    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.PROTECT, related_name="candidates"
    )
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
                fields=["centre", "candidate_number"], name="candidate_unique_number_per_centre"
            )
        ]
        ordering = ["centre", "candidate_number"]

    def __str__(self):
        return f"{self.candidate_number} {self.surname}, {self.forenames}"


class EntryQuerySet(CentreScopedQuerySet):
    centre_field = "candidate__centre"


class Entry(models.Model):
    class Status(models.TextChoices):
        PROVISIONAL = "provisional", "Provisional"
        CONFIRMED = "confirmed", "Confirmed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="entries")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="entries")
    syllabus = models.ForeignKey(Syllabus, on_delete=models.PROTECT, related_name="entries")
    option_code = models.CharField(max_length=4)
    status = models.CharField(max_length=20, choices=Status, default=Status.PROVISIONAL)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series", "candidate", "syllabus"], name="entry_unique_per_series"
            )
        ]
        ordering = ["series", "candidate", "syllabus"]
        verbose_name_plural = "entries"

    def __str__(self):
        return f"{self.candidate.candidate_number} {self.syllabus.code}/{self.option_code}"

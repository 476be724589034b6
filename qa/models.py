"""Quality assurance of school-assessed grades (seed 004).

A centre submits a school-assessed grade for each candidate and syllabus in its series'
grade window (``QaSeries``); a submitted grade is locked, and a later QA round asks for
revised grades, kept beside the first as history (``Grade``, one row per round). Staff
sample a syllabus and candidates of a centre and open a ``QaRequest`` (``QA-…``): the
centre uploads the tasks, each sampled candidate's evidence and marks and the Rationale
Document, then submits; assessment specialists judge it (``QaRound``) and accept it, ask
for a further round, or adjust the final grades (``AdjustedGrade``). Results of a centre,
series and syllabus are held while a request for them is unsettled (``qa.services.qa_settled``).
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.calendar import LONDON
from portal.cases.models import Case, CaseQuerySet
from portal.permissions import CentreScopedQuerySet
from portal.workflow import Moves, move

# The two service levels of the QA process (SERVICE_LEVELS.md, seed 004).
EVIDENCE = "qa.evidence"
REVIEW = "qa.review"
REVIEW_PERMISSION = "qa.review_qarequest"
SAMPLE_PERMISSION = "qa.add_qarequest"

# Cambridge's grades, best first: a spread of the sample runs along this order.
GRADES = ["A*", "A", "B", "C", "D", "E", "F", "G", "U"]
GRADE_CHOICES = [(grade, grade) for grade in GRADES]


class QaSeries(models.Model):
    """The QA dates of one exam series, set by staff: when centres may submit their
    school-assessed grades, and the date by which reviews of their evidence are due."""

    series = models.OneToOneField("entries.Series", on_delete=models.CASCADE, related_name="qa")
    grades_open_at = models.DateTimeField(help_text="When centres may start submitting grades.")
    grades_close_at = models.DateTimeField(help_text="The last moment to submit grades.")
    review_due = models.DateField(
        null=True,
        blank=True,
        help_text="The date by which each review of this series is due (the end of that day in "
        "London); empty: no date yet.",
    )

    class Meta:
        verbose_name = "QA dates of a series"
        verbose_name_plural = "QA dates of series"

    def __str__(self):
        return f"QA of {self.series}"

    def window_open(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.grades_open_at <= at <= self.grades_close_at

    @property
    def review_due_at(self) -> dt.datetime | None:
        if self.review_due is None:
            return None
        return dt.datetime.combine(self.review_due, dt.time(12), tzinfo=LONDON)


class GradeQuerySet(CentreScopedQuerySet):
    def current(self):
        """Each candidate's latest grade per syllabus (the highest round)."""
        later = Grade.objects.filter(
            candidate=models.OuterRef("candidate"),
            syllabus=models.OuterRef("syllabus"),
            round__gt=models.OuterRef("round"),
        )
        return self.exclude(models.Exists(later))


class Grade(models.Model):
    """A school-assessed grade as submitted in one round: never changed once saved. A
    revision is a new row of a later round; the rows together are the grade's history."""

    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="+")
    series = models.ForeignKey("entries.Series", on_delete=models.PROTECT, related_name="+")
    syllabus = models.ForeignKey("entries.Syllabus", on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        "entries.Candidate", on_delete=models.PROTECT, related_name="qa_grades"
    )
    grade = models.CharField(max_length=2, choices=GRADE_CHOICES)
    round = models.PositiveSmallIntegerField(default=1)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = GradeQuerySet.as_manager()

    class Meta:
        ordering = ["centre", "series", "syllabus", "candidate__candidate_number", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "syllabus", "round"], name="qa_grade_once_per_round"
            )
        ]
        indexes = [models.Index(fields=["centre", "series", "syllabus"], name="qa_grade_syllabus")]

    def __str__(self):
        return f"{self.candidate.candidate_number} {self.syllabus.code}: {self.grade}"


class QaRequestQuerySet(CaseQuerySet):
    def unsettled(self):
        """Requests whose outcome is not yet final: the results they cover are held."""
        return self.exclude(status__in=QaRequest.SETTLED_STATUSES)

    def covering(self, *, centre, series, syllabus):
        return self.filter(centre=centre, series=series, syllabus=syllabus)


class QaRequest(Case):
    """An evidence request of the QA process: one syllabus of one centre in one series."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Evidence requested"
        SUBMITTED = "submitted", "Evidence submitted"
        MORE_REQUESTED = "more_requested", "More evidence requested"
        ACCEPTED = "accepted", "Accepted"
        ADJUSTED = "adjusted", "Grades adjusted"

    MOVES = Moves(
        [
            move(
                "submit",
                sources=[Status.REQUESTED, Status.MORE_REQUESTED],
                to=Status.SUBMITTED,
                centre=True,
                label="Submit the evidence",
            ),
            # Keeps the status: adding evidence files while evidence is asked for (the
            # start of a resumable upload checks it, as the form does).
            move(
                "upload",
                sources=[Status.REQUESTED, Status.MORE_REQUESTED],
                centre=True,
                label="Add evidence files",
            ),
            move(
                "accept",
                sources=[Status.SUBMITTED],
                to=Status.ACCEPTED,
                permission=REVIEW_PERMISSION,
                label="Accept the grades",
            ),
            move(
                "request-more",
                sources=[Status.SUBMITTED],
                to=Status.MORE_REQUESTED,
                permission=REVIEW_PERMISSION,
                label="Ask for revised grades and more evidence",
            ),
            move(
                "adjust",
                sources=[Status.SUBMITTED],
                to=Status.ADJUSTED,
                permission=REVIEW_PERMISSION,
                label="Adjust the final grades",
            ),
        ]
    )
    OPEN_STATUSES = [Status.REQUESTED, Status.SUBMITTED, Status.MORE_REQUESTED]
    SETTLED_STATUSES = [Status.ACCEPTED, Status.ADJUSTED]
    REFERENCE_PREFIX = "QA"

    status = models.CharField(max_length=20, choices=Status, default=Status.REQUESTED)
    series = models.ForeignKey("entries.Series", on_delete=models.PROTECT, related_name="+")
    syllabus = models.ForeignKey("entries.Syllabus", on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(default=1, help_text="The round now under way.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    instructions = models.TextField(
        blank=True, help_text="Anything the centre should know beyond the standard request."
    )

    objects = QaRequestQuerySet.as_manager()

    class Meta(Case.Meta):
        verbose_name = "QA evidence request"
        permissions = [("review_qarequest", "Can judge QA evidence and decide the outcome")]
        indexes = [
            *Case.Meta.indexes,
            models.Index(fields=["centre", "series", "syllabus"], name="qa_request_scope"),
        ]

    @property
    def syllabus_code(self) -> str:
        return self.syllabus.code


class SampledCandidate(models.Model):
    """A candidate whose evidence staff asked for, in the round that asked (the centre
    cannot change the sample)."""

    request = models.ForeignKey(QaRequest, on_delete=models.CASCADE, related_name="sample")
    candidate = models.ForeignKey("entries.Candidate", on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["candidate__candidate_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "candidate"], name="qa_sample_candidate_once"
            )
        ]

    def __str__(self):
        return f"{self.request} {self.candidate.candidate_number}"


class Judgement(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class QaRound(models.Model):
    """One round of a request: when it was asked for and submitted, the specialists'
    judgement on the three questions of seed 004, the outcome and the feedback."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        MORE_REQUESTED = "more_requested", "More evidence requested"
        ADJUSTED = "adjusted", "Grades adjusted"

    request = models.ForeignKey(QaRequest, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    process_reasonable = models.CharField(
        "the process followed is reasonable and consistent with our guidance",
        max_length=3,
        choices=Judgement,
        blank=True,
    )
    grades_reasonable = models.CharField(
        "the grades given to the pieces of evidence are reasonable for the performance shown",
        max_length=3,
        choices=Judgement,
        blank=True,
    )
    grades_aligned = models.CharField(
        "the grades of the pieces of evidence align with the final school-assessed grades",
        max_length=3,
        choices=Judgement,
        blank=True,
    )
    feedback = models.TextField(blank=True)

    JUDGEMENT_FIELDS = ("process_reasonable", "grades_reasonable", "grades_aligned")

    class Meta:
        ordering = ["request", "number"]
        constraints = [models.UniqueConstraint(fields=["request", "number"], name="qa_round_once")]

    def __str__(self):
        return f"{self.request} round {self.number}"

    def judgements(self) -> list[tuple[str, str]]:
        """(question, answer) of the three questions, in the seed's order."""
        return [
            (str(self._meta.get_field(name).verbose_name).capitalize(), self.answer(name))
            for name in self.JUDGEMENT_FIELDS
        ]

    def answer(self, name: str) -> str:
        value = getattr(self, name)
        return Judgement(value).label if value else "Not recorded"


class AdjustedGrade(models.Model):
    """A final grade staff set when they adjusted a centre's grades for the syllabus."""

    request = models.ForeignKey(QaRequest, on_delete=models.CASCADE, related_name="adjusted")
    candidate = models.ForeignKey("entries.Candidate", on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=2, choices=GRADE_CHOICES)
    set_at = models.DateTimeField(default=timezone.now)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["candidate__candidate_number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "candidate"], name="qa_adjusted_once")
        ]

    def __str__(self):
        return f"{self.candidate.candidate_number}: {self.grade}"

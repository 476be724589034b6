"""Results: a grade per candidate and syllabus, held back until the series' release instant.

Visibility is a comparison with the instant, never a row rewritten at release time: an
officer's query asks ``series.results_release_at <= now`` (``Result.objects.visible_to``), so
the same rows are invisible at 05:59:59 and visible at 06:00:00, whatever runs or fails.
A result is also shown withheld while a ``QaHold`` on its centre, series and syllabus is
open: the QA app opens a hold when it samples a syllabus and releases it when the centre's
grades are accepted or adjusted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from portal.permissions import CentreScopedQuerySet, is_staff_user
from portal.workflow import Moves, RecordsMoves, move

# Cambridge grades: IGCSE A*–G (or 9–1), AS level a–e, U ungraded. "Q" (pending) and "X"
# (no result) are what a results file writes for the two statuses without a grade.
GRADES = ["A*", "A", "B", "C", "D", "E", "F", "G", "9", "8", "7", "6", "5", "4", "3", "2", "1"]
GRADES += ["a", "b", "c", "d", "e", "U"]
PENDING_MARK, NO_RESULT_MARK = "Q", "X"


class QaHoldQuerySet(models.QuerySet):
    def open(self):
        return self.filter(released_at__isnull=True)


class QaHold(models.Model):
    """Results of a centre's syllabus in a series kept back until QA is complete.

    The QA app opens one (``results.holds.hold_results``) when it asks a centre for evidence
    and releases it (``release_hold``) when the grades are accepted or adjusted.
    """

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        ADJUSTED = "adjusted", "Adjusted"

    centre = models.ForeignKey("centres.Centre", on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey("entries.Series", on_delete=models.CASCADE, related_name="+")
    syllabus = models.ForeignKey("entries.Syllabus", on_delete=models.CASCADE, related_name="+")
    reference = models.CharField(
        max_length=40, blank=True, help_text="The QA request that holds the results, if any."
    )
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = QaHoldQuerySet.as_manager()

    class Meta:
        verbose_name = "QA hold"
        constraints = [
            # One open hold per centre, series and syllabus: a second request adds none.
            models.UniqueConstraint(
                fields=["centre", "series", "syllabus"],
                condition=Q(released_at__isnull=True),
                name="qahold_one_open",
            )
        ]

    def __str__(self):
        return f"{self.centre_id}/{self.series_id}/{self.syllabus_id}"


def open_hold_exists():
    """``Exists`` of an open QA hold on the outer result's centre, series and syllabus."""
    return Exists(
        QaHold.objects.open().filter(
            centre=OuterRef("centre"), series=OuterRef("series"), syllabus=OuterRef("syllabus")
        )
    )


class ResultQuerySet(CentreScopedQuerySet):
    def released(self, now=None):
        return self.filter(series__results_release_at__lte=now or timezone.now())

    def visible_to(self, user, *, now=None):
        """Officers: their centres' results of series released by ``now`` (to the second).
        Staff: every result, if their role works with results; none otherwise."""
        if is_staff_user(user):
            return self if user.has_perm("results.view_result") else self.none()
        return super().visible_to(user).released(now)

    def with_holds(self):
        return self.annotate(held=open_hold_exists())


class Result(RecordsMoves):
    class Status(models.TextChoices):
        ISSUED = "issued", "Issued"
        PENDING = "pending", "Pending"
        NO_RESULT = "no_result", "No result"
        WITHHELD = "withheld", "Withheld"

    series = models.ForeignKey("entries.Series", on_delete=models.PROTECT, related_name="results")
    # The candidate's centre, kept on the row: every officer read filters by it. Indexed
    # with the row's id (``result_centre_newest``), not alone.
    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    candidate = models.ForeignKey(
        "entries.Candidate", on_delete=models.PROTECT, related_name="results"
    )
    syllabus = models.ForeignKey("entries.Syllabus", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status, default=Status.ISSUED)
    grade = models.CharField(max_length=2, blank=True)
    component_marks = models.JSONField(
        default=dict, blank=True, help_text='Marks by component code, e.g. {"42": 67}.'
    )
    created_at = models.DateTimeField(default=timezone.now)
    amended_at = models.DateTimeField(
        null=True, blank=True, help_text="When the result last changed after release."
    )

    objects = ResultQuerySet.as_manager()

    # Staff act on results; a centre never does (its route is an enquiry about results).
    MOVES = Moves(
        [
            move(
                "withhold",
                sources=[Status.ISSUED, Status.PENDING, Status.NO_RESULT],
                to=Status.WITHHELD,
                permission="results.change_result",
            ),
            move(
                "issue",
                sources=[Status.PENDING, Status.WITHHELD, Status.NO_RESULT],
                to=Status.ISSUED,
                permission="results.change_result",
            ),
            move(
                "mark_no_result",
                sources=[Status.PENDING, Status.WITHHELD],
                to=Status.NO_RESULT,
                permission="results.change_result",
                label="No result",
            ),
            move(
                "change_grade",
                sources=[Status.ISSUED],
                permission="results.change_result",
                label="Change the grade",
            ),
        ]
    )

    class Meta:
        ordering = ["series", "centre", "candidate__candidate_number", "syllabus__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "syllabus"], name="result_one_per_candidate_syllabus"
            ),
            models.CheckConstraint(
                condition=Q(status="issued", grade__gt="") | ~Q(status="issued"),
                name="result_issued_has_grade",
            ),
        ]
        indexes = [
            # Officers read a centre's results of one series; the hold check joins on all three.
            models.Index(fields=["centre", "series", "syllabus"], name="result_centre_series"),
            # Every list of results is in this order (results.queries.ORDER): a page is read
            # from the index, a series' or a centre's, never by sorting all they hold.
            models.Index(
                fields=["series", "centre", "candidate", "syllabus"], name="result_series_order"
            ),
            # A centre's results newest first (the staff's list of results searched by a
            # centre's number): a page's keys read from here alone, never back through every
            # other centre's newer results.
            models.Index(fields=["centre", "id"], name="result_centre_newest"),
        ]

    def __str__(self):
        return f"{self.syllabus_id}: {self.grade or self.status}"

    @property
    def reference(self) -> str:
        """How staff and the audit trail name one result."""
        return (
            f"RES-{self.series.code}-{self.centre.number}-{self.candidate.candidate_number}-"
            f"{self.syllabus.code}"
        )


class ResultChange(models.Model):
    """One change of a result once loaded: its grade and status before and after, who made
    it and why. Corrections after release are told to the centre."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    from_grade = models.CharField(max_length=2, blank=True)
    to_grade = models.CharField(max_length=2, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    after_release = models.BooleanField(default=False)

    class Meta:
        ordering = ["result", "at", "pk"]

    def __str__(self):
        return f"{self.from_grade or self.from_status} → {self.to_grade or self.to_status}"


class ReleaseDate(models.Model):
    """One announcement of a series' results release instant (the latest is the date).

    The charter promises the date at least six months ahead (``results.notice``); a closer
    date needs a reason, which stays here and on the audit trail.
    """

    # The charter's results.notice runs on it (portal/sla/subjects.py).
    CARRIES_CLOCKS = True

    series = models.ForeignKey(
        "entries.Series", on_delete=models.CASCADE, related_name="release_dates"
    )
    release_at = models.DateTimeField()
    previous_release_at = models.DateTimeField(null=True, blank=True)
    announced_at = models.DateTimeField(default=timezone.now)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why the date is less than 6 months ahead.")
    short_notice = models.BooleanField(default=False)

    class Meta:
        ordering = ["-announced_at", "-pk"]
        get_latest_by = "announced_at"

    def __str__(self):
        return f"{self.series} results at {self.release_at:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self) -> str:
        # The results team's page of the series' release dates.
        return (
            reverse("admin:results_releasedate_changelist") + f"?series__id__exact={self.series_id}"
        )

    @property
    def reference(self) -> str:
        return f"{self.series.code} results date"

    @property
    def centre(self):
        return None  # the awarding body's own promise: the results team is told


class ReleaseNotice(models.Model):
    """That a series' release notice went out for one release instant: the sweep inserts it
    with the notices, so the notice goes out once however many sweeps run."""

    series = models.ForeignKey("entries.Series", on_delete=models.CASCADE, related_name="+")
    release_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "release_at"], name="release_notice_once")
        ]

    def __str__(self):
        return f"{self.series_id} released {self.release_at:%Y-%m-%d %H:%M}"


def import_key(instance, filename: str) -> str:
    # A generated key, never the person's file name.
    return f"result-imports/{uuid.uuid4()}.csv"


class ResultImport(models.Model):
    """A results file loaded in the browser: read by a task, all rows or none, with its
    progress in the cache while it runs and its outcome here."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Loaded"
        FAILED = "failed", "Refused"

    series = models.ForeignKey("entries.Series", on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=import_key)
    filename = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=20, choices=State, default=State.QUEUED)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.filename} ({self.get_state_display()})"

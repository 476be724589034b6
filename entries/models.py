import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from portal.cases.models import Case, CaseQuerySet
from portal.permissions import CentreScopedQuerySet
from portal.workflow import Moves, RecordsMoves, move

# The service levels of entries (portal.sla): confirming a centre's submitted entries,
# delivering question papers before each exam, and the provisional June timetable.
CONFIRM = "entries.confirm"
DESPATCH = "papers.despatch"
PROVISIONAL_TIMETABLE = "timetable.provisional"
# Question papers reach a centre that entered by the deadline at least this long before the exam.
DESPATCH_DAYS_BEFORE = 10


def entries_counted(count: int) -> str:
    """``1 entry``, ``2 entries``."""
    return f"{count} {'entry' if count == 1 else 'entries'}"


def despatches_counted(count: int) -> str:
    """``1 question paper despatch``, ``2 question paper despatches``."""
    meta = PaperDespatch._meta
    return f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"


class SeriesQuerySet(models.QuerySet):
    def with_candidates_at(self, centres) -> "SeriesQuerySet":
        """The series in which any of ``centres`` has a candidate: a look-up of each series
        in the candidates' index (a row at most), never every candidate joined and made
        distinct (20,000 rows for a large centre)."""
        at = Candidate.objects.filter(series=models.OuterRef("pk"), centre__in=centres)
        return self.filter(models.Exists(at))


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
    special_consideration_deadline = models.DateField(
        null=True,
        blank=True,
        help_text="The last date to apply for special consideration.",
    )
    provisional_timetable_published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the provisional timetable was sent to centres for comment.",
    )
    timetable_comments_close_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last day centres may comment on the provisional timetable.",
    )

    objects = SeriesQuerySet.as_manager()

    class Meta:
        ordering = ["-results_release_at"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.name

    # The series is the "case" of its provisional-timetable clock (portal.sla): a
    # reference, no centre, and a page.
    centre = None

    def get_absolute_url(self) -> str:
        return reverse("entries:timetable", args=[self.code])

    @property
    def reference(self) -> str:
        return f"SER-{self.code}"

    @property
    def is_june(self) -> bool:
        return self.code.startswith("J")

    @property
    def provisional_timetable_due_on(self) -> dt.date | None:
        """The day by which a June series' provisional timetable is due with centres, for
        comment (``timetable.provisional``: in April); None for a series without that step."""
        return dt.date(self.results_release_at.year, 4, 30) if self.is_june else None

    @property
    def timetable_is_draft(self) -> bool:
        """A June series' timetable is staff's draft until it is sent to centres for
        comment; centres do not see it before."""
        return self.is_june and self.provisional_timetable_published_at is None

    def provisional_timetable_overdue(self, today: dt.date) -> bool:
        return self.timetable_is_draft and today > self.provisional_timetable_due_on

    @property
    def timetable_is_provisional(self) -> bool:
        return self.is_june and self.provisional_timetable_published_at is not None


class LateEntryPeriod(models.Model):
    """After the final entry deadline, a period in which entries are still taken for a fee
    per entry. Entries after the last period of a series are refused."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="late_periods")
    name = models.CharField(max_length=100, help_text="e.g. Late entries (first period)")
    ends_on = models.DateField(help_text="The last day of the period (London).")
    fee = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Fee per entry made in this period, in pounds.",
    )

    class Meta:
        ordering = ["series", "ends_on"]
        constraints = [
            models.UniqueConstraint(fields=["series", "ends_on"], name="late_period_unique_end")
        ]

    def __str__(self):
        return f"{self.name} (to {self.ends_on:%d %b %Y}, £{self.fee})"


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


def first_paper_date(series: Series, syllabus: Syllabus):
    """The date of the syllabus's first timetabled paper in the series, or None."""
    return (
        Paper.objects.filter(series=series, component__syllabus=syllabus)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )


def last_paper_date(series: Series, syllabus: Syllabus):
    """The date of the syllabus's last timetabled paper in the series, or None."""
    return (
        Paper.objects.filter(series=series, component__syllabus=syllabus)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


class TimetableCommentQuerySet(CentreScopedQuerySet):
    pass


class TimetableComment(models.Model):
    """A centre's comment on a series' provisional timetable (a clash, a holiday ...)."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="comments")
    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.PROTECT, related_name="timetable_comments"
    )
    paper = models.ForeignKey(
        Paper, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(max_length=5000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)

    objects = TimetableCommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.centre} on {self.series}"


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
        # A learner's results are found by the candidate's UCI at the centre.
        indexes = [models.Index(fields=["centre", "uci"], name="candidate_centre_uci")]
        ordering = ["centre", "series", "candidate_number"]

    def __str__(self):
        return f"{self.candidate_number} {self.surname}, {self.forenames}"

    @property
    def name(self) -> str:
        return f"{self.forenames} {self.surname}"


class EntryQuerySet(CentreScopedQuerySet):
    centre_field = "centre"


class Entry(RecordsMoves):
    """A candidate entered for a syllabus through one of its options in the candidate's
    series. Provisional until the centre's submission of it is confirmed; withdrawn, never
    deleted; every amendment and the withdrawal are on its audit trail."""

    class Status(models.TextChoices):
        PROVISIONAL = "provisional", "Provisional"
        CONFIRMED = "confirmed", "Confirmed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    CHANGE = "entries.change_entry"
    MOVES = Moves(
        [
            move(
                "amend",
                sources=[Status.PROVISIONAL, Status.CONFIRMED],
                centre=True,
                permission=CHANGE,
                label="Change the option",
            ),
            move(
                "withdraw",
                sources=[Status.PROVISIONAL, Status.CONFIRMED],
                to=Status.WITHDRAWN,
                centre=True,
                permission=CHANGE,
                label="Withdraw the entry",
            ),
        ]
    )

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="entries")
    # The candidate's centre, kept on the row (a candidate never changes centre): a centre's
    # entries are read from ``entry_centre_order`` in the order they were made, a page at a
    # time, never by joining and sorting all of the centre's candidates' entries.
    centre = models.ForeignKey(
        "centres.Centre",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        editable=False,  # never chosen: always the candidate's
    )
    syllabus = models.ForeignKey(Syllabus, on_delete=models.PROTECT, related_name="entries")
    option_code = models.CharField(max_length=4)
    status = models.CharField(max_length=20, choices=Status, default=Status.PROVISIONAL)
    late_fee = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("0"), help_text="Pounds, 0 if on time."
    )
    submission = models.ForeignKey(
        "EntrySubmission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        help_text="The submission that sent this entry for confirmation.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = EntryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "syllabus"], name="entry_unique_per_candidate"
            )
        ]
        indexes = [models.Index(fields=["centre", "id"], name="entry_centre_order")]
        ordering = ["candidate", "syllabus"]
        verbose_name_plural = "entries"

    def __str__(self):
        return f"{self.candidate.candidate_number} {self.syllabus.code}/{self.option_code}"

    @property
    def series(self) -> Series:
        return self.candidate.series

    @property
    def reference(self) -> str:
        return f"{self.candidate.candidate_number} {self.syllabus.code}/{self.option_code}"


class EntriesStamp(models.Model):
    """When a centre's entries of a series last changed: a new ``stamp`` at every change,
    in the change's own transaction (``entries.queries.entries_changed``, the one call that
    every write of entries makes). The figures above a centre's entries (totals, entries by
    syllabus) are kept under it, so that they are counted once after each change, not at
    every page, and never answered from before a change, whichever process made it."""

    centre = models.ForeignKey("centres.Centre", on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+")
    stamp = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["centre", "series"], name="entries_stamp_once")
        ]

    def __str__(self):
        return f"{self.centre_id}/{self.series_id}: {self.stamp}"


class EntrySubmission(Case):
    """A centre's entries for a series sent to the awarding body, which confirms them within
    the published time (``entries.confirm``). Each submission carries the provisional
    entries not yet sent; confirming it confirms them."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        CONFIRMED = "confirmed", "Confirmed"

    REFERENCE_PREFIX = "ENT"
    OPEN_STATUSES = [Status.SUBMITTED]
    MOVES = Moves(
        [
            move(
                "confirm",
                sources=[Status.SUBMITTED],
                to=Status.CONFIRMED,
                permission="entries.change_entrysubmission",
                label="Confirm the entries",
            )
        ]
    )

    status = models.CharField(max_length=20, choices=Status, default=Status.SUBMITTED)
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entry_count = models.PositiveIntegerField(default=0)
    by_deadline = models.BooleanField(
        default=True, help_text="Submitted by the series' final entry deadline."
    )

    objects = CaseQuerySet.as_manager()

    class Meta(Case.Meta):
        verbose_name = "entries submission"

    def get_absolute_url(self) -> str:
        return reverse("entries:submission", args=[self.reference])


class PaperDespatch(Case):
    """The question papers of one timetabled paper for one centre: due at the centre at
    least ten days before the exam (``papers.despatch``) when its entries arrived by the
    deadline. Staff record the despatch."""

    class Status(models.TextChoices):
        DUE = "due", "Due for despatch"
        DESPATCHED = "despatched", "Despatched"

    REFERENCE_PREFIX = "QPD"
    OPEN_STATUSES = [Status.DUE]
    MOVES = Moves(
        [
            move(
                "despatch",
                sources=[Status.DUE],
                to=Status.DESPATCHED,
                permission="entries.change_paperdespatch",
                label="Record the papers as despatched",
            )
        ]
    )

    status = models.CharField(max_length=20, choices=Status, default=Status.DUE)
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="+")
    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="despatches")
    entry_count = models.PositiveIntegerField(default=0)

    objects = CaseQuerySet.as_manager()

    class Meta(Case.Meta):
        verbose_name = "question paper despatch"
        verbose_name_plural = "question paper despatches"
        constraints = [
            models.UniqueConstraint(fields=["centre", "paper"], name="despatch_once_per_paper")
        ]

    def get_absolute_url(self) -> str:
        # The list of the centre's despatches of the series, at this one's row.
        return f"{reverse('entries:despatches', args=[self.series.code])}#{self.reference}"

    @property
    def due_on(self) -> dt.date:
        return self.paper.date - dt.timedelta(days=DESPATCH_DAYS_BEFORE)


class EntryImportQuerySet(CentreScopedQuerySet):
    pass


class EntryImport(models.Model):
    """A CSV of entries an officer uploaded in the browser, imported by a worker while the
    officer watches its progress; all rows saved or none, with every bad row's line."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        SAVED = "saved", "Saved"
        REFUSED = "refused", "Refused: nothing saved"

    public_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="+")
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_key = models.CharField(max_length=200, help_text="Where the file waits in storage.")
    file_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    accept_late_fee = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = EntryImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("entries:import", args=[self.public_id])

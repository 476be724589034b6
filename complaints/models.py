"""Complaints, expressions of dissatisfaction, their correspondence and restricted contacts.

One ``Complaint`` row holds every submission, formal or not: a formal complaint runs the
procedure's life cycle; a concern raised without a formal complaint, or a submission that the
procedure sends down another route (an enquiry about results, the school's own procedure, an
appeal ...), is kept as an expression of dissatisfaction, so that nothing is lost and all of
it is analysed together.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from portal.cases.models import Case, CaseQuerySet
from portal.notifications import Address, Officers
from portal.workflow import Moves, move

FOUR_DIGITS = RegexValidator(r"^[0-9]{4}$", "Four digits, e.g. 0580.")


# The longest text a person writes in one field (a description, a response, a message): about
# four pages, more than any complaint needs, far less than a file should be sent as.
TEXT_MAX = 10_000


class Category(models.TextChoices):
    SERVICE = "service", "A service the awarding body provides"
    RESULTS = "results", "Results or grading"
    QUESTION_PAPER = "question_paper", "A question paper"
    SCHOOL = "school", "A school, college or learning provider"
    ENQUIRY_OUTCOME = "enquiry_outcome", "The outcome of an enquiry about results"
    ACCESS_ARRANGEMENTS = "access_arrangements", "The outcome of an access arrangements application"
    SPECIAL_CONSIDERATION = (
        "special_consideration",
        "The outcome of a special consideration application",
    )
    MALPRACTICE_OUTCOME = "malpractice_outcome", "The outcome of a malpractice investigation"


class DirectService(models.TextChoices):
    """The services given to learners and parents directly: the only ones they complain about."""

    CERTIFYING_STATEMENT = "certifying_statement", "A certifying statement"
    VERIFICATION = "verification", "A verification service"
    RESULTS_SERVICE = "results_service", "A results service (online results, results sent on)"


class Submitter(models.TextChoices):
    CENTRE = "centre", "A centre"
    LEARNER = "learner", "A learner"
    PARENT = "parent", "A parent or carer"
    STAFF = "staff", "Recorded by staff"


class Kind(models.TextChoices):
    COMPLAINT = "complaint", "Formal complaint"
    DISSATISFACTION = "dissatisfaction", "Expression of dissatisfaction"


class Route(models.TextChoices):
    COMPLAINT = "complaint", "Complaints procedure"
    RECORDED = "recorded", "Recorded and analysed, no formal complaint"
    ENQUIRY_ABOUT_RESULTS = "enquiry_about_results", "Enquiry about results"
    SCHOOL_PROCEDURE = "school_procedure", "The school's own complaints procedure"
    MALPRACTICE_REPORT = "malpractice_report", "Reporting suspected malpractice"
    EXAM_DAY_COMMENTS = "exam_day_comments", "Comments on the exam: exam day (Form 8)"
    APPEAL = "appeal", "The appeals process in the Cambridge Handbook"


class RootCause(models.TextChoices):
    PROCESS = "process", "Process or policy"
    COMMUNICATION = "communication", "Communication"
    SYSTEM = "system", "System or website"
    PEOPLE = "people", "Staff conduct or error"
    SUPPLIER = "supplier", "Supplier or courier"
    CENTRE = "centre", "Centre's own administration"
    NO_FAULT = "no_fault", "No fault found"


CHANGE = "complaints.change_complaint"
# The complaints procedure's two service levels (portal.sla).
ACKNOWLEDGE = "complaint.acknowledge"
RESPOND = "complaint.respond"


class Complaint(Case):
    class Status(models.TextChoices):
        HELD = "held", "Held for review"
        RECEIVED = "received", "Received"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        INVESTIGATING = "investigating", "Investigating"
        ANSWERED = "answered", "Answered"
        ESCALATED = "escalated", "Escalated to a Director"
        CLOSED = "closed", "Closed"
        REDIRECTED = "redirected", "Redirected"
        RECORDED = "recorded", "Recorded"

    # The life cycle: who may take each step, from where, to where. Pages, the API, the
    # staff queue and ``transition`` all read this one table.
    MOVES = Moves(
        [
            # A held submission is taken on along the route it was given, or declined.
            move("release", sources=[Status.HELD], to=Status.RECEIVED, permission=CHANGE),
            move("release", sources=[Status.HELD], to=Status.REDIRECTED, permission=CHANGE),
            move("release", sources=[Status.HELD], to=Status.RECORDED, permission=CHANGE),
            move("decline", sources=[Status.HELD], to=Status.CLOSED, permission=CHANGE),
            move(
                "acknowledge",
                sources=[Status.RECEIVED],
                to=Status.ACKNOWLEDGED,
                permission=CHANGE,
            ),
            move(
                "claim",
                sources=[Status.ACKNOWLEDGED],
                to=Status.INVESTIGATING,
                permission=CHANGE,
                label="Investigate it myself",
            ),
            move(
                "assign",
                sources=[Status.ACKNOWLEDGED],
                to=Status.INVESTIGATING,
                permission=CHANGE,
                label="Give it to a senior manager",
            ),
            # Handing an investigation on to someone else keeps its status.
            move("assign", sources=[Status.INVESTIGATING], permission=CHANGE),
            move(
                "respond",
                sources=[Status.ACKNOWLEDGED, Status.INVESTIGATING],
                to=Status.ANSWERED,
                permission=CHANGE,
            ),
            move(
                "extend",
                sources=[Status.ACKNOWLEDGED, Status.INVESTIGATING],
                permission=CHANGE,
                label="Give it longer",
            ),
            # Escalation is asked for once, by the complainant's centre (or recorded by staff
            # for someone without an account): there is no way back to answered.
            move(
                "escalate",
                sources=[Status.ANSWERED],
                to=Status.ESCALATED,
                centre=True,
                permission=CHANGE,
                label="Ask for a Director's review",
            ),
            move(
                "decide",
                sources=[Status.ESCALATED],
                to=Status.CLOSED,
                permission="complaints.decide_escalation",
                label="Give the final decision",
            ),
            # The Director's review is the last word: the centre writes no more after it.
            move(
                "reply",
                sources=set(Status) - {Status.CLOSED},
                centre=True,
                label="Write a message",
            ),
            move(
                "reply",
                sources=list(Status),
                permission="complaints.add_message",
                label="Write a message",
            ),
            move(
                "analyse",
                sources=list(Status),
                permission=CHANGE,
                label="Record the root cause",
            ),
            move(
                "restrict",
                sources=list(Status),
                permission="complaints.record_restriction",
                label="Record unacceptable behaviour",
            ),
        ]
    )
    OPEN_STATUSES = [
        Status.HELD,
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.ESCALATED,
    ]

    REFERENCE_PREFIX = "CMP"

    kind = models.CharField(max_length=20, choices=Kind, default=Kind.COMPLAINT)
    status = models.CharField(max_length=20, choices=Status, default=Status.RECEIVED)
    route = models.CharField(max_length=30, choices=Route, default=Route.COMPLAINT)
    route_reason = models.TextField(blank=True, help_text="What the submitter was told.")

    submitter_type = models.CharField(max_length=10, choices=Submitter, default=Submitter.CENTRE)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints_submitted",
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)

    category = models.CharField(max_length=30, choices=Category)
    direct_service = models.CharField(max_length=30, choices=DirectService, blank=True)
    alleges_malpractice = models.BooleanField(default=False)
    series = models.ForeignKey(
        "entries.Series",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    subject = models.CharField(max_length=200)
    description = models.TextField(max_length=TEXT_MAX)
    qualification = models.CharField(max_length=100, blank=True)
    syllabus_code = models.CharField(max_length=8, blank=True, validators=[FOUR_DIGITS])
    candidate_number = models.CharField(max_length=4, blank=True, validators=[FOUR_DIGITS])
    candidate_name = models.CharField(max_length=200, blank=True)
    previous_correspondence = models.TextField(max_length=TEXT_MAX, blank=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_assigned",
        help_text="The senior manager who investigates.",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    escalation_reasons = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    director_decision = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_decided",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    held_reason = models.CharField(max_length=300, blank=True)

    root_cause = models.CharField(max_length=20, choices=RootCause, blank=True)
    improvement_action = models.TextField(max_length=TEXT_MAX, blank=True)

    objects = CaseQuerySet.as_manager()

    # What the procedure asks a complainant for, and what the investigation adds; the
    # forms, the API and the staff queue show these groups in this order.
    SUBMISSION_FIELDS = [
        "category",
        "direct_service",
        "alleges_malpractice",
        "series",
        "subject",
        "description",
        "qualification",
        "syllabus_code",
        "candidate_number",
        "candidate_name",
        "previous_correspondence",
    ]
    # A centre's own complaint: the service given directly to learners does not apply.
    CENTRE_FIELDS = [f for f in SUBMISSION_FIELDS if f != "direct_service"]
    OUTCOME_FIELDS = [
        "acknowledged_at",
        "response",
        "answered_at",
        "escalation_reasons",
        "escalated_at",
        "director_decision",
        "closed_at",
    ]
    # Inside the awarding body: who investigates and what the case taught us.
    STAFF_FIELDS = ["assigned_to", "root_cause", "improvement_action"]

    class Meta(Case.Meta):
        ordering = ["-created_at"]
        permissions = [
            ("decide_escalation", "Can give the Director's final decision"),
            ("record_restriction", "Can record unacceptable behaviour of a contact"),
        ]
        indexes = [*Case.Meta.indexes, models.Index(fields=["status", "centre"])]

    def __str__(self):
        return f"{self.reference} {self.subject}"

    @property
    def complainant_account(self):
        """The account of the person who raised it, if they have one (not staff recording
        it for someone)."""
        if self.submitted_by is not None and not self.submitted_by.is_staff:
            return self.submitted_by
        return None

    def complainants(self) -> list:
        """Who hears of every step: the centre's exams officers, whoever raised it with an
        account, and the address a learner or parent without one gave."""
        to = []
        if self.centre_id is not None:
            # The centre's officers now: one who has left hears no more of its cases.
            to.append(Officers(self.centre_id))
        elif self.complainant_account is not None:
            to.append(self.complainant_account)
        if self.contact_email:
            to.append(Address(self.contact_email, name=self.contact_name))
        return to


class Message(models.Model):
    """One letter of the correspondence on a case, from the complainant's side or from staff."""

    class Kind(models.TextChoices):
        MESSAGE = "message", "Message"
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
        PROGRESS = "progress", "Progress update"
        RESPONSE = "response", "Response"
        ESCALATION = "escalation", "Request for escalation"
        DECISION = "decision", "Director's decision"
        NOTICE = "notice", "Notice"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.MESSAGE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_staff = models.BooleanField(default=False)
    body = models.TextField(max_length=TEXT_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    # The files sent with this letter (all of a case's files are its ``files``).
    files = models.ManyToManyField("uploads.Attachment", blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.complaint.reference} {self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class Criterion(models.TextChoices):
    """The four criteria of unacceptable behaviour in the complaints procedure."""

    ABUSIVE_LANGUAGE = (
        "abusive_language",
        "Abusive, offensive or foul language over any of our communications channels",
    )
    INTIMIDATION = "intimidation", "Intimidating or threatening behaviour"
    MULTIPLE_CONTACTS = (
        "multiple_contacts",
        "Sending multiple emails, making multiple telephone calls, leaving multiple voice "
        "mails or webchat communication",
    )
    PURSUING_ANSWERED = (
        "pursuing_answered",
        "Insistence on pursuing complaints that have already been answered",
    )


class RestrictionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)

    def restricting(self, *, email: str = "", user=None):
        """Active restrictions that match this address or this account."""
        match = models.Q(pk__in=[])
        if email:
            match |= models.Q(email__iexact=email.strip())
        if user is not None and user.is_authenticated:
            match |= models.Q(user=user)
        return self.active().filter(match)


class ContactRestriction(models.Model):
    """A contact whose behaviour staff found vexatious, the criterion met and the action taken."""

    class Action(models.TextChoices):
        REVIEW_FIRST = "review_first", "New submissions are reviewed before they are taken on"
        WRITTEN_ONLY = "written_only", "Written contact only, through one named member of staff"
        NO_FURTHER = "no_further", "No further correspondence on matters already answered"

    email = models.EmailField(blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contact_restrictions",
    )
    criterion = models.CharField(max_length=30, choices=Criterion)
    action = models.CharField(max_length=20, choices=Action)
    details = models.TextField(
        max_length=TEXT_MAX, help_text="What happened, with dates: this is told to the person."
    )
    complaint = models.ForeignKey(
        Complaint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="restrictions",
        help_text="The case where the behaviour happened, if any.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="") | models.Q(user__isnull=False),
                name="restriction_names_a_contact",
            )
        ]

    def __str__(self):
        return f"{self.email or self.user}: {self.get_criterion_display()}"

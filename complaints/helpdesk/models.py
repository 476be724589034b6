"""A query: a centre's question, by the portal or (on its behalf) through customer services.

The customer commitment: "whenever you get in touch, we aim to answer your query the first
time; if we cannot, a member of our team will take responsibility, refer it to a specialist
and make sure you get an answer", within two working days (``query.answer``). A query that
is a complaint, or an expression of dissatisfaction, is taken as one.
"""

from functools import partial

from django.conf import settings
from django.db import models
from django.urls import reverse

from portal.accounts import roles
from portal.cases.models import Case, Queue, link
from portal.workflow import Moves, move

CHANGE_QUERY = "queries.change_query"

SUBJECT_MAX = 200
BODY_MAX = 10_000


class Query(Case):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        REFERRED = "referred", "Referred to a specialist team"
        ANSWERED = "answered", "Answered"
        TAKEN_AS_COMPLAINT = "taken_as_complaint", "Taken as a complaint"

    OPEN_STATUSES = [Status.RECEIVED, Status.REFERRED]
    # Customer services' moves, or the specialist team's that has the query, while it is open.
    _staff = partial(move, sources=OPEN_STATUSES, permission=CHANGE_QUERY)
    MOVES = Moves(
        [
            _staff("answer", to=Status.ANSWERED, label="Answer"),
            # The clock runs on: a referral is how the answer is found, not the answer.
            _staff("refer", to=Status.REFERRED, label="Refer to a specialist team"),
            _staff("take-as-complaint", to=Status.TAKEN_AS_COMPLAINT, label="Take as a complaint"),
        ]
    )
    del _staff
    REFERENCE_PREFIX = "QRY"
    # Customer services take every query in; a specialist team's queue holds those referred
    # to it.
    QUEUE = Queue(
        "referred_to",
        intake=roles.CUSTOMER_SERVICES,
        teams=(
            roles.ASSESSMENT_SPECIALIST,
            roles.ENTRIES_TEAM,
            roles.RESULTS_TEAM,
            roles.REGISTRATION_TEAM,
        ),
    )

    status = models.CharField(max_length=20, choices=Status, default=Status.RECEIVED)
    subject = models.CharField(max_length=SUBJECT_MAX)
    body = models.TextField()
    syllabus = link("entries.Syllabus")
    candidate = link("entries.Candidate")
    submitted_by = link(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL)
    # A query that came by email from an address that is no exams officer's has no centre:
    # its answer goes to this address.
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    referred_to = models.CharField(
        max_length=60, blank=True, help_text="The staff role whose queue the query is in."
    )
    response = models.TextField(blank=True, help_text="What the centre is told.")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = link(settings.AUTH_USER_MODEL)
    complaint = link("complaints.Complaint", help_text="The complaint the query was taken as.")

    class Meta(Case.Meta):
        verbose_name_plural = "queries"
        indexes = [*Case.Meta.indexes, models.Index(fields=["status", "referred_to"])]

    def __str__(self):
        return f"{self.reference} {self.subject}"


class Topic(models.TextChoices):
    ENTRIES = "entries", "Entries and timetables"
    ARRANGEMENTS = "arrangements", "Access arrangements and special consideration"
    QA = "qa", "School-assessed grades and QA"
    RESULTS = "results", "Results, enquiries and certificates"
    CENTRES = "centres", "Becoming and running a centre"
    PORTAL = "portal", "Using the portal"


class HelpAnswerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class HelpAnswer(models.Model):
    """One question and its answer in the help centre, kept by customer services: "an online
    bank of answers to frequently asked questions", offered as an officer types a query."""

    topic = models.CharField(max_length=20, choices=Topic)
    question = models.CharField(max_length=SUBJECT_MAX)
    answer = models.TextField(help_text="Plain text; blank lines separate paragraphs.")
    published = models.BooleanField(
        default=False, help_text="Only published answers are shown to centres and the public."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = HelpAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "question"]
        indexes = [models.Index(fields=["published", "topic"])]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("help:answer", args=[self.pk])

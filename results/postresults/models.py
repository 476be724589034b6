"""Post-results services (seed 000): what a centre or a learner asks of us once results are
out, each a ``ServiceRequest`` (``SRV-…``) measured against its own published service level.

* paper copies of results (``results.paper_copies``: 10 days), asked by an exams officer;
* a replacement certificate (``certificates.replacement``: 20 working days), asked by an
  exams officer;
* a certifying statement (``certifying_statement.despatch``: 4 weeks from a correctly
  completed application), asked by a learner on the public form, without an account;
* a candidate's results sent to a university or employer on results day: asked by an
  exams officer before or after release, sent by the portal at the release instant (never
  before), or at once when results are already out.

The service decides the clock: ``CLOCKS`` is the one table of it.

Certificates are no one's request: the portal opens a ``CertificateDespatch`` (``CRT-…``)
for every centre with issued results in a series at the release instant, its
``certificates.despatch`` clock (2 months) running from that instant, and the results team
records the despatch.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from portal.cases.models import Case, CaseQuerySet
from portal.workflow import Moves, move

HANDLE = "postresults.change_servicerequest"


class Service(models.TextChoices):
    PAPER_COPIES = "paper_copies", "Paper copies of results"
    REPLACEMENT_CERTIFICATE = "replacement_certificate", "Replacement certificate"
    CERTIFYING_STATEMENT = "certifying_statement", "Certifying statement"
    RESULTS_TO_INSTITUTION = "results_to_institution", "Results sent to a university or employer"


# The service level each service is measured against (SERVICE_LEVELS.md); results to an
# institution have none of their own: they go at the release instant.
CLOCKS = {
    Service.PAPER_COPIES: "results.paper_copies",
    Service.REPLACEMENT_CERTIFICATE: "certificates.replacement",
    Service.CERTIFYING_STATEMENT: "certifying_statement.despatch",
}
# What an exams officer asks for; a certifying statement is the learner's own request.
OFFICER_SERVICES = [
    Service.PAPER_COPIES,
    Service.REPLACEMENT_CERTIFICATE,
    Service.RESULTS_TO_INSTITUTION,
]


class ServiceRequest(Case):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        SCHEDULED = "scheduled", "Waiting for results day"
        DESPATCHED = "despatched", "Despatched"
        SENT = "sent", "Sent"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    MOVES = Moves(
        [
            move(
                "despatch",
                sources=[Status.RECEIVED],
                to=Status.DESPATCHED,
                permission=HANDLE,
                label="Record the despatch",
            ),
            # The portal sends at the release instant (by nobody); the results team may send
            # one the sweep has not reached yet, never before results are out.
            move(
                "send",
                sources=[Status.SCHEDULED],
                to=Status.SENT,
                permission=HANDLE,
                label="Send the results now",
            ),
            move(
                "decline",
                sources=[Status.RECEIVED, Status.SCHEDULED],
                to=Status.DECLINED,
                permission=HANDLE,
                label="Decline the request",
            ),
            move(
                "withdraw",
                sources=[Status.RECEIVED, Status.SCHEDULED],
                to=Status.WITHDRAWN,
                centre=True,
                label="Withdraw the request",
            ),
        ]
    )
    OPEN_STATUSES = [Status.RECEIVED, Status.SCHEDULED]
    REFERENCE_PREFIX = "SRV"

    status = models.CharField(max_length=20, choices=Status, default=Status.RECEIVED)
    service = models.CharField(max_length=30, choices=Service)
    series = models.ForeignKey("entries.Series", on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        "entries.Candidate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The candidate as named in the request (a learner's application names a candidate the
    # portal may not hold: results of earlier years).
    candidate_name = models.CharField(max_length=200)
    candidate_number = models.CharField(max_length=4, blank=True)
    centre_number = models.CharField(max_length=10, blank=True)
    uci = models.CharField("unique candidate identifier", max_length=13, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    contact_email = models.EmailField(
        blank=True, help_text="The learner's address (a certifying statement)."
    )
    delivery_address = models.TextField(blank=True)
    recipient_name = models.CharField(
        max_length=200, blank=True, help_text="The university or employer."
    )
    recipient_email = models.EmailField(blank=True)
    details = models.TextField(blank=True, help_text="What the requester told us.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    despatched_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was despatched or sent."
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.TextField(blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta(Case.Meta):
        verbose_name = "post-results service request"
        indexes = [
            *Case.Meta.indexes,
            models.Index(fields=["status", "centre"], name="srv_status_centre"),
            # The results-day sweep: scheduled requests, by series.
            models.Index(fields=["status", "series"], name="srv_status_series"),
        ]

    @property
    def clock_code(self) -> str | None:
        return CLOCKS.get(self.service)

    @property
    def from_learner(self) -> bool:
        return self.service == Service.CERTIFYING_STATEMENT


HANDLE_CERTIFICATES = "postresults.change_certificatedespatch"
CERTIFICATES_CLOCK = "certificates.despatch"


class CertificateDespatch(Case):
    """The certificates of one centre's candidates in one series: opened by the portal at
    the series' release instant when the centre has issued results, due within two months
    of it (``certificates.despatch``). The results team records the despatch (courier,
    tracking reference, date), or holds it while waiting on the centre (a delivery address
    to confirm, fees to pay), which pauses the clock."""

    class Status(models.TextChoices):
        DUE = "due", "Due for despatch"
        HELD = "held", "On hold: waiting on the centre"
        DESPATCHED = "despatched", "Despatched"

    MOVES = Moves(
        [
            move(
                "despatch",
                sources=[Status.DUE, Status.HELD],
                to=Status.DESPATCHED,
                permission=HANDLE_CERTIFICATES,
                label="Record the despatch",
            ),
            move(
                "hold",
                sources=[Status.DUE],
                to=Status.HELD,
                permission=HANDLE_CERTIFICATES,
                label="Hold: waiting on the centre",
            ),
            move(
                "resume",
                sources=[Status.HELD],
                to=Status.DUE,
                permission=HANDLE_CERTIFICATES,
                label="End the hold",
            ),
        ]
    )
    OPEN_STATUSES = [Status.DUE, Status.HELD]
    REFERENCE_PREFIX = "CRT"

    status = models.CharField(max_length=20, choices=Status, default=Status.DUE)
    series = models.ForeignKey("entries.Series", on_delete=models.PROTECT, related_name="+")
    candidates_covered = models.PositiveIntegerField(
        default=0, help_text="Candidates with issued results: their certificates are in it."
    )
    candidates_held = models.PositiveIntegerField(
        default=0,
        help_text="Candidates with results held by quality assurance or withheld: those "
        "results are not certificated yet.",
    )
    counted_at = models.DateTimeField(null=True, blank=True)
    courier = models.CharField(max_length=100, blank=True)
    tracking_reference = models.CharField(max_length=100, blank=True)
    despatched_on = models.DateField(null=True, blank=True)
    despatched_at = models.DateTimeField(
        null=True, blank=True, help_text="When the despatch was recorded."
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hold_reason = models.TextField(blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta(Case.Meta):
        verbose_name = "certificate despatch"
        verbose_name_plural = "certificate despatches"
        constraints = [
            # One per centre and series: two sweeps opening it at once meet here.
            models.UniqueConstraint(
                fields=["centre", "series"], name="certificates_once_per_series"
            )
        ]
        indexes = [
            *Case.Meta.indexes,
            models.Index(fields=["status", "centre"], name="crt_status_centre"),
        ]

    def get_absolute_url(self):
        return reverse("postresults:certificates:detail", args=[self.reference])

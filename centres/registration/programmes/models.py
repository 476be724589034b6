"""Requests from a centre to offer additional programmes, answered by the registration team
within the published three working days (``programmes.respond``)."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from portal.cases.models import Case, CaseQuerySet
from portal.centres.programmes import Programme
from portal.workflow import Moves, move

CHANGE = "registration.change_programmerequest"
RESPOND = "programmes.respond"


class ProgrammeRequest(Case):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        GRANTED = "granted", "Granted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    MOVES = Moves(
        [
            move(
                "grant",
                sources=[Status.RECEIVED],
                to=Status.GRANTED,
                permission=CHANGE,
                label="Grant the request",
            ),
            move(
                "decline",
                sources=[Status.RECEIVED],
                to=Status.DECLINED,
                permission=CHANGE,
                label="Decline the request",
            ),
            move(
                "withdraw",
                sources=[Status.RECEIVED],
                to=Status.WITHDRAWN,
                centre=True,
                label="Withdraw the request",
            ),
        ]
    )
    OPEN_STATUSES = [Status.RECEIVED]
    REFERENCE_PREFIX = "PRG"

    status = models.CharField(max_length=20, choices=Status, default=Status.RECEIVED)
    programmes = models.JSONField(
        default=list, help_text="The programmes the centre asks to offer (Programme values)."
    )
    reason = models.TextField(blank=True, help_text="What the centre told us about its plans.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.TextField(
        blank=True, help_text="The registration team's answer: why, when it is declined."
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta(Case.Meta):
        ordering = ["-created_at"]
        verbose_name = "programme request"
        indexes = [*Case.Meta.indexes, models.Index(fields=["status", "centre"])]

    def get_absolute_url(self):
        return reverse("programmes:detail", args=[self.reference])

    @property
    def programme_labels(self) -> list[str]:
        return [Programme(p).label for p in self.programmes if p in Programme.values]

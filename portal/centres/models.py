"""Centres and who belongs to them: the shared answer to "which centres may this user see"."""

import zoneinfo

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.centres.number_format import validate_centre_number
from portal.workflow import Moves, RecordsMoves, move
from portal.zones import validate_time_zone

CHANGE = "centres.change_centre"


class CentreQuerySet(models.QuerySet):
    def visible_to(self, user):
        """All centres for active staff, their memberships' centres for exams officers,
        none for anyone else."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(pk__in=Membership.objects.filter(user=user).values("centre_id"))


class Centre(RecordsMoves):
    """A school or college registered to run the awarding body's exams."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        CLOSED = "closed", "Closed"

    MOVES = Moves(
        [
            move("suspend", sources=[Status.ACTIVE], to=Status.SUSPENDED, permission=CHANGE),
            move("reinstate", sources=[Status.SUSPENDED], to=Status.ACTIVE, permission=CHANGE),
            move(
                "close",
                sources=[Status.ACTIVE, Status.SUSPENDED],
                to=Status.CLOSED,
                permission=CHANGE,
            ),
        ]
    )

    number = models.CharField(
        max_length=10,
        unique=True,
        validators=[validate_centre_number],
        help_text="Two capital letters of the country and three digits, e.g. GB001.",
    )
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, help_text="ISO 3166 country code, e.g. GB.")
    timezone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.ACTIVE)
    email = models.EmailField(blank=True, help_text="The exams office's address for notices.")
    programmes = models.JSONField(
        default=list, blank=True, help_text="The programmes the centre offers (Programme values)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CentreQuerySet.as_manager()

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Membership(models.Model):
    """An exams officer's place at a centre; a user may serve several centres."""

    class Role(models.TextChoices):
        EXAMS_OFFICER = "exams_officer", "Exams officer"
        HEAD_OF_CENTRE = "head_of_centre", "Head of centre"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role, default=Role.EXAMS_OFFICER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "centre"], name="membership_unique_user_centre")
        ]
        ordering = ["centre__number"]

    def __str__(self):
        return f"{self.user} at {self.centre.number}"


class CentreNumberCounter(models.Model):
    """The last centre number given in a country: ``allocate_centre_number`` locks this row,
    so that two approvals at once never get the same number."""

    country = models.CharField(max_length=2, primary_key=True)
    last = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return f"{self.country}{self.last:03d}"


INVITE = "centres.change_centre"


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Invitations that can still be accepted: not used, not withdrawn, not expired."""
        return self.filter(status=Invitation.Status.PENDING, expires_at__gt=now or timezone.now())


class Invitation(RecordsMoves):
    """An invitation by email to join a centre, with the role the inviter chose.

    The link's token is never kept: only its SHA-256 (``token_hash``), so the table alone
    opens no centre. An invitation works once, until ``expires_at``, and only for an
    account whose email address is the one invited.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    MOVES = Moves(
        [
            # The portal makes this move itself (``by=None``) once the token, the address
            # and the dates have been checked: the invitee is not yet one of the centre's.
            move("accept", sources=[Status.PENDING], to=Status.ACCEPTED, permission=INVITE),
            move(
                "withdraw",
                sources=[Status.PENDING],
                to=Status.WITHDRAWN,
                centre=True,
                permission=INVITE,
            ),
        ]
    )

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="The address invited: only its account may accept.")
    role = models.CharField(
        max_length=20, choices=Membership.Role, default=Membership.Role.EXAMS_OFFICER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["centre", "status"])]

    def __str__(self):
        return f"{self.email} to {self.centre.number}"

    def is_expired(self, now=None) -> bool:
        return self.status == self.Status.PENDING and (now or timezone.now()) >= self.expires_at

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from knox.models import AbstractAuthToken, AuthTokenManager

from portal.zones import validate_time_zone


class User(AbstractUser):
    """A person who signs in: an exams officer of one or more centres, or staff.

    Staff of the awarding body have ``is_staff`` and belong to role groups (see roles.py);
    exams officers reach their centres through ``centres.Membership``.
    """

    email = models.EmailField("email address", blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Shown times use this zone; blank means the zone of the user's first centre.",
    )

    class Meta:
        ordering = ["username"]
        indexes = [
            # Staff by name (the complaints queue's "assigned to" filter) without reading the
            # hundreds of thousands of officers and learners.
            models.Index(
                fields=["username"], condition=models.Q(is_staff=True), name="user_staff_username"
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def has_two_factor(self) -> bool:
        from django_otp import user_has_device

        return user_has_device(self, confirmed=True)

    def has_perm(self, perm, obj=None):
        """Django's answer, kept on this instance for the rest of its life, as Django keeps
        the permissions it reads (``_perm_cache``): a list of cases asks the same few
        permissions for every row (each case's moves), and each ask would go through every
        backend again. The answer is kept per active and superuser flag, which Django checks
        before any backend."""
        if obj is not None:
            return super().has_perm(perm, obj)
        key = (perm, self.is_active, self.is_superuser)
        answers = self.__dict__.setdefault("_has_perm_answers", {})
        if key not in answers:
            answers[key] = super().has_perm(perm)
        return answers[key]

    def role_names(self) -> list[str]:
        return sorted(group.name for group in self.groups.all())


class ApiTokenQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user)

    def live(self, now=None):
        now = now or timezone.now()
        return self.filter(models.Q(expiry__isnull=True) | models.Q(expiry__gt=now))

    def expired(self, now=None):
        return self.filter(expiry__lte=now or timezone.now())


class ApiTokenManager(AuthTokenManager.from_queryset(ApiTokenQuerySet)):
    pass


class ApiToken(AbstractAuthToken):
    """An API token of one device of one person (django-rest-knox keeps only its hash).

    ``public_id`` names the token in lists and revocation URLs: the digest is the primary key
    and, although it is a hash, it stays out of every answer.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    device_name = models.CharField(max_length=100)
    last_used_at = models.DateTimeField(null=True, blank=True)
    two_factor = models.BooleanField(
        default=False, help_text="Issued after a code from the person's authenticator app."
    )

    objects = ApiTokenManager()

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.device_name} ({self.user})"


class IdempotentRequestQuerySet(models.QuerySet):
    def older_than(self, instant):
        return self.filter(created_at__lt=instant)


class IdempotentRequest(models.Model):
    """A creating API request sent with an ``Idempotency-Key``, and the answer it got.

    A retry with the same key gets the stored answer instead of a second case. Rows are kept
    for IDEMPOTENCY_KEY_TTL_HOURS, then swept away.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotent_requests"
    )
    key = models.CharField(max_length=255)
    # SHA-256 of the method, the path with its query and the body: one key, one request.
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Empty while the first request is still being answered.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(default=b"")
    response_headers = models.JSONField(default=dict)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = IdempotentRequestQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_user_key")
        ]

    def __str__(self):
        return f"{self.method} {self.path} ({self.key})"

    @property
    def in_flight(self) -> bool:
        return self.status_code is None

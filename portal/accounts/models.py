import functools
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, models
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
        if "_perm_cache" not in self.__dict__:
            # Nothing read yet, or Django's caches dropped to read them again: so are these.
            self.__dict__.pop("_has_perm_answers", None)
        key = (perm, self.is_active, self.is_superuser)
        answers = self.__dict__.setdefault("_has_perm_answers", {})
        if key not in answers:
            self._read_permissions()
            answers[key] = super().has_perm(perm)
        return answers[key]

    def has_module_perms(self, app_label):
        self._read_permissions()
        return super().has_module_perms(app_label)

    def get_all_permissions(self, obj=None):
        if obj is None:
            self._read_permissions()
        return super().get_all_permissions(obj)

    def _read_permissions(self) -> None:
        """What Django's ``ModelBackend`` reads in two queries at a request's first question
        about permissions (the person's own, then their roles'), read in one and kept where
        the backend keeps them, so that it asks nothing more. Every staff request asks (its
        roles are checked at each), and they are kept in the cache between requests
        (``kept_permissions``); an inactive person, a superuser (every permission) and one
        already read are left to Django as before."""
        from portal.accounts import kept_permissions

        if "_perm_cache" in self.__dict__ or not self.is_active or self.is_superuser:
            return
        if self.pk is None:
            return
        kept, generation = kept_permissions.recall(self.pk)
        if kept is not None:
            own, roles = kept
        else:
            with connections[self._state.db or DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute(_permissions_sql(), [self.pk, self.pk])
                rows = cursor.fetchall()
            own = {f"{app}.{codename}" for app, codename, via_role in rows if not via_role}
            roles = {f"{app}.{codename}" for app, codename, via_role in rows if via_role}
            if generation is not None:
                kept_permissions.keep(self.pk, generation, own, roles)
        self._user_perm_cache = own
        self._group_perm_cache = roles
        self._perm_cache = own | roles

    def role_names(self) -> list[str]:
        return sorted(group.name for group in self.groups.all())


@functools.cache
def _permissions_sql() -> str:
    """A person's own permissions and their roles' (``app_label``, ``codename``, whether
    by a role), as ``ModelBackend`` reads them, in one query."""
    user_permissions = User.user_permissions.through._meta.db_table
    user_groups = User.groups.through._meta.db_table
    group_permissions = Group.permissions.through._meta.db_table
    permission = Permission._meta.db_table
    content_type = ContentType._meta.db_table
    read = (
        f"SELECT ct.app_label, p.codename, {{via_role}} FROM {permission} p"
        f" JOIN {content_type} ct ON ct.id = p.content_type_id"
    )
    return (
        read.format(via_role="FALSE")
        + f" JOIN {user_permissions} up ON up.permission_id = p.id WHERE up.user_id = %s"
        + " UNION ALL "
        + read.format(via_role="TRUE")
        + f" JOIN {group_permissions} gp ON gp.permission_id = p.id"
        + f" JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s"
    )


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

"""The case base: the fields the public contract gives every case, and the queries on them."""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core import checks
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal.calendar import end_of_day, london_date
from portal.permissions import CentreScopedQuerySet, centre_ids_visible_to, is_staff_user
from portal.uploads.models import AttachmentsRelation
from portal.workflow import RecordsMoves, centre_ids_of

DUE_WINDOWS = {"overdue": "Overdue", "today": "Due today", "week": "Due in 7 days"}


def view_permission(model) -> str:
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


def role_refuses(user, model) -> bool:
    """Whether ``user`` is staff whose roles do not work with cases of ``model``: pages and
    the API answer them 403, and ``visible_to`` shows them none."""
    return is_staff_user(user) and not user.has_perm(view_permission(model))


@dataclass(frozen=True)
class Queue:
    """How a case type's cases go from team to team: ``field`` holds the staff role whose
    queue a case is in, ``intake`` takes every case in and sees them all, and ``teams`` are
    the roles a case may be passed to (the app's ``roles.py`` gives each ``working``)."""

    field: str
    intake: str
    teams: tuple[str, ...]

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(team, team) for team in self.teams]


class CaseQuerySet(CentreScopedQuerySet):
    def in_queue_of(self, user):
        """The cases in ``user``'s staff queue (``CaseQueueAdmin``): all of them, unless the
        case type passes its cases from team to team (``QUEUE``, see ``Case``)."""
        queue = self.model.QUEUE
        if queue is None:
            return self
        teams = set(user.groups.values_list("name", flat=True))
        if user.is_superuser or queue.intake in teams:
            return self
        return self.filter(**{f"{queue.field}__in": teams})

    def visible_to(self, user, *, listed: bool = False, through: str | None = None):
        """Officers: their centres' cases, and the cases they own (``OWNER_FIELD``). Staff:
        every case, if their role works with this kind of case (``view_<model>``); none
        otherwise. ``listed``, ``through``: as ``CentreScopedQuerySet.visible_to``."""
        if role_refuses(user, self.model):
            return self.none()
        owner = getattr(self.model, "OWNER_FIELD", None)
        if owner is None or is_staff_user(user) or not (user and user.is_authenticated):
            return super().visible_to(user, listed=listed, through=through)
        if not user.is_active:
            return self.none()
        centres = sorted(centre_ids_of(user)) if listed else centre_ids_visible_to(user)
        return self.filter(
            models.Q(**{f"{through or self.centre_field}__in": centres}) | models.Q(**{owner: user})
        )

    def open(self):
        return self.filter(status__in=self.model.OPEN_STATUSES)

    def due_within(self, window: str, *, now: dt.datetime | None = None):
        """Cases with a deadline that is ``overdue``, due ``today`` (by the end of today in
        London) or within a ``week``, the last two not yet overdue; nearest first.

        Read from the stored ``next_due`` through its index: a waiting clock past its due
        instant is overdue (running past due, or breached at its due instant and not yet
        stopped), so a case is overdue exactly when its earliest waiting deadline has passed,
        and due in a window when that earliest deadline falls inside it.
        """
        now = now or timezone.now()
        if window == "overdue":
            cases = self.filter(next_due__lt=now)
        elif window == "today":
            cases = self.filter(next_due__gte=now, next_due__lte=end_of_day(london_date(now)))
        elif window == "week":
            # To the end of the seventh London day: clocks fall due at the end of a day.
            week = end_of_day(london_date(now) + dt.timedelta(days=7))
            cases = self.filter(next_due__gte=now, next_due__lte=week)
        else:
            raise ValueError(f"Unknown due window {window!r}.")
        return cases.order_by(next_due_first(), "pk")

    def overdue(self, now: dt.datetime | None = None):
        return self.due_within("overdue", now=now)

    def due_today(self, now: dt.datetime | None = None):
        return self.due_within("today", now=now)


def link(to, *, on_delete=models.PROTECT, **options) -> models.ForeignKey:
    """A case's optional link to another row (a syllabus, a candidate, the person who acted),
    never followed back: ``syllabus = link("entries.Syllabus")``."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=on_delete, related_name="+", **options
    )


def next_due_first():
    """Whatever is due soonest first; cases without a waiting deadline last."""
    return models.F("next_due").asc(nulls_last=True)


class Case(RecordsMoves):
    """Abstract base of every case type.

    A case type adds its own fields, declares ``status`` with its own choices and default,
    ``REFERENCE_PREFIX`` (e.g. ``"CMP"``), ``OPEN_STATUSES`` and ``MOVES`` (its life cycle,
    ``portal.workflow.Moves``), and uses ``CaseQuerySet`` (or a subclass) as its manager.
    A case that belongs to a person before it belongs to a centre (a school's application
    to become one) names the foreign key to that person in ``OWNER_FIELD``: they see it,
    and make the moves marked ``owner=True``. A case passed from team to team declares
    ``QUEUE``: each team's staff queue holds its own.
    """

    REFERENCE_PREFIX = ""
    OPEN_STATUSES: list[str] = []
    OWNER_FIELD: str | None = None
    # A case type whose cases go from team to team declares its ``Queue``.
    QUEUE: Queue | None = None

    reference = models.CharField(max_length=20, unique=True, editable=False)
    status = models.CharField(max_length=30)
    centre = models.ForeignKey(
        "centres.Centre", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The earliest due instant among the case's clocks still waiting for someone to act
    # (``portal.sla.models.WAITING``), kept by the clocks (``portal.sla.services``) so that
    # queues sort and filter by next deadline through an index, not a subquery per row.
    next_due = models.DateTimeField(null=True, blank=True, editable=False)
    # The engine's clocks of this case, so that a list prefetches them in one query.
    deadlines = GenericRelation("sla.Clock", for_concrete_model=False)
    # Files attached to the case (portal.uploads), checked against the case type's policy.
    files = AttachmentsRelation()

    objects = CaseQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        # The queues' order, next due first and undated cases last (a B-tree keeps nulls
        # last), read from this index: a case type whose Meta declares its own ``indexes``
        # keeps this one with ``[*Case.Meta.indexes, ...]``.
        indexes = [
            models.Index(fields=["next_due", "created_at"], name="%(class)s_next_due"),
            # The lists' order, newest first (``-created_at, -pk``): a page of fifty is read
            # from the index's end, fifty rows, before anything is joined to them (the
            # creation instant alone left ties to sort, and every row joined first).
            models.Index(fields=["created_at", "id"], name="%(class)s_created"),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self) -> str:
        """The case's page, ``<app label>:detail`` (``CaseType.urls()`` under the app's
        label); a case type whose page is named otherwise says where it is."""
        return reverse(f"{self._meta.app_label}:detail", args=[self.reference])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


def pageless_case_types() -> list[type[Case]]:
    """The case types whose page (``Case.get_absolute_url``) names a URL that is not there."""
    missing = []
    for model in apps.get_models():
        if not issubclass(model, Case) or model.get_absolute_url is not Case.get_absolute_url:
            continue
        try:
            reverse(f"{model._meta.app_label}:detail", args=["X"])
        except NoReverseMatch:
            missing.append(model)
    return missing


@checks.register(checks.Tags.urls)
def check_case_pages(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """A case's notices and queues link to its page: one that is not there fails
    ``manage.py check`` before the first notice links to nowhere."""
    return [
        checks.Error(
            f"{model._meta.label} has no page {model._meta.app_label}:detail.",
            hint="Serve CaseType.urls() under the app's label, or give the model its own "
            "get_absolute_url().",
            obj=model,
            id="cases.E001",
        )
        for model in pageless_case_types()
    ]


class Decided(models.Model):
    """A case that staff decide, saying why: who decided, when, and the note the centre is
    told (``portal.cases.services.decide_case`` fills them)."""

    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_decided",
    )
    decision_note = models.TextField(blank=True, help_text="What the centre is told.")

    class Meta:
        abstract = True

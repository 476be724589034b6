"""Service levels as data, the clocks that keep them, and the notices they send.

A ``ServiceLevel`` is one commitment of a charter ("we acknowledge a complaint within two
working days"). A ``Clock`` measures one case against one service level. A ``Notice`` is
one reminder or breach notice of a clock; its identity is unique in the database so that
it goes out exactly once however many sweeps run.
"""

import functools
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from portal.calendar import Unit, end_of_day, london_date
from portal.permissions import CentreScopedQuerySet
from portal.statements import AnyOf, Equals, InstantText, Slot, Statement


class ServiceLevel(models.Model):
    CENTRE = "centre"

    code = models.CharField(
        max_length=60,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$",
                "Lower-case words joined by dots, e.g. complaint.acknowledge.",
            )
        ],
    )
    name = models.CharField(max_length=200)
    case = models.CharField(max_length=200, help_text="What the case is, e.g. complaint.")
    clock_starts = models.CharField(max_length=200, blank=True)
    clock_stops = models.CharField(max_length=200, blank=True)
    limit_value = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty when staff set the due date of each case."
    )
    limit_unit = models.CharField(max_length=20, choices=Unit, blank=True)
    limit_text = models.CharField(
        max_length=200, blank=True, help_text="The commitment in the charter's own words."
    )
    responsible = models.CharField(
        max_length=60,
        default=CENTRE,
        help_text='"centre" when the centre must act, else the staff role that must.',
    )
    reminders = models.JSONField(
        default=list,
        blank=True,
        help_text="Hours before the due instant at which to remind, e.g. [48, 24]. Reminders "
        "go out in office hours of the recipient.",
    )
    breach_roles = models.JSONField(
        default=list, blank=True, help_text="Staff roles told when the deadline is missed."
    )
    source = models.CharField(max_length=200, blank=True, help_text="The document it comes from.")
    charter = models.CharField(max_length=40)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}: {self.limit_description}"

    @property
    def limit_description(self) -> str:
        if self.limit_value is None:
            return self.limit_text or "set per case"
        unit = Unit(self.limit_unit).label
        if self.limit_value == 1:
            unit = unit.removesuffix("s")
        return "same working day" if self.limit_value == 0 else f"{self.limit_value} {unit}"

    @property
    def promise(self) -> str:
        """The commitment as a letter to the customer puts it: "within 2 working days"."""
        if self.limit_value is None:
            return "by the date we give you"
        if self.limit_value == 0:
            return "on the same working day"
        return f"within {self.limit_description}"

    @property
    def centre_responsible(self) -> bool:
        return self.responsible == self.CENTRE

    def clean(self):
        if (self.limit_value is None) != (not self.limit_unit):
            raise ValidationError("Give both a limit and its unit, or neither.")
        if not all(isinstance(h, int) and h > 0 for h in self.reminders or []):
            raise ValidationError({"reminders": "A list of whole hours, e.g. [48, 24]."})
        from portal.accounts.roles import ROLES

        unknown = [
            r for r in [*self.breach_roles, self.responsible] if r not in {*ROLES, self.CENTRE}
        ]
        if unknown:
            raise ValidationError(f"Unknown roles: {', '.join(unknown)}. Use {', '.join(ROLES)}.")


class ClockQuerySet(CentreScopedQuerySet):
    def for_case(self, case):
        return self.filter(
            content_type=ContentType.objects.get_for_model(case, for_concrete_model=False),
            object_id=case.pk,
        )

    def open(self):
        """Clocks still waiting for someone to act: running, paused, or breached and not
        yet stopped."""
        return self.filter(OPEN)

    def due(self, now):
        # Served by the partial index clock_running_due: only running clocks are in it.
        return self.filter(state=Clock.State.RUNNING, due_at__lt=now)

    def reminders_due(self, now):
        return self.filter(state=Clock.State.RUNNING, remind_at__lte=now)


class Clock(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        MET = "met", "Met"
        BREACHED = "breached", "Breached"
        CANCELLED = "cancelled", "Cancelled"

    # A breached clock may run again when staff give a complex case a later date.
    ALLOWED = {
        State.RUNNING: {State.PAUSED, State.MET, State.BREACHED, State.CANCELLED},
        State.PAUSED: {State.RUNNING, State.MET, State.CANCELLED},
        State.BREACHED: {State.RUNNING},
        State.MET: set(),
        State.CANCELLED: set(),
    }

    service_level = models.ForeignKey(ServiceLevel, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=60, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    # A number, not text (unlike the audit trail): cases have integer keys, and a number lets
    # a case declare ``GenericRelation(Clock)`` and prefetch its deadlines in one query.
    object_id = models.PositiveBigIntegerField()
    # Proxies stay themselves, as in the audit trail: a case is the model its app declared.
    case = GenericForeignKey("content_type", "object_id", for_concrete_model=False)
    reference = models.CharField(max_length=40, help_text="The case's reference when started.")
    centre = models.ForeignKey(
        "centres.Centre", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    series = models.ForeignKey(
        "entries.Series", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=20, choices=State, default=State.RUNNING)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    fixed_due_at = models.DateTimeField(
        null=True, blank=True, help_text="A due date staff gave this case, instead of the rule's."
    )
    paused_days = models.PositiveIntegerField(
        default=0, help_text="Whole days added back for the time the clock was paused."
    )
    round = models.PositiveSmallIntegerField(
        default=0, help_text="How many times staff gave a later date; each round has notices."
    )
    remind_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    # How long the clock took to its outcome, stored when it stops (a cancelled clock took
    # nothing), so that the dashboard's medians are computed in the database: in the unit
    # of its rule as the rule counts its limit (``portal.sla.dashboard.time_taken``), and
    # in hours.
    time_taken = models.FloatField(null=True, blank=True)
    time_taken_unit = models.CharField(max_length=20, choices=Unit, blank=True)
    hours_taken = models.FloatField(null=True, blank=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            # Two requests that start the same clock at once get one row between them.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "code"],
                condition=Q(state__in=["running", "paused"])
                | Q(state="breached", stopped_at__isnull=True),
                name="clock_one_open_per_case_and_code",
            )
        ]
        indexes = [
            # The sweep reads only what is due among the running clocks, whatever the table's
            # size; met and cancelled clocks never enter these indexes.
            models.Index(fields=["due_at"], condition=Q(state="running"), name="clock_running_due"),
            # Most clocks have no reminder left: leaving them out keeps this index small.
            models.Index(
                fields=["remind_at"],
                condition=Q(state="running", remind_at__isnull=False),
                name="clock_running_remind",
            ),
            # The clocks someone must still meet (WAITING), by due instant: the staff home
            # reads those due by tonight, the missed ones among them, and no other.
            models.Index(
                fields=["due_at"],
                condition=Q(state__in=["running", "breached"], stopped_at__isnull=True),
                name="clock_waiting_due",
            ),
            # A case's clocks, and with them every column a list of cases writes of them
            # (``deadlines_of``): a page's 250 clocks read from the index alone.
            models.Index(
                fields=["content_type", "object_id"],
                include=["code", "due_at", "state", "stopped_at", "started_at", "id"],
                name="clock_case_columns",
            ),
            models.Index(fields=["centre", "state", "due_at"], name="clock_centre_state_due"),
            # The dashboard and the public page choose clocks by the month they started; the
            # staff list reads them in this order (clocks started at one instant tie on the
            # time: with the id, a page reads its own rows and no more).
            models.Index(fields=["started_at", "id"], name="clock_started_id"),
            # The dashboard counts the open clocks at every ask, the stopped ones once a month.
            models.Index(
                fields=["started_at"],
                condition=Q(stopped_at__isnull=True),
                name="clock_open_started",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.code} ({self.state})"


# Where ``with_deadlines`` leaves each case's clocks: a list, not a manager.
DEADLINES = "deadline_list"


def with_deadlines(*, rules: bool = True) -> tuple:
    """For ``prefetch_related(*with_deadlines())``: every case's clocks, in one query for a
    whole list, and (``rules``) their service levels in one more, each level made once
    however many clocks keep it (a join would make one for every clock). The clocks go to a
    list on each case (``DEADLINES``, read by ``portal.sla.serializers.clocks_of`` and the
    pages' ``case.deadline_list``): a prefetch into the ``deadlines`` manager builds a
    filtered queryset for each case of the list, a third of an API list's time (measured)."""
    clocks = models.Prefetch("deadlines", queryset=Clock.objects.all(), to_attr=DEADLINES)
    return (clocks, f"{DEADLINES}__service_level") if rules else (clocks,)


class Deadline(NamedTuple):
    """A clock as a list of cases in the API writes it (``DeadlinesField``): its row's four
    values, its instants already written as the API writes them (``InstantText``), without
    a model made for it (``attach_deadlines``)."""

    code: str
    due_at: str | None
    state: str
    stopped_at: str | None


def deadlines_of(model: type[models.Model], pks: Sequence[int]) -> dict[int, list[Deadline]]:
    """The clocks of the cases of ``model`` whose keys are ``pks``, as ``Deadline`` rows by
    case, in their order: one query, reading four columns. A page of fifty cases has some
    250 clocks, and making a model of each was most of an API list's time (measured); only
    what writes the four values may read them (the API's ``deadlines``)."""
    if not pks:
        return {}
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    found: defaultdict[int, list[Deadline]] = defaultdict(list)
    for object_id, *clock in _clocks_of_cases().tuples(content_type=content_type.pk, pks=pks):
        found[object_id].append(Deadline(*clock))
    return found


@functools.cache
def _clocks_of_cases() -> Statement:
    """``deadlines_of``'s query, in the clocks' own order, made once: making it took as long
    as the database's answer (measured). Its columns are those of the index
    ``clock_case_columns``, which answers it alone on PostgreSQL."""
    return Statement(
        Clock.objects.filter(
            Equals(F("content_type_id"), Slot("content_type")),
            AnyOf(F("object_id"), Slot("pks")),
        )
        .order_by("started_at", "pk")  # the clocks' own order (``Clock.Meta.ordering``)
        # In ``Deadline``'s order (the state named anew to stand between the instants, which
        # are written by the database as the API writes them).
        .values(
            "object_id",
            "code",
            written_due_at=InstantText("due_at"),
            written_state=F("state"),
            written_stopped_at=InstantText("stopped_at"),
        )
    )


def attach_deadlines(cases: Sequence[models.Model]) -> None:
    """Every case's clocks as ``Deadline`` rows on its ``DEADLINES`` list (``deadlines_of``),
    for a page of cases of one type."""
    if not cases:
        return
    found = deadlines_of(type(cases[0]), [case.pk for case in cases])
    for case in cases:
        setattr(case, DEADLINES, found.get(case.pk, []))


OPEN = Q(state__in=[Clock.State.RUNNING, Clock.State.PAUSED]) | Q(
    state=Clock.State.BREACHED, stopped_at__isnull=True
)


def running_past_due(now) -> Q:
    # A running clock past its due instant is breached whether or not a sweep has said so.
    return Q(state=Clock.State.RUNNING, due_at__lt=now)


def missed(now) -> Q:
    """Missed its deadline, even if staff later gave the case a new date and it was met."""
    return Q(breached_at__isnull=False) | running_past_due(now)


# The one meaning of "overdue" and "due today", for clocks here and for cases in
# ``portal.cases`` (a case is overdue when one of its clocks is): every page, filter, queue
# and count uses these.

# Clocks someone must still meet: running, or missed and not yet done. A paused clock waits
# on the customer and is neither overdue nor due.
WAITING = Q(state=Clock.State.RUNNING) | Q(state=Clock.State.BREACHED, stopped_at__isnull=True)


def due_today(now) -> Q:
    """Running and due between now and the end of today in London (not yet overdue)."""
    return Q(state=Clock.State.RUNNING, due_at__gte=now, due_at__lte=end_of_day(london_date(now)))


def overdue(now) -> Q:
    """Past due and nobody has acted yet: the one meaning of "overdue" on every page."""
    return running_past_due(now) | Q(state=Clock.State.BREACHED, stopped_at__isnull=True)


def due_window(due_at, now) -> str | None:
    """``"overdue"``, ``"today"`` or None for the due instant of a waiting clock: the same
    meaning as ``overdue`` and ``due_today``, for one value already read."""
    if due_at is None:
        return None
    if due_at < now:
        return "overdue"
    if due_at <= end_of_day(london_date(now)):
        return "today"
    return None


class NoticeQuerySet(models.QuerySet):
    def ready(self, now):
        # Served by the partial index notice_pending: sent notices are not in it.
        return self.filter(state=Notice.State.PENDING, send_after__lte=now)

    def stale(self, before):
        return self.filter(state=Notice.State.SENDING, claimed_at__lt=before)


class Notice(models.Model):
    """One reminder or breach notice of a clock, sent exactly once.

    Its identity (clock, kind, round, step) is unique; a sender claims it by moving it from
    pending to sending with a conditional update, so only one sender ever owns it. A claim
    that grows stale (the sender died mid-send) is claimed again by a later sweep.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        BREACH = "breach", "Breach"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        DROPPED = "dropped", "Not needed"

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind)
    round = models.PositiveSmallIntegerField(default=0)
    step = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=20, choices=State, default=State.PENDING)
    created_at = models.DateTimeField()
    send_after = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["send_after", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "kind", "round", "step"], name="notice_unique_identity"
            )
        ]
        indexes = [
            models.Index(
                fields=["send_after"], condition=Q(state="pending"), name="notice_pending"
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(state="sending"), name="notice_sending"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.round}.{self.step} of {self.clock_id} ({self.state})"

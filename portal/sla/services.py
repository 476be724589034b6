"""Service-level clocks: the one way any app starts, pauses, stops or extends a deadline.

A case is any model instance with ``reference``, ``centre`` (a Centre or None) and
``get_absolute_url()``; ``series`` is picked up when it has one. Every change of a clock
locks its row, returns quietly when the clock is already where it was asked to go, refuses
a move ``Clock.ALLOWED`` does not allow, and writes an audit row.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from portal import audit
from portal.calendar import (
    LONDON,
    Unit,
    WorkingCalendar,
    end_of_day,
    forget_closure_days,
    london_date,
    working_calendar,
)
from portal.calendar.models import ClosureDay
from portal.errors import PortalError, TransitionNotAllowed
from portal.sla.models import WAITING, Clock, Notice, ServiceLevel
from portal.sla.names import deadline_called
from portal.sla.subjects import require_subject

State = Clock.State


class NoSuchClock(PortalError):
    """The case has no clock for that service level."""


def promised(code: str) -> ServiceLevel | None:
    """The active charter's rule for ``code``, or None when the charter makes no such
    promise (another awarding body's charter may not).

    A code that no charter has ever had is a mistake in the calling code, not a charter
    without that promise, and is refused.
    """
    rule = ServiceLevel.objects.filter(code=code).order_by("-active").first()
    if rule is None:
        raise PortalError(f"No active service level has the code {code!r}.", field="code")
    return rule if rule.active else None


def promise(code: str) -> str:
    """What the active charter promises for ``code``, in the words a letter uses ("within 2
    working days"), or a plain "as soon as we can" where it promises nothing."""
    rule = promised(code)
    return rule.promise if rule else "as soon as we can"


def get_service_level(code: str) -> ServiceLevel:
    try:
        return ServiceLevel.objects.get(code=code, active=True)
    except ServiceLevel.DoesNotExist:
        raise PortalError(f"No active service level has the code {code!r}.", field="code") from None


# Due dates ------------------------------------------------------------------------------


def compute_due_at(clock: Clock, rule: ServiceLevel, cal: WorkingCalendar) -> dt.datetime | None:
    """The rule's due instant (or the one staff fixed), plus the days paused so far."""
    if clock.fixed_due_at is not None:
        base = clock.fixed_due_at
    elif rule.limit_value is not None:
        base = cal.due_at(clock.started_at, value=rule.limit_value, unit=rule.limit_unit)
    else:
        return None
    return cal.extend(base, days=clock.paused_days, unit=rule.limit_unit)


def reminder_schedule(clock: Clock, rule: ServiceLevel) -> list[tuple[int, dt.datetime]]:
    """(step, instant) of each reminder that falls inside the clock's running time."""
    if clock.due_at is None:
        return []
    instants = [
        (step, clock.due_at - dt.timedelta(hours=hours))
        for step, hours in enumerate(rule.reminders or [])
    ]
    return sorted(
        ((step, at) for step, at in instants if at > clock.started_at), key=lambda s: s[1]
    )


def next_remind_at(clock: Clock, rule: ServiceLevel, *, after: dt.datetime) -> dt.datetime | None:
    return next((at for _, at in reminder_schedule(clock, rule) if at > after), None)


def _reschedule(clock: Clock, rule: ServiceLevel, cal: WorkingCalendar, *, now) -> list[str]:
    clock.due_at = compute_due_at(clock, rule, cal)
    clock.remind_at = next_remind_at(clock, rule, after=now)
    return ["due_at", "remind_at"]


# The case's next deadline -----------------------------------------------------------------

# A clock change that may move its case's earliest waiting deadline.
DUE_FIELDS = {"state", "due_at", "stopped_at"}


def store_next_due(clock: Clock) -> None:
    """Store on the clock's case (a ``portal.cases`` case; other models have no such column)
    the earliest due instant among its clocks still waiting for someone to act, in one
    UPDATE: the queues then sort and filter by an indexed column."""
    model = clock.content_type.model_class()
    if model is None or "next_due" not in {f.name for f in model._meta.concrete_fields}:
        return
    earliest = (
        Clock.objects.filter(
            WAITING, content_type_id=clock.content_type_id, object_id=OuterRef("pk")
        )
        # A clock without a date yet (staff set it later) is no deadline; SQLite would
        # sort it first.
        .filter(due_at__isnull=False)
        .order_by("due_at")
        .values("due_at")[:1]
    )
    model._base_manager.filter(pk=clock.object_id).update(next_due=Subquery(earliest))


def _forget_month(started_at: dt.datetime) -> None:
    """Once committed, the dashboard's cached figures of the month ``started_at`` is in."""
    from portal.sla.dashboard import forget_medians

    transaction.on_commit(lambda: forget_medians(started_at))


def _record_time_taken(clock: Clock) -> list[str]:
    """Store how long a clock that has just stopped took (``Clock.time_taken``)."""
    from portal.sla.dashboard import ONE_HOUR, time_taken

    spent = time_taken(
        london_date(clock.started_at),
        london_date(clock.stopped_at),
        paused_days=clock.paused_days,
        unit=clock.service_level.limit_unit,
        cal=working_calendar(),
    )
    clock.time_taken, clock.time_taken_unit = spent.value, spent.unit
    clock.hours_taken = (clock.stopped_at - clock.started_at) / ONE_HOUR
    _forget_month(clock.started_at)
    return ["time_taken", "time_taken_unit", "hours_taken"]


def _save(clock: Clock, fields: list[str]) -> None:
    clock.save(update_fields=fields)
    if DUE_FIELDS & set(fields):
        store_next_due(clock)


# Moves ----------------------------------------------------------------------------------


def _move(clock: Clock, to: str, *, by, at, fields: list[str], data: dict | None = None):
    if to not in Clock.ALLOWED[clock.state]:
        raise TransitionNotAllowed(
            f"{clock.reference}: the {deadline_called(clock.code)} is {clock.state}; "
            f"it cannot become {to}."
        )
    before, clock.state = clock.state, to
    _save(clock, ["state", *fields])
    audit.record(
        clock,
        "status",
        by=by,
        at=at,
        summary=f"{clock.code}: {before} → {to}",
        data={"from": before, "to": to, **(data or {})},
    )
    return clock


def mark_breached(clock: Clock, *, now: dt.datetime, by=None) -> Clock:
    """Record a missed deadline on a locked running clock and queue its breach notice once."""
    clock.breached_at = clock.due_at
    _move(clock, State.BREACHED, by=by, at=now, fields=["breached_at"])
    Notice.objects.bulk_create(
        [
            Notice(
                clock=clock,
                kind=Notice.Kind.BREACH,
                round=clock.round,
                step=0,
                created_at=now,
                send_after=now,
            )
        ],
        ignore_conflicts=True,
    )
    return clock


def subjects_with_clock(model, *, code: str):
    """The primary keys of ``model``'s rows that have (or had) a clock for ``code``: a
    subquery, for the watches that start clocks on rows that have none yet."""
    return Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        code=code,
    ).values("object_id")


def _locked_open(case, code: str) -> Clock | None:
    return Clock.objects.for_case(case).filter(code=code).open().select_for_update().first()


def _latest(case, code: str) -> Clock | None:
    return Clock.objects.for_case(case).filter(code=code).order_by("-started_at", "-pk").first()


def _settle(clock: Clock, *, at: dt.datetime, by=None) -> None:
    """A running clock whose due instant has passed is breached, sweep or no sweep."""
    if clock.state == State.RUNNING and clock.due_at is not None and at > clock.due_at:
        mark_breached(clock, now=at, by=by)


def start_clock(
    case, *, code: str, at: dt.datetime | None = None, due_at: dt.datetime | None = None
) -> Clock | None:
    """Start measuring ``case`` against service level ``code``.

    Steps: answer None when the active charter makes no promise for ``code`` (the case goes
    on without a clock); answer the open clock if one already runs for this case and code;
    otherwise
    compute the due instant (the rule's, or ``due_at`` when staff set the date of this case,
    taken to the end of its London day) and the first reminder; insert the clock. Two
    concurrent starts meet at the unique constraint and both answer the same row.
    """
    at = at or timezone.now()
    require_subject(case)
    rule = promised(code)
    if rule is None:
        return None
    existing = Clock.objects.for_case(case).filter(code=code).open().first()
    if existing is not None:
        return existing
    centre = getattr(case, "centre", None)
    clock = Clock(
        service_level=rule,
        code=code,
        case=case,
        reference=case.reference,
        centre=centre,
        series=getattr(case, "series", None),
        started_at=at,
        fixed_due_at=end_of_day(london_date(due_at)) if due_at else None,
    )
    _reschedule(clock, rule, working_calendar(), now=at)
    try:
        with transaction.atomic():
            clock.save()
            store_next_due(clock)
    except IntegrityError:
        existing = Clock.objects.for_case(case).filter(code=code).open().first()
        if existing is None:
            raise
        return existing
    audit.record(clock, "start", at=at, summary=f"{code} due {_when(clock.due_at)}")
    return clock


def stop_clock(case, *, code: str, at: dt.datetime | None = None, by=None) -> Clock | None:
    """Stop the case's clock for ``code``: met when on time, else it stays breached.

    Steps: lock the open clock (answer the latest clock unchanged if none is open, or None
    if the case never had one); a running clock past its due instant is breached first;
    record when it stopped.
    """
    at = at or timezone.now()
    with transaction.atomic():
        clock = _locked_open(case, code)
        if clock is None:
            return _latest(case, code)
        _settle(clock, at=at)
        clock.stopped_at = at
        clock.remind_at = None
        fields = ["stopped_at", "remind_at", *_record_time_taken(clock)]
        if clock.state == State.BREACHED:
            _save(clock, fields)
            audit.record(clock, "stop", by=by, at=at, summary=f"{code}: stopped late")
            return clock
        return _move(clock, State.MET, by=by, at=at, fields=fields)


def pause_clock(case, *, code: str, at=None, by=None, reason: str = "") -> Clock:
    """Pause the clock while the case waits on the customer."""
    at = at or timezone.now()
    with transaction.atomic():
        clock = _locked_open(case, code)
        if clock is None:
            raise NoSuchClock(f"{case.reference} has no open {deadline_called(code)} to pause.")
        _settle(clock, at=at)
        if clock.state == State.PAUSED:
            return clock
        clock.paused_at = at
        return _move(
            clock, State.PAUSED, by=by, at=at, fields=["paused_at"], data={"reason": reason}
        )


def resume_clock(case, *, code: str, at=None, by=None) -> Clock:
    """Run a paused clock again, with the paused span added back.

    Steps: lock; answer a running clock unchanged; count the paused span in whole days of
    the rule's kind (working days for a working-day rule), rounded up; move the due instant
    and the next reminder accordingly.
    """
    at = at or timezone.now()
    with transaction.atomic():
        clock = _locked_open(case, code)
        if clock is None:
            raise NoSuchClock(f"{case.reference} has no open {deadline_called(code)} to resume.")
        if clock.state == State.RUNNING:
            return clock
        if clock.state != State.PAUSED:
            called = deadline_called(code)
            raise TransitionNotAllowed(f"{clock.reference}: the {called} is not paused.")
        rule = clock.service_level
        cal = working_calendar()
        unit = rule.limit_unit or Unit.DAYS
        added = cal.paused_days(clock.paused_at, at, unit=unit)
        clock.paused_days += added
        fields = _reschedule(clock, rule, cal, now=at)
        paused_at, clock.paused_at = clock.paused_at, None
        _move(
            clock,
            State.RUNNING,
            by=by,
            at=at,
            fields=["paused_at", "paused_days", *fields],
            data={"paused_at": paused_at.isoformat(), "days_added": added},
        )
        _settle(clock, at=at)
        return clock


def cancel_clocks(case, *, at=None, by=None) -> int:
    """Cancel every running or paused clock of a withdrawn case; answer how many. A clock
    already past due is not cancelled: its deadline was missed before the withdrawal, and it
    counts as missed whether or not a sweep has recorded it yet."""
    at = at or timezone.now()
    cancelled = 0
    with transaction.atomic():
        for clock in Clock.objects.for_case(case).open().select_for_update():
            # Missed, and no sweep has seen it yet: settled as the sweep would have.
            _settle(clock, at=at, by=by)
            clock.stopped_at, clock.remind_at = at, None
            if clock.state == State.BREACHED:
                # A missed deadline stays on record; the withdrawal only closes it.
                _save(clock, ["stopped_at", "remind_at", *_record_time_taken(clock)])
                continue
            _move(clock, State.CANCELLED, by=by, at=at, fields=["stopped_at", "remind_at"])
            # The withdrawn count of the month it started in changes (the dashboard's).
            _forget_month(clock.started_at)
            cancelled += 1
    return cancelled


def extend_clock(
    case, *, code: str, due_at: dt.datetime, by, reason: str, at: dt.datetime | None = None
) -> Clock:
    """Give a complex case a later due date (to the end of that London day).

    Steps: lock the open clock; refuse a date that is not later than the current one or a
    missing reason; start a new round of notices; a breached clock runs again, but its
    ``breached_at`` stays on record.
    """
    now = at or timezone.now()
    if not reason.strip():
        raise PortalError("Say why the case needs longer.", field="reason")
    with transaction.atomic():
        clock = _locked_open(case, code)
        if clock is None:
            raise NoSuchClock(f"{case.reference} has no open {deadline_called(code)} to extend.")
        # Past due, and no sweep has recorded it yet: settle the breach first, so that the
        # later date never hides a deadline that was missed.
        _settle(clock, at=now, by=by)
        new_due = end_of_day(london_date(due_at))
        if clock.due_at is not None and new_due <= clock.due_at:
            raise PortalError(
                f"The new date must be later than {_when(clock.due_at)}.", field="due_at"
            )
        old_due = clock.due_at
        clock.fixed_due_at, clock.paused_days = new_due, 0
        clock.round += 1
        fields = ["fixed_due_at", "paused_days", "round"]
        if clock.state != State.PAUSED:
            fields += _reschedule(clock, clock.service_level, working_calendar(), now=now)
        else:
            clock.due_at = new_due
            fields.append("due_at")
        data = {"from": _iso(old_due), "to": _iso(clock.due_at), "reason": reason}
        if clock.state == State.BREACHED:
            _move(clock, State.RUNNING, by=by, at=now, fields=fields, data=data)
        else:
            _save(clock, fields)
        audit.record(clock, "extend", by=by, at=now, summary=reason, data=data)
        return clock


def set_due_date(case, *, code: str, due_at: dt.datetime | None, by, at=None) -> int:
    """Set the date staff fixed for a rule without a limit of its own (``qa.review``: set
    per series), to the end of that London day; ``None`` clears it. Moves the open clock's
    due instant and reminders, earlier or later; answers 1 if a clock moved, else 0.
    A clock already breached stays breached (extend it instead).
    """
    now = at or timezone.now()
    with transaction.atomic():
        clock = _locked_open(case, code)
        if clock is None or clock.state == State.BREACHED:
            return 0
        fixed = end_of_day(london_date(due_at)) if due_at else None
        if fixed == clock.fixed_due_at:
            return 0
        old_due = clock.due_at
        clock.fixed_due_at = fixed
        fields = [
            "fixed_due_at",
            *_reschedule(clock, clock.service_level, working_calendar(), now=now),
        ]
        _save(clock, fields)
        data = {"from": _iso(old_due), "to": _iso(clock.due_at)}
        audit.record(
            clock, "due date", by=by, at=now, summary=f"{code} due {_when(clock.due_at)}", data=data
        )
        _settle(clock, at=now)
    return 1


# Rules and calendar ---------------------------------------------------------------------

RESCHEDULING_FIELDS = {"limit_value", "limit_unit", "reminders"}


def recompute_clocks(clocks, *, now: dt.datetime | None = None, cal=None) -> int:
    """Recompute the due instant and next reminder of the running and paused ``clocks``.

    Breached, met and cancelled clocks keep what happened to them. Answers how many moved.
    """
    now = now or timezone.now()
    cal = cal or working_calendar()
    moved = 0
    with transaction.atomic():
        locked = clocks.filter(state__in=[State.RUNNING, State.PAUSED]).select_for_update()
        for clock in locked.select_related("service_level").iterator(chunk_size=500):
            before = (clock.due_at, clock.remind_at)
            fields = _reschedule(clock, clock.service_level, cal, now=now)
            if (clock.due_at, clock.remind_at) != before:
                _save(clock, fields)
                moved += 1
    return moved


def update_service_level(rule: ServiceLevel, *, by, **changes) -> ServiceLevel:
    """Change a rule as staff asked; reschedule its clocks if the limit or reminders moved.

    Steps: lock the rule; apply and validate the changes; save them; recompute the open
    clocks of the rule; record old and new values and how many clocks moved.
    """
    with transaction.atomic():
        locked = ServiceLevel.objects.select_for_update().get(pk=rule.pk)
        old = {name: getattr(locked, name) for name in changes}
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.full_clean()
        changed = {name for name in changes if old[name] != changes[name]}
        if not changed:
            return locked
        locked.save(update_fields=sorted(changed))
        moved = 0
        if changed & RESCHEDULING_FIELDS:
            moved = recompute_clocks(Clock.objects.filter(service_level=locked))
        audit.record(
            locked,
            "change",
            by=by,
            summary=f"{locked.code}: {', '.join(sorted(changed))} changed; {moved} clocks moved",
            data={
                "from": {n: old[n] for n in sorted(changed)},
                "to": {n: changes[n] for n in sorted(changed)},
                "clocks_moved": moved,
            },
        )
    return locked


def _clocks_spanning(day: dt.date):
    """Working-day clocks that ``day`` may move: those running over it, and those started on
    it (a "same working day" rule counts day 0)."""
    opens = dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)
    return Clock.objects.filter(
        service_level__limit_unit=Unit.WORKING_DAYS,
        started_at__lte=end_of_day(day),
        due_at__gte=opens,
    )


def _calendar_from_database() -> WorkingCalendar:
    # Inside the change's own transaction the cache may not hold the new day yet, and
    # must not be filled with a day that could still be rolled back.
    return WorkingCalendar(closures=frozenset(ClosureDay.objects.values_list("day", flat=True)))


def _after_closure_change(days: set[dt.date], *, by, subject: ClosureDay, action: str, data):
    forget_closure_days()
    transaction.on_commit(forget_closure_days)
    cal = _calendar_from_database()
    moved = sum(recompute_clocks(_clocks_spanning(day), cal=cal) for day in sorted(days))
    audit.record(
        subject,
        action,
        by=by,
        summary=f"{subject}; {moved} clocks moved",
        data={**data, "clocks_moved": moved},
    )
    return moved


def add_closure_day(*, day: dt.date, reason: str, by) -> ClosureDay:
    with transaction.atomic():
        closure = ClosureDay(day=day, reason=reason)
        closure.full_clean()
        closure.save()
        _after_closure_change(
            {day}, by=by, subject=closure, action="add", data={"day": day.isoformat()}
        )
    return closure


def change_closure_day(closure: ClosureDay, *, day: dt.date, reason: str, by) -> ClosureDay:
    with transaction.atomic():
        locked = ClosureDay.objects.select_for_update().get(pk=closure.pk)
        old_day = locked.day
        locked.day, locked.reason = day, reason
        locked.full_clean()
        locked.save(update_fields=["day", "reason"])
        _after_closure_change(
            {old_day, day},
            by=by,
            subject=locked,
            action="change",
            data={"from": old_day.isoformat(), "to": day.isoformat()},
        )
    return locked


def remove_closure_day(closure: ClosureDay, *, by) -> None:
    with transaction.atomic():
        locked = ClosureDay.objects.select_for_update().get(pk=closure.pk)
        # The audit row must point at the day while it still exists.
        moved_day = locked.day
        locked.delete()
        locked.pk = closure.pk
        _after_closure_change(
            {moved_day}, by=by, subject=locked, action="remove", data={"day": moved_day.isoformat()}
        )


def _iso(at: dt.datetime | None) -> str | None:
    return at.isoformat() if at else None


def _when(at: dt.datetime | None) -> str:
    return f"{at.astimezone(LONDON):%a %d %b %Y}" if at else "when staff set a date"


def load_charter(name: str, *, by=None) -> dict[str, int]:
    """Load or refresh a charter preset from ``portal.sla.charters``.

    Steps: create the rules the database lacks; bring the others back to the preset's
    values (their clocks are rescheduled and the change audited, like an edit in the
    admin); deactivate rules the preset does not have. Running it twice changes nothing.
    """
    from portal.sla.charters import PRESETS

    if name not in PRESETS:
        raise PortalError(f"No charter preset {name!r}; choose one of {', '.join(PRESETS)}.")
    counts = {"created": 0, "updated": 0, "deactivated": 0}
    with transaction.atomic():
        codes = []
        for row in PRESETS[name]:
            values = {**row, "charter": name, "active": True}
            code = values.pop("code")
            codes.append(code)
            rule = ServiceLevel.objects.filter(code=code).first()
            if rule is None:
                rule = ServiceLevel(code=code, **values)
                rule.full_clean()
                rule.save()
                audit.record(rule, "create", by=by, summary=f"{code} from charter {name}")
                counts["created"] += 1
                continue
            before = {field: getattr(rule, field) for field in values}
            if before != values:
                update_service_level(rule, by=by, **values)
                counts["updated"] += 1
        for rule in ServiceLevel.objects.filter(active=True).exclude(code__in=codes):
            update_service_level(rule, by=by, active=False)
            counts["deactivated"] += 1
    return counts

"""Services every case type shares: opening a case, claiming one to work on, and
acknowledging it."""

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from portal import audit
from portal.cases.notices import tell_centre, tell_team
from portal.errors import PortalError, TransitionNotAllowed
from portal.permissions import centres_visible_to
from portal.references import next_reference
from portal.sla import services as sla
from portal.workflow import authorize, transition


class AlreadyClaimed(TransitionNotAllowed):
    """Someone else took the case a moment earlier."""


def open_case[C](
    model: type[C],
    *,
    by=None,
    at: dt.datetime | None = None,
    clocks: Iterable[str] = (),
    summary: str = "",
    data: dict | None = None,
    team: str | None = None,
    **fields,
) -> C:
    """Open a case of ``model`` with ``fields``.

    Steps, in one transaction: give it the next reference of its prefix (gapless per year);
    save it, dated ``at``; record who opened it; start its first ``clocks`` (service-level
    codes; a promise the active charter does not make starts none); tell ``team`` (the staff
    role that works such cases) that a new one has come in. What the case tells the centre
    is the case type's own business (``tell_centre``).
    """
    at = at or timezone.now()
    actor = by if by is not None and getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        case = model.objects.create(
            reference=next_reference(model.REFERENCE_PREFIX, at=at), created_at=at, **fields
        )
        audit.record(
            case,
            "opened",
            by=actor,
            at=at,
            summary=summary or f"{model._meta.verbose_name.capitalize()} opened",
            data={"status": case.status, **(data or {})},
        )
        for code in clocks:
            sla.start_clock(case, code=code, at=at)
        if team is not None:
            tell_team(
                case,
                team,
                step="new",
                at=at,
                noun=model._meta.verbose_name,
                summary=summary or case.reference,
            )
    return case


def applying_centre(user, *, chosen=None):
    """The centre a case is opened for: the one ``user`` named (a centre they may see), or
    for an exams officer of exactly one centre who did not say, that centre. Staff and
    officers of several centres must say; another centre's number is refused exactly like
    a number that does not exist."""
    if chosen is not None:
        if not centres_visible_to(user).filter(pk=chosen.pk).exists():
            raise PortalError("No centre has that number.", field="centre")
        return chosen
    centres = list(centres_visible_to(user)[:2]) if not user.is_staff else []
    if len(centres) != 1:
        raise PortalError("Say which of your centres this is for.", field="centre")
    return centres[0]


def claim_case[C](case: C, *, by, move: str = "claim", at: dt.datetime | None = None) -> C:
    """Take a case to work on (its ``assigned_to``); of two people claiming it, one wins.

    Steps: check ``by`` may make ``move``; lock the row, so that two claims queue; a case
    someone else holds is refused with who holds it; one ``by`` already holds after this
    move is answered unchanged; otherwise ``move`` is made (its table decides where from)
    with ``by`` as the one working on it.
    """
    authorize(case, move, by=by)
    model = type(case)
    targets = {m.target for m in model.MOVES.named(move)}
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=case.pk)
        holder = current.assigned_to_id
        if holder is not None and holder != by.pk and current.status in targets:
            held_by = model._default_manager.select_related("assigned_to").get(pk=case.pk)
            raise AlreadyClaimed(f"{held_by.assigned_to} is already working on this case.")
        if holder == by.pk and current.status in targets:
            return current
        current, _ = transition(
            current,
            move,
            by=by,
            summary=f"Claimed by {by}",
            update=lambda c: _assign(c, by),
            at=at,
        )
    return current


def _assign(case, person) -> list[str]:
    case.assigned_to = person
    return ["assigned_to"]


def acknowledge_case[C](
    case: C,
    *,
    by,
    clock: str,
    at: dt.datetime | None = None,
    summary: str = "Acknowledged",
    then: Callable[[C], None] | None = None,
    **notice,
) -> C:
    """The move ``acknowledge``: the case records when (``acknowledged_at``), its clock
    ``clock`` stops, and then ``then(case)`` runs if given, else the centre is told
    (``notices/.../acknowledged.txt``, filled with ``notice``). Made twice, the second time
    changes and tells nothing."""
    at = at or timezone.now()
    with transaction.atomic():
        case, moved = transition(
            case, "acknowledge", by=by, summary=summary, update=dict(acknowledged_at=at), at=at
        )
        if moved:
            sla.stop_clock(case, code=clock, at=at, by=by)
            if then is not None:
                then(case)
            else:
                tell_centre(case, step="acknowledged", kind="acknowledged", at=at, **notice)
    return case


def decide_case[C](
    case: C,
    move: str,
    *,
    by,
    note: str = "",
    clock: str = "",
    at: dt.datetime | None = None,
    summary: str = "",
    data: dict | None = None,
    update: dict | None = None,
    **notice,
) -> C:
    """A decision (the move ``move`` of a ``Decided`` case): who decided, when and the note
    recorded with ``update``'s own fields; the clock ``clock`` stopped; the centre told
    (``notices/.../decided.txt``, with ``note`` and ``notice``). Made twice, the second time
    changes and tells nothing."""
    at = at or timezone.now()
    values = {"decided_at": at, "decided_by": by, "decision_note": note, **(update or {})}
    with transaction.atomic():
        case, moved = transition(
            case, move, by=by, summary=summary, data=data, update=values, at=at
        )
        if moved:
            if clock:
                sla.stop_clock(case, code=clock, at=at, by=by)
            tell_centre(case, step="decided", kind="decided", at=at, note=note, **notice)
    return case

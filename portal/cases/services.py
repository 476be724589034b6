"""Services every case type shares: opening a case and claiming one to work on."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from portal import audit
from portal.errors import TransitionNotAllowed
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
    **fields,
) -> C:
    """Open a case of ``model`` with ``fields``.

    Steps, in one transaction: give it the next reference of its prefix (gapless per year);
    save it, dated ``at``; record who opened it; start its first ``clocks`` (service-level
    codes; a promise the active charter does not make starts none). What the case tells
    whom is the case type's own business: call ``portal.notifications.notify`` after this.
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
    return case


def claim_case[C](case: C, *, by, move: str = "claim", at: dt.datetime | None = None) -> C:
    """Take a case to work on (its ``assigned_to``); of two people claiming it, one wins.

    Steps: check ``by`` may make ``move``; claim with a conditional update that changes the
    row only while nobody holds it; the winner makes ``move`` (which may change the status);
    the loser is told who holds it. Claiming a case one already holds changes nothing.
    """
    authorize(case, move, by=by)
    model = type(case)
    with transaction.atomic():
        won = model.objects.filter(pk=case.pk, assigned_to__isnull=True).update(assigned_to=by)
        current = model._default_manager.select_related("assigned_to").get(pk=case.pk)
        if not won and current.assigned_to_id != by.pk:
            raise AlreadyClaimed(f"{current.assigned_to} is already working on this case.")
        if not won:
            return current
        current, _ = transition(current, move, by=by, summary=f"Claimed by {by}", at=at)
    return current

"""The one way a case changes status.

A model that has a life cycle declares ``ALLOWED = {from_status: {to_status, ...}}`` and a
``status`` field. ``transition`` locks the row, returns quietly when it is already in the
target status (a repeated call or a retried task), refuses a move the life cycle does not
allow, saves only the fields it changed and writes an audit row (dated ``at``, now by default), all
in one transaction.
"""

from collections.abc import Callable

from django.db import models, transaction

from portal import audit
from portal.errors import TransitionNotAllowed


def transition[M: models.Model](
    case: M,
    to: str,
    *,
    by=None,
    summary: str = "",
    data: dict | None = None,
    update: Callable[[M], list[str]] | None = None,
    at=None,
) -> tuple[M, bool]:
    """Move ``case`` to status ``to``; answer the locked, saved row and whether it moved.

    Steps: lock the row; if it is already at ``to``, stop; check ``ALLOWED``; apply
    ``update(locked)`` (which sets other fields and returns their names); save with
    ``update_fields``; record who moved it, from where, to where.
    """
    with transaction.atomic():
        locked = type(case)._default_manager.select_for_update().get(pk=case.pk)
        current = locked.status
        if current == to:
            return locked, False
        if to not in type(case).ALLOWED.get(current, set()):
            label = dict(type(case)._meta.get_field("status").choices).get(current, current)
            raise TransitionNotAllowed(
                f"This {type(case)._meta.verbose_name} is {label.lower()}; it cannot move to "
                f"{to.replace('_', ' ')} from there."
            )
        locked.status = to
        fields = ["status"]
        if update is not None:
            fields += [name for name in update(locked) if name not in fields]
        locked.save(update_fields=fields)
        audit.record(
            locked,
            "status",
            by=by,
            summary=summary or f"{current} → {to}",
            data={"from": current, "to": to, **(data or {})},
            at=at,
        )
    return locked, True

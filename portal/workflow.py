"""The one way a case changes: a table of moves, each with who may make it, and ``transition``.

A model with a life cycle declares ``MOVES``: every action anyone can take on it, the
statuses it may be taken from, the status it leads to (or none, for an action such as
"extend" that keeps the status), and who may take it: staff holding a permission, the
officers of the case's own centre, the person the case belongs to (its owner: the field
the model names in ``OWNER_FIELD``, e.g. the applicant of a centre application, who is
no centre's officer yet), or any of these. The same table answers three questions:

* ``transition(case, "acknowledge", by=user)``: make the move (lock, check, save, audit);
* ``actions_for(user, case)``: the moves this person may make now (pages and the API offer
  only these);
* ``authorize(case, "acknowledge", by=user)``: may this person make this move at all
  (403 before a request body is even read).

``by=None`` is the portal itself (a sweep, a task): the table's permissions are for people.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from portal import audit
from portal.errors import TransitionNotAllowed


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str]
    target: str | None = None
    permission: str | None = None
    centre: bool = False
    owner: bool = False
    label: str = ""

    def permits(self, user, case) -> bool:
        """Whether ``user`` may make this move on ``case`` (whatever its status)."""
        if user is None:
            return True
        if not (user.is_authenticated and user.is_active):
            return False
        if user.is_staff:
            return self.permission is not None and user.has_perm(self.permission)
        if self.owner and owner_id_of(case) == user.pk:
            return True
        return self.centre and case.centre_id is not None and case.centre_id in centre_ids_of(user)


def owner_id_of(case) -> int | None:
    """The id of the person ``case`` belongs to (``OWNER_FIELD``), or None."""
    field = getattr(case, "OWNER_FIELD", None)
    return getattr(case, f"{field}_id", None) if field else None


def move(
    name: str,
    *,
    sources: Iterable[str],
    to: str | None = None,
    permission: str | None = None,
    centre: bool = False,
    owner: bool = False,
    label: str = "",
) -> Move:
    """One row of a life cycle: ``name`` from ``sources`` to ``to`` (or staying put)."""
    if permission is None and not centre and not owner:
        raise ValueError(f"The move {name!r} names nobody who may make it.")
    return Move(
        name=name,
        sources=frozenset(str(s) for s in sources),
        target=str(to) if to is not None else None,
        permission=permission,
        centre=centre,
        owner=owner,
        label=label or name.replace("_", " ").replace("-", " ").capitalize(),
    )


class Moves:
    """A model's life cycle: its moves, in the order pages offer them."""

    def __init__(self, moves: Iterable[Move]):
        self.moves = tuple(moves)

    def __iter__(self):
        return iter(self.moves)

    def named(self, name: str) -> list[Move]:
        found = [m for m in self.moves if m.name == name]
        if not found:
            raise ValueError(f"No move is called {name!r}.")
        return found

    def names(self) -> list[str]:
        return list(dict.fromkeys(m.name for m in self.moves))

    def allowed(self) -> dict[str, set[str]]:
        """``{from_status: {to_status, ...}}``: where each status may lead."""
        graph: dict[str, set[str]] = {}
        for m in self.moves:
            if m.target is not None:
                for source in m.sources:
                    graph.setdefault(source, set()).add(m.target)
        return graph


class RecordsMoves(models.Model):
    """Abstract base of every model with a life cycle (``MOVES``): the row keeps the move
    that brought it to its status, so that ``transition`` tells a repeat (quiet) from a move
    its status no longer allows (409) by the row alone. The audit trail records every move
    and is never read to decide one.

    ``last_move`` is empty until a move changes the status (a new row stands at its first
    status without a move); rows from before the column took the move of their last recorded
    change of status, and "*" where that change named no move (any move to the status counts
    as a repeat, as it did then)."""

    ANY_MOVE = "*"

    last_move = models.CharField(
        max_length=40, blank=True, default="", db_default="", editable=False
    )

    class Meta:
        abstract = True


def centre_ids_of(user) -> frozenset[int]:
    """The centres ``user`` is an officer of, read once per user object (a request's)."""
    cached = getattr(user, "_portal_centre_ids", None)
    if cached is None:
        # Through the user's side of ``portal.centres.models.Membership``, so that the workflow
        # kit, which the centre's own model builds on, imports no model.
        cached = frozenset(user.memberships.values_list("centre_id", flat=True))
        user._portal_centre_ids = cached
    return cached


def remember_centre_ids(user, ids) -> None:
    """What ``centre_ids_of`` would read, from a page that has just read an officer's
    centres themselves: the page's later filters by them read nothing more. (Staff see
    every centre and belong to none: nothing is remembered for them.)"""
    if not getattr(user, "is_staff", False) and getattr(user, "_portal_centre_ids", None) is None:
        user._portal_centre_ids = frozenset(ids)


def forget_centre_ids(user) -> None:
    """``user`` has just joined or left a centre: their centres are read again when next
    asked for."""
    if getattr(user, "_portal_centre_ids", None) is not None:
        del user._portal_centre_ids


def _label(case, status: str) -> str:
    return str(dict(type(case)._meta.get_field("status").choices).get(status, status))


def authorize(case, name: str, *, by) -> list[Move]:
    """The moves called ``name`` that ``by`` may make on ``case``; 403 when there are none."""
    permitted = [m for m in type(case).MOVES.named(name) if m.permits(by, case)]
    if not permitted:
        noun = type(case)._meta.verbose_name
        action = name.replace("_", " ").replace("-", " ")
        raise PermissionDenied(f"Your role does not allow you to {action} a {noun}.")
    return permitted


def may(user, case, name: str) -> bool:
    try:
        authorize(case, name, by=user)
    except PermissionDenied:
        return False
    return True


def actions_for(user, case) -> list[Move]:
    """The moves ``user`` may make on ``case`` now, one per name, in the table's order."""
    found: dict[str, Move] = {}
    for m in type(case).MOVES:
        if m.name not in found and case.status in m.sources and m.permits(user, case):
            found[m.name] = m
    return list(found.values())


def transition[M: models.Model](
    case: M,
    name: str,
    *,
    by=None,
    to: str | None = None,
    action: str = "",
    summary: str = "",
    data: dict | None = None,
    update: Callable[[M], list[str]] | dict | None = None,
    at=None,
) -> tuple[M, bool]:
    """Make the move ``name`` on ``case``; answer the locked, saved row and whether it moved.

    Steps: lock the row; refuse (403) a person the move's table does not allow; if the case
    already stands where the move leads, stop quietly (a repeated call or a retried task);
    refuse (409) a move its status does not allow; apply ``update``: a dict of other fields'
    values (a callable value is given the locked row), or ``update(locked)``, which sets them
    and returns their names; save with ``update_fields``; record who made the move, from
    where, to where. ``to`` chooses among moves of one name that lead to different statuses
    (releasing a held case along its route); ``action`` names the audit row ("status" for a
    change of status, else the move's name).
    """
    with transaction.atomic():
        locked = type(case)._default_manager.select_for_update().get(pk=case.pk)
        permitted = authorize(locked, name, by=by)
        if to is not None:
            permitted = [m for m in permitted if m.target == str(to)]
            if not permitted:
                raise ValueError(f"The move {name!r} never leads to {to!r}.")
        current = locked.status
        applicable = [m for m in permitted if current in m.sources]
        if not applicable:
            if any(m.target == current for m in permitted) and locked.last_move in (
                name,
                RecordsMoves.ANY_MOVE,
            ):
                return locked, False
            raise TransitionNotAllowed(_refusal(locked, permitted[0]))
        chosen = applicable[0]
        fields = []
        if chosen.target is not None:
            locked.status = chosen.target
            locked.last_move = name
            fields += ["status", "last_move"]
        if isinstance(update, dict):
            for field, value in update.items():
                # A value that depends on the locked row is a function of it.
                setattr(locked, field, value(locked) if callable(value) else value)
            fields += [f for f in update if f not in fields]
        elif update is not None:
            fields += [f for f in update(locked) if f not in fields]
        if fields:
            locked.save(update_fields=fields)
        target = chosen.target or current
        audit.record(
            locked,
            action or ("status" if chosen.target is not None else name),
            by=by,
            summary=summary or (f"{current} → {target}" if chosen.target else chosen.label),
            data={"move": name, "from": current, "to": target, **(data or {})},
            at=at,
        )
    return locked, True


def _refusal(case, refused: Move) -> str:
    noun = type(case)._meta.verbose_name
    where = f"This {noun} is {_label(case, case.status).lower()}"
    if refused.target is not None:
        return f"{where}; it cannot move to {refused.target.replace('_', ' ')} from there."
    return f"{where}; {refused.label.lower()} is not possible now."


def last_moves_from_audit(app_label: str, *model_names: str):
    """A migration step that fills ``last_move`` of existing rows from the audit trail:
    the move named by each row's last recorded change of status, ``RecordsMoves.ANY_MOVE``
    where that change named none. Rows without such a change keep "" (no move yet)."""

    def fill(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        AuditEvent = apps.get_model("core", "AuditEvent")
        for model_name in model_names:
            model = apps.get_model(app_label, model_name)
            content_type = ContentType.objects.filter(
                app_label=app_label, model=model_name.lower()
            ).first()
            if content_type is None:
                continue  # a new database: nothing has been audited yet
            last: dict[str, str] = {}
            events = (
                AuditEvent.objects.filter(content_type=content_type, action="status")
                .order_by("at", "pk")
                .values_list("object_id", "data")
            )
            for object_id, data in events.iterator(chunk_size=5000):
                last[object_id] = (data or {}).get("move") or RecordsMoves.ANY_MOVE
            by_move: dict[str, list[str]] = {}
            for object_id, name in last.items():
                by_move.setdefault(name, []).append(object_id)
            for name, ids in by_move.items():
                for start in range(0, len(ids), 5000):
                    model.objects.filter(pk__in=ids[start : start + 5000]).update(last_move=name)

    return fill

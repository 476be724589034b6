"""Where a message that came in goes: the kit's part (a case named by its reference) and
the hooks through which apps take the rest.

* ``register_case_handler(Model, handler)``: how a case type adds a message to one of its
  cases (complaints: a letter on the thread). A case type without one gets the kit's:
  the message itself is the case's "message by email" (``InboundEmail`` pointing at the
  case), its files are attached, and whoever works the case is told.
* ``register_intake(handler)``: what becomes of a message that names no case (complaints
  open a complaint or a query).
* ``register_hold_check(check)``: whether a sender's messages are held for review (a
  contact restriction).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from portal.mailin.models import InboundEmail
from portal.mailin.parsing import ReadMessage

# A case's reference in square brackets, as acknowledgements put it in their subject.
REFERENCE = re.compile(r"\[\s*([A-Z]{2,4}-\d{4}-\d{6})\s*\]", re.IGNORECASE)


@dataclass
class Letter:
    """A message being routed: the stored row, what was read from it, and who sent it."""

    inbound: InboundEmail
    read: ReadMessage
    # Active exams officers (members of a centre) whose address on record is the sender's.
    officers: list[Any] = field(default_factory=list)
    # Staff looked at it and released it: holds (restrictions, bursts) no longer apply.
    released: bool = False

    @property
    def sender(self) -> str:
        return self.read.sender

    @property
    def officer(self) -> Any:
        return self.officers[0] if len(self.officers) == 1 else None

    def text(self) -> str:
        return self.read.text.strip() or "(The email had no text.)"

    def files(self) -> "list[ContentFile[bytes]]":
        return [ContentFile(f.data, name=f.name) for f in self.read.files]


@dataclass
class Outcome:
    """What became of a message: its status and reason for staff; the case it reached; the
    answer to the sender ("" for none) and where it goes (an account: the address on
    record; else the sender's address, never a ``Reply-To`` that differs)."""

    status: str
    reason: str
    case: Any = None
    reply: str = ""
    reply_to: Any = None
    subject: str = ""


CaseHandler = Callable[[Any, Letter], Outcome]
Intake = Callable[[Letter], Outcome]
HoldCheck = Callable[[str, Any], str]

_case_handlers: dict[type, CaseHandler] = {}
_intakes: list[Intake] = []
_hold_checks: list[HoldCheck] = []


def register_case_handler(model: type, handler: CaseHandler) -> None:
    _case_handlers[model] = handler


def register_intake(handler: Intake) -> None:
    if handler not in _intakes:
        _intakes.append(handler)


def register_hold_check(check: HoldCheck) -> None:
    if check not in _hold_checks:
        _hold_checks.append(check)


def case_handler(model: type) -> CaseHandler | None:
    return _case_handlers.get(model)


def intakes() -> list[Intake]:
    return list(_intakes)


def hold_reason(address: str, user: Any) -> str:
    """Why this sender's messages are held for review ("" if they are not)."""
    for check in _hold_checks:
        reason = check(address, user)
        if reason:
            return reason
    return ""


def case_models() -> dict[str, type]:
    """Every case type by its reference prefix (told by the prefix the case base gives
    each, not by importing the base: the case kit builds on this one)."""
    found: dict[str, type] = {}
    for model in apps.get_models():
        prefix = getattr(model, "REFERENCE_PREFIX", "")
        if prefix and hasattr(model, "OPEN_STATUSES"):
            found[prefix] = model
    return found


def referenced_case(subject: str) -> Any:
    """The case whose reference the subject carries in square brackets, if one exists."""
    models = case_models()
    for match in REFERENCE.finditer(subject or ""):
        reference = match.group(1).upper()
        model = models.get(reference.split("-", 1)[0])
        if model is not None:
            case = model._default_manager.filter(reference=reference).first()  # type: ignore[attr-defined]
            if case is not None:
                return case
    return None


def officers_of(address: str) -> list[Any]:
    """The active exams officers (members of at least one centre, not staff) whose address
    on record is ``address``."""
    if not address:
        return []
    return list(
        get_user_model()
        .objects.filter(
            email__iexact=address, is_active=True, is_staff=False, memberships__isnull=False
        )
        .distinct()
        .order_by("pk")
    )


def may_write_to(case: Any, letter: Letter) -> Any:
    """Whether the sender may add to ``case``: one of its centre's officers (answered: that
    account) or whoever raised it (their account, or ``True`` for an address without one)."""
    for officer in letter.officers:
        if case.centre_id is not None and officer.memberships.filter(centre=case.centre_id):
            return officer
    submitted_by = getattr(case, "submitted_by", None)
    if submitted_by is not None and submitted_by.email.lower() == letter.sender:
        return submitted_by
    if (getattr(case, "contact_email", "") or "").lower() == letter.sender:
        return True
    opened = InboundEmail.objects.filter(
        case_reference=case.reference, status=InboundEmail.Status.OPENED, sender=letter.sender
    )
    return True if opened.exists() else None


def own_addresses() -> set[str]:
    """The portal's own addresses: mail from them is its own, come back (a loop)."""
    from email.utils import parseaddr

    own = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()}
    own |= {a.lower() for a in settings.INBOUND_EMAIL_ADDRESSES}
    return {a for a in own if a}

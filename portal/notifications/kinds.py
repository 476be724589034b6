"""The kinds of notice, as a registry rather than database choices.

Each app names the kinds it sends in its ``AppConfig`` (``notice_kinds = {"query": "Your
queries"}``), registered at start-up (``register_declared_kinds``), or with ``register_kind``
from its ``ready`` where they are known only then; so a new case type needs no migration of
the notifications table. The
inbox filter, the API's ``?kind=`` and its schema, and everyone's email preferences are
drawn from here. Sending a kind nobody registered is a programming error and raises.
"""

from collections.abc import Iterable
from typing import Any

REMINDER = "reminder"
BREACH = "breach"

# The steps every case type has, named once so that two apps never label them differently
# and a person's email choices mean the same for complaints, applications and enquiries.
_kinds: dict[str, str] = {
    REMINDER: "Reminder",
    BREACH: "Deadline missed",
    "received": "Received",
    "acknowledged": "Acknowledged",
    "message": "Message",
    "progress": "Progress update",
    "requested": "Something is asked of you",
    "answered": "Answered",
    "escalated": "Escalated",
    "decided": "Decided",
    "released": "Released",
}


class UnknownKind(LookupError):
    pass


def register_kind(code: str, label: str) -> None:
    """Make ``code`` a kind of notice, shown to people as ``label``.

    Registering the same code again with the same label is harmless (``ready`` may run
    twice in tests); with another label it is a clash between two apps and raises.
    """
    if not code or len(code) > 40 or not code.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"A kind's code is 1 to 40 letters, digits, '_' or '.': {code!r}")
    if not label:
        raise ValueError(f"The kind {code!r} needs a label people can read.")
    if _kinds.get(code, label) != label:
        raise ValueError(f"The kind {code!r} is already registered as {_kinds[code]!r}.")
    _kinds[code] = label


def register_declared_kinds(app_configs: Iterable[Any]) -> None:
    """Register the ``notice_kinds`` every app declares, in the order of INSTALLED_APPS."""
    for config in app_configs:
        for code, label in getattr(config, "notice_kinds", {}).items():
            register_kind(code, label)


def check_kind(code: str) -> str:
    if code not in _kinds:
        raise UnknownKind(f"{code!r} is not a registered kind of notice (see register_kind).")
    return code


def kind_label(code: str) -> str:
    # A kind whose app was removed may still label old notices: show its code then.
    return _kinds.get(code, code)


def kind_choices() -> list[tuple[str, str]]:
    """Every registered kind as (code, label), in the order they were registered."""
    return list(_kinds.items())

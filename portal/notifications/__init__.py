"""Notices to people: ``notify`` for every step of every case, in the inbox and by email.

    from portal.notifications import Address, Officers, Role, notify, register_kind

See ``portal.notifications.services`` for how to call ``notify``. The names are loaded on
first use: this package is an installed app, and its models cannot be imported before the
app registry is ready.
"""

from importlib import import_module
from typing import Any

_EXPORTS = {
    "notify": "portal.notifications.services",
    "notify_all": "portal.notifications.services",
    "Event": "portal.notifications.services",
    "register_kind": "portal.notifications.kinds",
    "UnknownKind": "portal.notifications.kinds",
    "Role": "portal.notifications.recipients",
    "Officers": "portal.notifications.recipients",
    "Address": "portal.notifications.recipients",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'portal.notifications' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)

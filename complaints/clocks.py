"""The complaint's service-level clocks, kept by the portal's engine (``portal.sla``).

The complaint services call these few functions only, so the codes and the way the
engine is called live in one place.
"""

ACKNOWLEDGE = "complaint.acknowledge"
RESPOND = "complaint.respond"


def start(complaint, *, code: str, at=None) -> None:
    pass


def stop(complaint, *, code: str, at=None, by=None) -> None:
    pass


def extend(complaint, *, code: str, due_at, by, reason: str) -> None:
    pass


def deadlines(complaint) -> list[dict]:
    return []


def notices_for(complaint, user) -> list:
    return []

"""The time zone a person reads times in."""

import zoneinfo
from functools import cache
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from portal.calendar import LONDON


@cache
def zone_names() -> frozenset[str]:
    """Every time zone name the system knows: read once a process (the system's zone files are
    walked at each call of ``available_timezones``, over 10 ms)."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in zone_names():
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/London.")


def viewer_zone(user, case=None) -> ZoneInfo:
    """The zone times are shown to ``user`` in (about ``case``, when there is one).

    Their own choice first; staff otherwise read the rules' zone, London; an exams officer
    reads the zone of the case's centre, else of their first centre. A case of no centre
    with a zone of its own (a school's application to become one) is read in that zone.
    """
    if user is not None and getattr(user, "time_zone", ""):
        return ZoneInfo(user.time_zone)
    if user is None or getattr(user, "is_staff", False):
        return LONDON
    centre = getattr(case, "centre", None)
    if centre is not None:
        return centre.zone
    own = getattr(case, "zone", None)
    if isinstance(own, ZoneInfo):
        return own
    if getattr(user, "is_authenticated", False):
        first = (
            user.memberships.order_by("centre__number")
            .values_list("centre__timezone", flat=True)
            .first()
        )
        if first:
            return ZoneInfo(first)
    return LONDON

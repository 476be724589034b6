"""What the home pages show. Apps add their open cases through ``HOME_SECTIONS``.

A section is a callable ``(user, centres) -> dict | None`` registered by an app in its
``AppConfig.ready``; the home page lists the sections that answer, so the page grows as
apps arrive without this module knowing them. A person of no centre (a school applying to
become one) is shown only the sections registered ``without_centre``: the others offer what
only a centre can do.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

from portal.centres.models import Centre
from portal.permissions import centres_visible_to
from portal.singleflight import single_flight
from portal.workflow import remember_centre_ids

HOME_SECTIONS: list[Callable] = []
WITHOUT_CENTRE: set[Callable] = set()


def register_home_section(section: Callable, *, without_centre: bool = False) -> Callable:
    if section not in HOME_SECTIONS:
        HOME_SECTIONS.append(section)
    if without_centre:
        WITHOUT_CENTRE.add(section)
    return section


def _sections(user, centres) -> list[dict]:
    # ``centres`` is None on the staff home, a list (perhaps empty) on an officer's.
    shown = (
        HOME_SECTIONS
        if centres is None or centres
        else [s for s in HOME_SECTIONS if s in WITHOUT_CENTRE]
    )
    return [s for s in (section(user, centres) for section in shown) if s]


def officer_centres(user) -> list[Centre]:
    """The officer's centres by number; the filters by them that follow read them no more."""
    centres = list(centres_visible_to(user).order_by("number"))
    remember_centre_ids(user, [centre.pk for centre in centres])
    return centres


def officer_home_context(user, centres: list[Centre] | None = None) -> dict:
    if centres is None:
        centres = officer_centres(user)
    return {"centres": centres, "sections": _sections(user, centres)}


# The staff home's count of registered centres (ten thousand at full size): counted at most
# once in this long, and again as soon as this process makes or removes a centre.
CENTRE_COUNT_KEY = "home:centre-count:v1"
CENTRE_COUNT_SECONDS = 10 * 60


def centre_count() -> int:
    return single_flight(CENTRE_COUNT_KEY, Centre.objects.count, fresh_for=CENTRE_COUNT_SECONDS)


def forget_centre_count(sender, created: bool = True, **kwargs) -> None:
    # Once committed: a page asked in between would keep the count from before.
    if created:
        transaction.on_commit(lambda: cache.delete(CENTRE_COUNT_KEY), robust=True)


def staff_home_context(user) -> dict:
    return {
        "centre_count": centre_count(),
        "roles": user.role_names(),
        "two_factor": user.is_verified(),
        "sections": _sections(user, None),
    }

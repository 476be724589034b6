"""The rules of publication orders.

Every status change goes through ``portal.workflow.transition`` (lock, check, save, audit);
the clock ``publications.order`` and the notices move in the same transaction.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from centres.publications.models import (
    MOST_COPIES,
    PUBLICATIONS_ORDER,
    Publication,
    PublicationOrder,
)
from portal.accounts.models import User
from portal.accounts.roles import CUSTOMER_SERVICES
from portal.cases.notices import tell_centre
from portal.cases.services import open_case
from portal.errors import PortalError
from portal.permissions import is_staff_user
from portal.sla import services as sla
from portal.workflow import transition


def order_publication(
    *,
    centre,
    by: User,
    publication: Publication,
    copies: int = 1,
    at: dt.datetime | None = None,
) -> PublicationOrder:
    """Take a centre's order: check it; open the case, with the clock ``publications.order``
    when the item is in stock; tell the centre what to expect and customer services that an
    order waits."""
    at = at or timezone.now()
    if is_staff_user(by):
        raise PortalError("Publications are ordered by a centre's exams officers.")
    if not Publication.objects.listed().filter(pk=publication.pk).exists():
        raise PortalError("That publication is not in the catalogue.", field="publication")
    if not 1 <= copies <= MOST_COPIES:
        raise PortalError(f"Order 1 to {MOST_COPIES} copies.", field="copies")
    in_stock = publication.in_stock
    with transaction.atomic():
        case = open_case(
            PublicationOrder,
            by=by,
            at=at,
            clocks=[PUBLICATIONS_ORDER] if in_stock else [],
            summary=f"{copies} × {publication.title}",
            data={"publication": publication.code, "copies": copies, "in_stock": in_stock},
            centre=centre,
            publication=publication,
            copies=copies,
            in_stock=in_stock,
            ordered_by=by,
            team=CUSTOMER_SERVICES,
        )
        tell_centre(
            case,
            step="received",
            kind="publications",
            at=at,
            despatch=sla.promise(PUBLICATIONS_ORDER),
        )
    return case


def despatch_order(
    case: PublicationOrder, *, by: User, at: dt.datetime | None = None
) -> PublicationOrder:
    """Record the despatch: ``publications.order`` stops and the centre is told."""
    at = at or timezone.now()
    with transaction.atomic():
        case, moved = transition(
            case,
            "despatch",
            by=by,
            summary="Despatched",
            update=dict(despatched_at=at, despatched_by=by),
            at=at,
        )
        if moved:
            sla.stop_clock(case, code=PUBLICATIONS_ORDER, at=at, by=by)
            tell_centre(case, step="despatched", kind="publications", at=at)
    return case

"""The rules of a request to offer additional programmes: a centre asks, the registration
team grants or declines within ``programmes.respond``, and the centre may withdraw while it
waits. Granting adds the programmes to what the centre offers."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from centres.registration.programmes.models import RESPOND, ProgrammeRequest
from portal import audit
from portal.cases.notices import tell
from portal.cases.services import open_case
from portal.centres.models import Centre
from portal.centres.programmes import Programme
from portal.errors import PortalError
from portal.notifications import Officers
from portal.permissions import centres_visible_to
from portal.rules import Text
from portal.sla import services as sla
from portal.workflow import transition

Status = ProgrammeRequest.Status
TEXT_MAX = 5000

# What is written with a request and its answer: the pages' forms and the API's serializers
# check with these too (portal/rules.py).
PLANS = Text(
    "reason",
    label="About your plans",
    most=TEXT_MAX,
    help_text="When you would start, and for how many learners.",
    rows=4,
)
NOTE = Text("note", label="Note to the centre", most=TEXT_MAX, rows=3)
DECLINE_REASON = Text(
    "reason",
    label="Why it is declined",
    most=TEXT_MAX,
    missing="Say why the request is declined.",
    help_text="Sent to the centre's officers.",
    rows=3,
)


def _tell(case: ProgrammeRequest, step: str, *, kind: str, at=None, **context) -> None:
    """Tell the centre's officers. The registration team works from its queue (next due
    first), and the service level's reminders reach it before a deadline."""
    tell(
        case,
        step=step,
        kind=kind,
        to=[Officers(case.centre_id)],
        key=f"programmes:{case.pk}:{step}",
        with_link="The request:",
        at=at,
        context=context,
    )


def request_programmes(
    *, centre: Centre, by, programmes: list[str], reason: str = "", at: dt.datetime | None = None
) -> ProgrammeRequest:
    """Ask, for ``centre``, to offer ``programmes``.

    Steps: check ``by`` is one of the centre's officers; check each programme is one we
    offer, not offered by the centre already, and not in a request still waiting; open the
    case with its clock ``programmes.respond`` (the registration team's queue); tell the
    centre's officers when to expect an answer.
    """
    if by.is_staff or not centres_visible_to(by).filter(pk=centre.pk).exists():
        raise PermissionDenied("Only the centre's own officers ask to offer more programmes.")
    wanted = list(dict.fromkeys(programmes or []))
    if not wanted:
        raise PortalError("Choose at least one programme.", field="programmes")
    unknown = [p for p in wanted if p not in Programme.values]
    if unknown:
        raise PortalError(f"Not a programme we offer: {', '.join(unknown)}.", field="programmes")
    offered = [Programme(p).label for p in wanted if p in centre.programmes]
    if offered:
        raise PortalError(
            f"{centre.number} already offers {', '.join(offered)}.", field="programmes"
        )
    reason = PLANS.clean(reason)
    with transaction.atomic():
        Centre.objects.select_for_update().get(pk=centre.pk)
        for waiting in ProgrammeRequest.objects.filter(centre=centre).open():
            asked = [Programme(p).label for p in wanted if p in waiting.programmes]
            if asked:
                raise PortalError(
                    f"{', '.join(asked)} {'is' if len(asked) == 1 else 'are'} already asked "
                    f"for in {waiting.reference}, which is waiting for an answer.",
                    field="programmes",
                )
        ordered = [p for p in Programme.values if p in wanted]
        case = open_case(
            ProgrammeRequest,
            by=by,
            at=at,
            clocks=[RESPOND],
            summary="Request to offer additional programmes",
            data={"programmes": ordered},
            centre=centre,
            programmes=ordered,
            reason=reason,
            requested_by=by,
        )
        _tell(case, "received", kind="received", at=at, respond=sla.promise(RESPOND))
    return case


def grant_request(
    case: ProgrammeRequest, *, by, note: str = "", at: dt.datetime | None = None
) -> ProgrammeRequest:
    """Grant the request: the centre offers the programmes from now on.

    Steps, in one transaction: make the move (a repeat changes nothing); add the programmes
    to the centre's, recorded on the centre; stop the clock; tell the centre's officers.
    """
    at = at or timezone.now()
    note = NOTE.clean(note)
    with transaction.atomic():
        case, moved = transition(case, "grant", by=by, update=_answered(by, note, at), at=at)
        if not moved:
            return case
        centre = Centre.objects.select_for_update().get(pk=case.centre_id)
        before = list(centre.programmes)
        centre.programmes = [p for p in Programme.values if p in {*before, *case.programmes}]
        centre.save(update_fields=["programmes"])
        audit.record(
            centre,
            "programmes.added",
            by=by,
            at=at,
            summary=f"Programmes granted by {case.reference}",
            data={"from": before, "to": centre.programmes, "request": case.reference},
        )
        sla.stop_clock(case, code=RESPOND, at=at, by=by)
        _tell(case, "granted", kind="answered", at=at, note=note)
    return case


def decline_request(
    case: ProgrammeRequest, *, by, reason: str, at: dt.datetime | None = None
) -> ProgrammeRequest:
    """Decline the request, saying why; the centre's programmes do not change."""
    at = at or timezone.now()
    reason = DECLINE_REASON.clean(reason)
    with transaction.atomic():
        case, moved = transition(case, "decline", by=by, update=_answered(by, reason, at), at=at)
        if not moved:
            return case
        sla.stop_clock(case, code=RESPOND, at=at, by=by)
        _tell(case, "declined", kind="answered", at=at, reason=reason)
    return case


def withdraw_request(
    case: ProgrammeRequest, *, by, at: dt.datetime | None = None
) -> ProgrammeRequest:
    """The centre no longer asks: the clock is cancelled and the centre's officers told."""
    at = at or timezone.now()
    with transaction.atomic():
        case, moved = transition(case, "withdraw", by=by, at=at)
        if not moved:
            return case
        sla.cancel_clocks(case, at=at, by=by)
        _tell(case, "withdrawn", kind="decided", at=at, by=by)
    return case


def _answered(by, answer: str, at: dt.datetime):
    def update(case: ProgrammeRequest) -> list[str]:
        case.answer = answer
        case.answered_by = by
        case.answered_at = at
        return ["answer", "answered_by", "answered_at"]

    return update

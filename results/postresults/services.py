"""The rules of post-results services: an exams officer asks for paper copies, a replacement
certificate or a candidate's results sent to a university or employer; a learner applies
for a certifying statement without an account; the results team despatches or declines
each within its service level, and the portal sends results to an institution at the
release instant, never before. The despatch of certificates, opened at that instant for
every centre with issued results, is ``results/postresults/certificates.py``."""

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from entries.models import Candidate, Series
from portal.accounts.roles import RESULTS_TEAM
from portal.calendar import london_date
from portal.cases.notices import notice_text, tell
from portal.cases.services import open_case
from portal.centres.models import Centre
from portal.centres.numbers import validate_centre_number
from portal.errors import PortalError, TransitionNotAllowed
from portal.notifications import Address, Officers, notify
from portal.permissions import centres_visible_to
from portal.rules import Text
from portal.sla import services as sla
from portal.workflow import authorize, transition
from results.models import Result
from results.postresults.models import (
    CLOCKS,
    OFFICER_SERVICES,
    Service,
    ServiceRequest,
)

Status = ServiceRequest.Status
KIND = "postresults"
TEXT_MAX = 2000
# What staff write on the moves: the pages' forms and the API's serializers check with these
# too (portal/rules.py).
DESPATCH_NOTE = Text(
    "note",
    label="Note to the requester",
    most=TEXT_MAX,
    help_text="For example the courier's tracking number.",
    rows=2,
)
DECLINE_REASON = Text(
    "reason",
    label="Why it is declined",
    most=TEXT_MAX,
    missing="Say why the request is declined.",
    help_text="Sent to whoever asked.",
    rows=3,
)
SWEEP_BATCH = 200
CANDIDATE_NUMBER = re.compile(r"^[0-9]{4}$")
UCI = re.compile(r"^[A-Z0-9]{6,13}$")


class NotYetReleased(TransitionNotAllowed):
    """Results to an institution go, and certificates fall due, at the release instant,
    never before."""


def clean_text(value: str, *, field: str, required: str = "", limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise PortalError(required, field=field)
    if len(value) > limit:
        raise PortalError(f"At most {limit} characters.", field=field)
    return value


def _clean_email(value: str, *, field: str, required: str) -> str:
    value = clean_text(value, field=field, required=required, limit=254)
    try:
        validate_email(value)
    except ValidationError:
        raise PortalError("Enter an email address like name@example.org.", field=field) from None
    return value


def _tell(case: ServiceRequest, step: str, *, at: dt.datetime | None = None, **context) -> None:
    """Tell the people who asked: the centre's officers, or the learner by email (the
    learner has no account, so no link to a page they cannot open)."""
    if case.centre_id is not None:
        to, with_link = [Officers(case.centre_id)], "The request:"
    else:
        to, with_link = [Address(case.contact_email, case.candidate_name)], False
    tell(
        case,
        step=step,
        kind=KIND,
        to=to,
        key=f"postresults:{case.pk}:{step}",
        with_link=with_link,
        at=at,
        context=context,
    )


def is_released(series: Series, at: dt.datetime) -> bool:
    return series.results_release_at <= at


def release_words(series: Series) -> str:
    return f"{london_date(series.results_release_at):%-d %B %Y}"


def request_service(
    *,
    centre: Centre,
    by,
    service: str,
    series: Series,
    candidate_number: str,
    recipient_name: str = "",
    recipient_email: str = "",
    details: str = "",
    at: dt.datetime | None = None,
) -> ServiceRequest:
    """Ask, for a candidate of ``centre``, for one of the services an officer asks for.

    Steps: check ``by`` is one of the centre's officers and the service is one officers
    ask for; find the candidate in the series; paper copies and a replacement certificate
    need results out, results to an institution need the recipient; open the case with its
    service's clock (none for results to an institution); results to an institution are
    sent at once when results are out, else wait for the release instant; tell the
    centre's officers.
    """
    at = at or timezone.now()
    # A learner with their own account (results.learners) asks for their own results to be
    # sent; the centre's officers ask for anything of theirs.
    learner = getattr(by, "learner_account", None) if by.is_authenticated else None
    if learner is not None:
        if learner.withdrawn_at is not None or learner.centre_id != centre.pk:
            raise PermissionDenied("Only your own results can be sent.")
        if service != Service.RESULTS_TO_INSTITUTION:
            raise PortalError("Ask your centre for this service.", field="service")
    elif by.is_staff or not centres_visible_to(by).filter(pk=centre.pk).exists():
        raise PermissionDenied("Only the centre's own officers ask for post-results services.")
    if service not in OFFICER_SERVICES:
        raise PortalError(
            "Choose paper copies, a replacement certificate or results sent to a "
            "university or employer.",
            field="service",
        )
    number = (candidate_number or "").strip()
    if not CANDIDATE_NUMBER.match(number):
        raise PortalError("A candidate number is four digits.", field="candidate_number")
    candidate = Candidate.objects.filter(
        centre=centre, series=series, candidate_number=number
    ).first()
    if candidate is None or (learner is not None and candidate.uci != learner.uci):
        raise PortalError(
            f"{centre.number} has no candidate {number} in {series.name}.",
            field="candidate_number",
        )
    to_institution = service == Service.RESULTS_TO_INSTITUTION
    if not to_institution and not is_released(series, at):
        raise PortalError(
            f"Results of {series.name} are released on {release_words(series)}: ask then.",
            field="series",
        )
    if to_institution:
        recipient_name = clean_text(
            recipient_name,
            field="recipient_name",
            required="Name the university or employer.",
            limit=200,
        )
        recipient_email = _clean_email(
            recipient_email,
            field="recipient_email",
            required="Give the email address the results go to.",
        )
    else:
        recipient_name = recipient_email = ""
    details = clean_text(details, field="details")
    with transaction.atomic():
        case = open_case(
            ServiceRequest,
            by=by,
            at=at,
            clocks=[CLOCKS[service]] if service in CLOCKS else [],
            summary=f"{Service(service).label} asked for",
            team=RESULTS_TEAM,
            data={"service": service, "candidate_number": number},
            centre=centre,
            service=service,
            status=Status.SCHEDULED if to_institution else Status.RECEIVED,
            series=series,
            candidate=candidate,
            candidate_name=f"{candidate.forenames} {candidate.surname}",
            candidate_number=number,
            centre_number=centre.number,
            recipient_name=recipient_name,
            recipient_email=recipient_email,
            details=details,
            requested_by=by,
        )
        if to_institution and is_released(series, at):
            return send_results(case, by=None, at=at)
        _tell(
            case,
            "received",
            at=at,
            to_institution=to_institution,
            release=release_words(series),
            despatch=sla.promise(case.clock_code) if case.clock_code else "",
        )
    return case


def apply_for_certifying_statement(
    *,
    name: str,
    date_of_birth: dt.date,
    email: str,
    series: Series,
    delivery_address: str,
    uci: str = "",
    centre_number: str = "",
    candidate_number: str = "",
    details: str = "",
    at: dt.datetime | None = None,
) -> ServiceRequest:
    """A learner's application for a certifying statement, without an account.

    Steps: check the application is correctly completed (name, a date of birth in the
    past, an email, a delivery address, the series, and either the UCI or the centre and
    candidate numbers); note the candidate when the portal holds them with that date of
    birth (it helps the results team; a statement of an older series may name none);
    open the case with ``certifying_statement.despatch`` running from now (the receipt of
    a correct application); tell the learner by email. The case belongs to no centre.
    """
    at = at or timezone.now()
    name = clean_text(name, field="name", required="Enter your full name.", limit=200)
    if date_of_birth is None or date_of_birth >= london_date(at):
        raise PortalError("Your date of birth must be in the past.", field="date_of_birth")
    email = _clean_email(email, field="email", required="Enter your email address.")
    delivery_address = clean_text(
        delivery_address,
        field="delivery_address",
        required="Enter the address the statement goes to.",
        limit=1000,
    )
    uci = (uci or "").strip().upper()
    centre_number = (centre_number or "").strip().upper()
    candidate_number = (candidate_number or "").strip()
    if uci:
        if not UCI.match(uci):
            raise PortalError("A UCI is up to 13 letters and digits, e.g. GB0010001S.", field="uci")
    elif not (centre_number or candidate_number):
        raise PortalError("Give your UCI, or your centre number and candidate number.", field="uci")
    if centre_number or not uci:
        try:
            validate_centre_number(centre_number)
        except ValidationError:
            raise PortalError(
                "A centre number is two capital letters and three digits, e.g. GB001.",
                field="centre_number",
            ) from None
        if not CANDIDATE_NUMBER.match(candidate_number):
            raise PortalError("A candidate number is four digits.", field="candidate_number")
    details = clean_text(details, field="details")
    known = Candidate.objects.filter(series=series, date_of_birth=date_of_birth)
    if uci:
        known = known.filter(uci=uci)
    else:
        known = known.filter(centre__number=centre_number, candidate_number=candidate_number)
    candidate = known.first()
    with transaction.atomic():
        case = open_case(
            ServiceRequest,
            at=at,
            clocks=[CLOCKS[Service.CERTIFYING_STATEMENT]],
            summary="Application for a certifying statement received",
            team=RESULTS_TEAM,
            data={"service": Service.CERTIFYING_STATEMENT, "candidate_known": bool(candidate)},
            service=Service.CERTIFYING_STATEMENT,
            series=series,
            candidate=candidate,
            candidate_name=name,
            date_of_birth=date_of_birth,
            uci=uci,
            centre_number=centre_number,
            candidate_number=candidate_number,
            contact_email=email,
            delivery_address=delivery_address,
            details=details,
        )
        _tell(case, "received", at=at, despatch=sla.promise(case.clock_code))
    return case


def despatch_request(
    case: ServiceRequest, *, by, note: str = "", at: dt.datetime | None = None
) -> ServiceRequest:
    """Record that what was asked for went out: the clock stops; the requester is told."""
    at = at or timezone.now()
    note = DESPATCH_NOTE.clean(note)
    with transaction.atomic():
        case, moved = transition(case, "despatch", by=by, update=_went(by, at), at=at)
        if not moved:
            return case
        sla.stop_clock(case, code=case.clock_code, at=at, by=by)
        _tell(case, "despatched", at=at, despatched_on=london_date(at), note=note)
    return case


def send_results(case: ServiceRequest, *, by=None, at: dt.datetime | None = None) -> ServiceRequest:
    """Send a candidate's results to the university or employer named, once.

    Steps: refuse someone the move's table does not allow, then anyone before the series'
    release instant; make the move, which locks the row, so that of two runs one sends and
    the other finds it sent; record when it went; email the recipient the candidate's
    issued results; tell the centre.
    """
    at = at or timezone.now()
    authorize(case, "send", by=by)  # who before when: a 403 is not a 409
    if not is_released(case.series, at):
        raise NotYetReleased(
            f"Results of {case.series.name} are released on {release_words(case.series)}: "
            "they go then, never before."
        )
    with transaction.atomic():
        case, moved = transition(case, "send", by=by, update=_went(by, at), at=at)
        if not moved:
            return case
        subject, body = _results_letter(case)
        notify(
            key=f"postresults:{case.pk}:to-institution",
            kind=KIND,
            to=[Address(case.recipient_email, case.recipient_name)],
            subject=subject,
            body=body,
            reference=case.reference,
        )
        _tell(case, "sent", at=at)
    return case


def _results_letter(case: ServiceRequest) -> tuple[str, str]:
    results = (
        Result.objects.filter(candidate=case.candidate, series=case.series)
        .with_holds()
        .select_related("syllabus")
        .order_by("syllabus__code")
    )
    for result in results:
        result.shown = result.status == Result.Status.ISSUED and not result.held
    return notice_text(case, "to-institution", results=results)


def decline_request(
    case: ServiceRequest, *, by, reason: str, at: dt.datetime | None = None
) -> ServiceRequest:
    """Decline the request, saying why: its clock stops; the requester is told."""
    at = at or timezone.now()
    reason = DECLINE_REASON.clean(reason)

    def update(locked: ServiceRequest) -> list[str]:
        locked.decline_reason, locked.handled_by = reason, by
        return ["decline_reason", "handled_by"]

    with transaction.atomic():
        case, moved = transition(case, "decline", by=by, update=update, at=at)
        if not moved:
            return case
        if case.clock_code:
            sla.stop_clock(case, code=case.clock_code, at=at, by=by)
        _tell(case, "declined", at=at)
    return case


def withdraw_request(case: ServiceRequest, *, by, at: dt.datetime | None = None) -> ServiceRequest:
    """The centre no longer needs it: its clocks are cancelled; its officers told."""
    at = at or timezone.now()
    with transaction.atomic():
        case, moved = transition(case, "withdraw", by=by, at=at)
        if not moved:
            return case
        sla.cancel_clocks(case, at=at, by=by)
        _tell(case, "withdrawn", at=at, by=by)
    return case


def send_due_results(*, now: dt.datetime | None = None) -> int:
    """Send every request waiting for a release instant that has come; answer how many
    went. Bounded batches through the (status, series) index; safe to run twice at once
    (``send_results`` locks each request and sends it once)."""
    now = now or timezone.now()
    due = ServiceRequest.objects.filter(
        status=Status.SCHEDULED, series__results_release_at__lte=now
    ).order_by("pk")
    sent = 0
    for pk in list(due.values_list("pk", flat=True)[:SWEEP_BATCH]):
        case = ServiceRequest.objects.select_related("series").get(pk=pk)
        try:
            case = send_results(case, by=None, at=now)
        except TransitionNotAllowed:
            continue  # withdrawn or declined since the query: nothing to send
        sent += case.despatched_at == now
    return sent


def _went(by, at: dt.datetime):
    def update(case: ServiceRequest) -> list[str]:
        case.despatched_at, case.handled_by = at, by
        return ["despatched_at", "handled_by"]

    return update

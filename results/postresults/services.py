"""The rules of post-results services: an exams officer asks for paper copies, a replacement
certificate or a candidate's results sent to a university or employer; a learner applies
for a certifying statement without an account; the results team despatches or declines
each within its service level, and the portal sends results to an institution at the
release instant, never before. At that instant the portal also opens, for every centre
with issued results, the despatch of its certificates, which the results team records."""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from entries.models import Candidate, Series
from portal.accounts.roles import RESULTS_TEAM
from portal.calendar import end_of_day, london_date
from portal.cases.notices import notice_text, tell, tell_centre
from portal.cases.services import open_case
from portal.centres.models import Centre
from portal.centres.numbers import validate_centre_number
from portal.errors import PortalError, TransitionNotAllowed
from portal.notifications import Address, Officers, notify
from portal.permissions import centres_visible_to
from portal.rules import Text
from portal.sla import services as sla
from portal.sla.models import Clock
from portal.workflow import authorize, transition
from results.models import Result
from results.postresults.models import (
    CERTIFICATES_CLOCK,
    CLOCKS,
    OFFICER_SERVICES,
    CertificateDespatch,
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
HOLD_REASON = Text(
    "reason",
    label="What the centre needs to do",
    most=TEXT_MAX,
    missing="Say what the centre needs to do.",
    help_text="Sent to the centre's exams officers. The deadline pauses until the hold ends.",
    rows=3,
)
SWEEP_BATCH = 200
CANDIDATE_NUMBER = re.compile(r"^[0-9]{4}$")
UCI = re.compile(r"^[A-Z0-9]{6,13}$")


class NotYetReleased(TransitionNotAllowed):
    """Results to an institution go, and certificates fall due, at the release instant,
    never before."""


def _clean_text(value: str, *, field: str, required: str = "", limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise PortalError(required, field=field)
    if len(value) > limit:
        raise PortalError(f"At most {limit} characters.", field=field)
    return value


def _clean_email(value: str, *, field: str, required: str) -> str:
    value = _clean_text(value, field=field, required=required, limit=254)
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


def _released(series: Series, at: dt.datetime) -> bool:
    return series.results_release_at <= at


def _release_words(series: Series) -> str:
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
    if not to_institution and not _released(series, at):
        raise PortalError(
            f"Results of {series.name} are released on {_release_words(series)}: ask then.",
            field="series",
        )
    if to_institution:
        recipient_name = _clean_text(
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
    details = _clean_text(details, field="details")
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
        if to_institution and _released(series, at):
            return send_results(case, by=None, at=at)
        _tell(
            case,
            "received",
            at=at,
            to_institution=to_institution,
            release=_release_words(series),
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
    name = _clean_text(name, field="name", required="Enter your full name.", limit=200)
    if date_of_birth is None or date_of_birth >= london_date(at):
        raise PortalError("Your date of birth must be in the past.", field="date_of_birth")
    email = _clean_email(email, field="email", required="Enter your email address.")
    delivery_address = _clean_text(
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
    details = _clean_text(details, field="details")
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
    if not _released(case.series, at):
        raise NotYetReleased(
            f"Results of {case.series.name} are released on {_release_words(case.series)}: "
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


# Certificates ---------------------------------------------------------------------------

# How far back the sweep looks for released series: past the two months the charter gives,
# so that a centre whose results are issued late still gets its case (its clock, from the
# release instant, then shows it late), while series long gone are never read again.
CERTIFICATES_LOOKBACK = dt.timedelta(days=92)


def _candidates(n: int) -> str:
    return f"{n} candidate{'' if n == 1 else 's'}"


def count_certificates(*, centre: Centre, series: Series) -> tuple[int, int]:
    """How many of the centre's candidates in the series have certificates to come: those
    with an issued result (not held by QA); and how many have results held by QA or
    withheld, which are not certificated yet."""
    results = Result.objects.filter(centre=centre, series=series).with_holds()
    issued = Q(status=Result.Status.ISSUED)
    covered = results.filter(issued, held=False).values("candidate_id").distinct().count()
    held = (
        results.filter(Q(issued, held=True) | Q(status=Result.Status.WITHHELD))
        .values("candidate_id")
        .distinct()
        .count()
    )
    return covered, held


@dataclass(frozen=True)
class CertificateCounts:
    covered: int
    held: int
    counted_at: dt.datetime | None


def certificate_counts(
    case: CertificateDespatch, *, now: dt.datetime | None = None
) -> CertificateCounts:
    """What a despatch's pages say it covers: once despatched, what was counted when the
    certificates went; until then, the results as they stand now, so that a result held or
    withheld since the case opened is counted as the results page shows it."""
    if case.status == CertificateDespatch.Status.DESPATCHED:
        return CertificateCounts(case.candidates_covered, case.candidates_held, case.counted_at)
    covered, held = count_certificates(centre=case.centre, series=case.series)
    return CertificateCounts(covered, held, now or timezone.now())


def _open_despatch(
    *, centre: Centre, series: Series, at: dt.datetime
) -> tuple[CertificateDespatch, bool]:
    if not _released(series, at):
        raise NotYetReleased(
            f"Certificates of {series.name} fall due at the release instant, "
            f"{_release_words(series)}, never before."
        )
    found = CertificateDespatch.objects.filter(centre=centre, series=series).first()
    if found is not None:
        return found, False
    covered, held = count_certificates(centre=centre, series=series)
    try:
        with transaction.atomic():
            case = open_case(
                CertificateDespatch,
                at=at,
                summary=f"Certificates of {series.name} due for despatch",
                data={"series": series.code, "candidates": covered, "held": held},
                centre=centre,
                series=series,
                candidates_covered=covered,
                candidates_held=held,
                counted_at=at,
            )
            # The promise runs from results day, however late the sweep came round.
            sla.start_clock(case, code=CERTIFICATES_CLOCK, at=series.results_release_at)
    except IntegrityError:
        # Another sweep opened it a moment earlier: the unique constraint kept it to one.
        found = CertificateDespatch.objects.filter(centre=centre, series=series).first()
        if found is None:
            raise
        return found, False
    return case, True


def open_certificate_despatch(
    *, centre: Centre, series: Series, at: dt.datetime | None = None
) -> CertificateDespatch:
    """The despatch of ``centre``'s certificates of ``series``, opened once.

    Steps: refuse before the series' release instant; answer the case if the centre has
    one for the series; count the candidates it covers and those whose results are held
    or withheld; open the case (two openings at once meet at the unique constraint, and
    the loser answers the winner's case); start ``certificates.despatch`` at the release
    instant, not when the case was opened.
    """
    case, _ = _open_despatch(centre=centre, series=series, at=at or timezone.now())
    return case


def open_series_certificate_despatches(
    series: Series, *, now: dt.datetime | None = None, limit: int = SWEEP_BATCH
) -> int:
    """Open the certificate despatch of up to ``limit`` centres with an issued result in
    ``series`` and no despatch yet; nothing before the release instant. Answer how many
    were opened here."""
    now = now or timezone.now()
    if not _released(series, now) or limit <= 0:
        return 0
    issued = Result.objects.filter(
        centre=OuterRef("pk"), series=series, status=Result.Status.ISSUED
    )
    opened = CertificateDespatch.objects.filter(centre=OuterRef("pk"), series=series)
    centres = Centre.objects.filter(Exists(issued)).exclude(Exists(opened)).order_by("pk")
    count = 0
    for centre in list(centres[:limit]):
        _, created = _open_despatch(centre=centre, series=series, at=now)
        count += created
    return count


def open_due_certificate_despatches(
    *, now: dt.datetime | None = None, batch: int = SWEEP_BATCH
) -> int:
    """The beat's sweep: for every series released by ``now`` (and not long ago), open the
    despatch of each centre with issued results that has none, at most ``batch`` in one
    run. Safe to run twice at once: each case is opened once (``open_certificate_despatch``)."""
    now = now or timezone.now()
    released = Series.objects.filter(
        results_release_at__lte=now, results_release_at__gt=now - CERTIFICATES_LOOKBACK
    ).order_by("results_release_at", "pk")
    opened = 0
    for series in released:
        opened += open_series_certificate_despatches(series, now=now, limit=batch - opened)
        if opened >= batch:
            break
    return opened


def _certificates_clock(case: CertificateDespatch) -> Clock | None:
    return Clock.objects.for_case(case).filter(code=CERTIFICATES_CLOCK).open().first()


def despatch_certificates(
    case: CertificateDespatch,
    *,
    by,
    courier: str,
    tracking_reference: str = "",
    despatched_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> CertificateDespatch:
    """Record that the centre's certificates went out.

    Steps: check ``by`` may; check the courier and the date (today unless told; never in
    the future nor before results day); make the move, which locks the row (a repeat
    changes nothing and tells nobody again); count the candidates again (what went out);
    record the courier, tracking reference and date; stop ``certificates.despatch`` at the
    despatch (the end of its day when it is recorded on a later day); tell the centre's
    officers, with a link, once.
    """
    at = at or timezone.now()
    authorize(case, "despatch", by=by)
    courier = _clean_text(
        courier, field="courier", required="Name the courier or postal service.", limit=100
    )
    tracking_reference = _clean_text(tracking_reference, field="tracking_reference", limit=100)
    today = london_date(at)
    despatched_on = despatched_on or today
    if despatched_on > today:
        raise PortalError("The despatch date cannot be in the future.", field="despatched_on")
    if despatched_on < london_date(case.series.results_release_at):
        raise PortalError(
            f"Certificates cannot go before results day, {_release_words(case.series)}.",
            field="despatched_on",
        )
    covered, held = count_certificates(centre=case.centre, series=case.series)
    update = {
        "courier": courier,
        "tracking_reference": tracking_reference,
        "despatched_on": despatched_on,
        "despatched_at": at,
        "handled_by": by,
        "candidates_covered": covered,
        "candidates_held": held,
        "counted_at": at,
    }
    with transaction.atomic():
        case, moved = transition(
            case,
            "despatch",
            by=by,
            update=update,
            data={"courier": courier, "tracking_reference": tracking_reference},
            at=at,
        )
        if not moved:
            return case
        stopped = at if despatched_on == today else end_of_day(despatched_on)
        sla.stop_clock(case, code=CERTIFICATES_CLOCK, at=stopped, by=by)
        tell_centre(
            case,
            step="despatched",
            kind=KIND,
            at=at,
            covered=_candidates(covered),
            held=_candidates(held).capitalize() if held else "",
            tracked=f", tracking reference {tracking_reference}" if tracking_reference else "",
        )
    return case


def hold_certificates(
    case: CertificateDespatch, *, by, reason: str, at: dt.datetime | None = None
) -> CertificateDespatch:
    """Hold the despatch while it waits on the centre (a delivery address to confirm, fees
    to pay).

    Steps: check ``by`` may and the reason; make the move (a repeat changes nothing);
    record the reason; pause ``certificates.despatch`` while it is running and not yet
    missed (a missed deadline stays missed); tell the centre's officers what is needed.
    """
    at = at or timezone.now()
    authorize(case, "hold", by=by)
    reason = HOLD_REASON.clean(reason)
    with transaction.atomic():
        case, moved = transition(
            case, "hold", by=by, update={"hold_reason": reason}, data={"reason": reason}, at=at
        )
        if not moved:
            return case
        clock = _certificates_clock(case)
        missed = clock is not None and clock.due_at is not None and clock.due_at < at
        if clock is not None and clock.state == Clock.State.RUNNING and not missed:
            sla.pause_clock(case, code=CERTIFICATES_CLOCK, at=at, by=by, reason=reason)
        tell_centre(
            case, step=f"held-{int(at.timestamp())}", notice="held", kind=KIND, at=at, reason=reason
        )
    return case


def resume_certificates(
    case: CertificateDespatch, *, by, at: dt.datetime | None = None
) -> CertificateDespatch:
    """End a hold: the despatch is due again and a paused clock runs on, the days held
    added to its deadline."""
    at = at or timezone.now()
    with transaction.atomic():
        case, moved = transition(case, "resume", by=by, update={"hold_reason": ""}, at=at)
        if not moved:
            return case
        clock = _certificates_clock(case)
        if clock is not None and clock.state == Clock.State.PAUSED:
            sla.resume_clock(case, code=CERTIFICATES_CLOCK, at=at, by=by)
    return case

"""The rules of enquiries about results.

Every status change goes through ``portal.workflow.transition`` (lock, check, save, audit);
the clocks move, the result changes and the centre's officers are told in the same
transaction.
"""

import datetime as dt
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from entries.models import Candidate, Series, Syllabus
from portal.accounts.models import User
from portal.accounts.roles import RESULTS_TEAM
from portal.calendar import london_date, long_date
from portal.cases.notices import tell_centre, tell_team
from portal.cases.services import acknowledge_case, open_case
from portal.errors import PortalError
from portal.rules import Choice, Text
from portal.sla import services as sla
from portal.workflow import transition
from results import services as results
from results.enquiries.models import EAR_ACKNOWLEDGE, EAR_OUTCOME, Enquiry, Service, ServiceTerms
from results.models import GRADES, Result

Status = Enquiry.Status

# The outcome of an enquiry is appealed within this many days of it being sent.
APPEAL_DAYS = 30


# What staff and centres write on an enquiry's moves: the pages' forms and the API's
# serializers check with these too (portal/rules.py).
GRADE = Choice(
    "grade",
    label="Grade after the enquiry",
    choices=[(grade, grade) for grade in GRADES],
    missing="Choose the grade.",
    prompt="Choose a grade",
)
APPEAL_GRADE = replace(GRADE, label="The grade the appeal gives")
OUTCOME_NOTE = Text("note", label="What the centre is told", most=5000, rows=4)
GROUNDS = Text(
    "grounds",
    label="Why the outcome is wrong",
    most=5000,
    missing="Say why the outcome is wrong.",
    rows=4,
)
DECISION = Text(
    "note",
    label="The decision and its reasons",
    most=5000,
    missing="Give the decision and its reasons.",
    rows=4,
)


def terms_for(series: Series, service: str) -> ServiceTerms | None:
    return ServiceTerms.objects.filter(series=series, service=service).first()


def visible_result(*, centre, series: Series, candidate_number: str, syllabus: Syllabus, at):
    """The centre's issued, released and not withheld result of that candidate and syllabus;
    anything else (another centre's candidate included) is refused as unknown, never named."""
    candidate = Candidate.objects.filter(
        centre=centre, series=series, candidate_number=(candidate_number or "").strip()
    ).first()
    if candidate is None:
        raise PortalError(
            f"{centre.number} has no candidate with that number in {series}.",
            field="candidate_number",
        )
    result = (
        Result.objects.with_holds()
        .filter(candidate=candidate, syllabus=syllabus, centre=centre, series=series)
        .first()
    )
    if result is None or result.held or result.status != Result.Status.ISSUED:
        raise PortalError(
            f"Candidate {candidate.candidate_number} has no issued result in {syllabus.code} "
            f"in {series} to enquire about.",
            field="syllabus_code",
        )
    return candidate, result


def submit_enquiry(
    *,
    centre,
    series: Series,
    candidate_number: str,
    syllabus: Syllabus,
    service: str,
    by: User,
    at: dt.datetime | None = None,
) -> Enquiry:
    """Ask for a service on one result.

    Steps: refuse before the series' results are released; refuse a service not offered in
    the series or asked for after its deadline; find the centre's issued result (released,
    not withheld); refuse a second open enquiry on it; open the case with the fee of the
    series' terms and the clocks ``ear.acknowledge`` and ``ear.outcome``; tell the centre and
    the results team.
    """
    at = at or timezone.now()
    if series.results_release_at is None or series.results_release_at > at:
        raise PortalError(
            f"The results of {series} are not released yet: enquiries open when they are.",
            field="series",
        )
    if service not in Service.values:
        raise PortalError("Choose a service.", field="service")
    terms = terms_for(series, service)
    label = Service(service).label
    if terms is None:
        raise PortalError(f"{label} is not offered for {series}.", field="service")
    if at > terms.closes_at:
        raise PortalError(
            f"The deadline for a {label.lower()} in {series} was "
            f"{long_date(london_date(terms.closes_at))}.",
            field="service",
        )
    candidate, result = visible_result(
        centre=centre, series=series, candidate_number=candidate_number, syllabus=syllabus, at=at
    )
    with transaction.atomic():
        Result.objects.select_for_update().get(pk=result.pk)
        waiting = (
            Enquiry.objects.filter(result=result, status__in=Enquiry.OPEN_STATUSES)
            .only("reference")
            .first()
        )
        if waiting is not None:
            raise PortalError(
                f"Candidate {candidate.candidate_number} already has an enquiry about "
                f"{syllabus.code} under way ({waiting.reference}).",
                field="syllabus_code",
            )
        case = open_case(
            Enquiry,
            by=by,
            at=at,
            clocks=[EAR_ACKNOWLEDGE, EAR_OUTCOME],
            summary=f"Enquiry received: {label}",
            data={"service": service, "fee": str(terms.fee)},
            centre=centre,
            series=series,
            candidate=candidate,
            syllabus=syllabus,
            result=result,
            service=service,
            fee=terms.fee,
            currency=terms.currency,
            grade_before=result.grade,
            submitted_by=by if by.is_authenticated else None,
        )
        tell_centre(
            case,
            step="received",
            kind="received",
            at=at,
            acknowledge=sla.promise(EAR_ACKNOWLEDGE),
            outcome=sla.promise(EAR_OUTCOME),
        )
        tell_team(case, RESULTS_TEAM, step="received", at=at)
    return case


def acknowledge_enquiry(case: Enquiry, *, by: User, at: dt.datetime | None = None) -> Enquiry:
    """Confirm receipt: stops ``ear.acknowledge``."""
    return acknowledge_case(
        case,
        by=by,
        clock=EAR_ACKNOWLEDGE,
        at=at,
        summary="Receipt confirmed",
        outcome=sla.promise(EAR_OUTCOME),
    )


def _regrade(case: Enquiry, *, grade: str, by: User, note: str, at) -> None:
    """Give the result its new grade (history kept, the centre told by the results app).
    A staff member whose role does not change results acts on the enquiry's authority."""
    actor = by if by.has_perm("results.change_result") else None
    results.change_grade(
        case.result,
        grade=grade,
        by=actor,
        reason=(f"Outcome of enquiry {case.reference}" + (f": {note}" if note else "."))[:300],
        now=at,
    )


def send_outcome(
    case: Enquiry, *, by: User, grade: str, note: str = "", at: dt.datetime | None = None
) -> Enquiry:
    """Send the outcome: the grade confirmed (status ``confirmed``) or changed (``changed``:
    the result takes the new grade and the fee is waived). Stops ``ear.outcome`` (and
    ``ear.acknowledge`` if still running)."""
    at = at or timezone.now()
    grade, note = GRADE.clean(grade), OUTCOME_NOTE.clean(note)
    changed = grade != case.grade_before
    to = Status.CHANGED if changed else Status.CONFIRMED
    with transaction.atomic():
        case, moved = transition(
            case,
            "outcome",
            by=by,
            to=to,
            summary=f"Outcome: grade {grade}" + (" (changed)" if changed else " (confirmed)"),
            data={"grade": grade},
            update=dict(
                grade_after=grade,
                fee_waived=changed,
                outcome_note=note,
                decided_at=at,
                decided_by=by,
                acknowledged_at=lambda c: c.acknowledged_at or at,
            ),
            at=at,
        )
        if moved:
            sla.stop_clock(case, code=EAR_ACKNOWLEDGE, at=at, by=by)
            sla.stop_clock(case, code=EAR_OUTCOME, at=at, by=by)
            if changed:
                _regrade(case, grade=grade, by=by, note=note, at=at)
            tell_centre(
                case, step="outcome", kind="decided", at=at, changed=changed, days=APPEAL_DAYS
            )
    return case


def appeal_closes_at(case: Enquiry) -> dt.datetime | None:
    return case.decided_at + dt.timedelta(days=APPEAL_DAYS) if case.decided_at else None


def appeal_outcome(
    case: Enquiry, *, by: User, grounds: str, at: dt.datetime | None = None
) -> Enquiry:
    """The centre appeals against the outcome (the route the complaints procedure names),
    within 30 days of it, saying why; the results team is told."""
    at = at or timezone.now()
    grounds = GROUNDS.clean(grounds)
    closes = appeal_closes_at(case)
    if case.status != Status.APPEALED and closes is not None and at > closes:
        raise PortalError(
            f"The outcome could be appealed until {long_date(london_date(closes))}, "
            f"{APPEAL_DAYS} days after it was sent.",
            field="grounds",
        )
    with transaction.atomic():
        case, moved = transition(
            case,
            "appeal",
            by=by,
            summary="Outcome appealed",
            update=dict(appeal_grounds=grounds[:5000], appealed_at=at),
            at=at,
        )
        if moved:
            tell_centre(case, step="appealed", kind="received", at=at)
            tell_team(case, RESULTS_TEAM, step="appealed", at=at, grounds=grounds)
    return case


def decide_appeal(
    case: Enquiry, *, by: User, grade: str, note: str, at: dt.datetime | None = None
) -> Enquiry:
    """Decide the appeal with the final grade and the reasons: a grade other than the one
    standing changes the result (and the fee is waived, as for an outcome that changes it)."""
    at = at or timezone.now()
    grade, note = APPEAL_GRADE.clean(grade), DECISION.clean(note)
    standing = case.grade_after or case.grade_before
    changed = grade != standing
    with transaction.atomic():
        case, moved = transition(
            case,
            "decide-appeal",
            by=by,
            summary=f"Appeal decided: grade {grade}",
            data={"grade": grade},
            update=dict(
                appeal_note=note[:5000],
                appeal_decided_at=at,
                grade_after=grade,
                fee_waived=lambda c: c.fee_waived or grade != c.grade_before,
            ),
            at=at,
        )
        if moved:
            if changed:
                _regrade(case, grade=grade, by=by, note=f"appeal: {note}", at=at)
            tell_centre(
                case,
                step="appeal-decided",
                kind="decided",
                at=at,
                changed=changed,
                grade=grade,
                note=note,
            )
    return case

"""The rules of access arrangements, special consideration and their appeals.

Every status change goes through ``portal.workflow.transition`` (lock, check, save, audit);
the clocks move and the centre's officers are told in the same transaction.
"""

import datetime as dt
from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from entries.arrangements.models import (
    AA_ACKNOWLEDGE,
    APPEAL_OUTCOME,
    SC_PROCESS,
    SELF_GRANTED,
    AccessArrangement,
    Appeal,
    Arrangement,
    Category,
    SpecialConsideration,
)
from entries.arrangements.policies import EVIDENCE
from entries.models import Candidate, Entry, Series, Syllabus, first_paper_date, last_paper_date
from portal.accounts.models import User
from portal.calendar import end_of_day, london_date, long_date
from portal.cases.notices import tell_centre
from portal.cases.services import acknowledge_case, decide_case, open_case
from portal.errors import PortalError, TransitionNotAllowed
from portal.rules import Number, Text
from portal.sla import services as sla
from portal.storage import files_discarded_on_failure
from portal.uploads.services import attach_files, check_files
from portal.workflow import authorize, transition

AAStatus = AccessArrangement.Status
SCStatus = SpecialConsideration.Status
AppealStatus = Appeal.Status

# Special consideration is applied for within this many days of the syllabus's last paper.
CONSIDERATION_DAYS = 7
# A second stage of appeal is lodged within this many days of the first stage's outcome.
STAGE_TWO_DAYS = 14


# What staff and centres write on the moves: the pages' forms and the API's serializers check
# with these too (portal/rules.py).
TEXT_MAX = 5000
NOTE = Text("note", label="A note to the centre", most=TEXT_MAX, rows=3)
DECLINE_REASON = Text(
    "reason",
    label="Why (the centre is told)",
    most=TEXT_MAX,
    missing="Say why it is declined.",
    rows=3,
)
NOT_GRANTED_REASON = replace(DECLINE_REASON, missing="Say why it is not granted.")
ADJUSTMENT = Number(
    "adjustment_percent",
    label="Adjustment (% of the maximum mark)",
    least=1,
    most=25,
    missing="Give the adjustment as a whole percentage from 1 to 25.",
)
# Upholding an appeal: needed for special consideration (the service says so), not asked
# for an access arrangement.
ADJUSTMENT_NOW = Number(
    "adjustment_percent",
    label="Adjustment now granted (% of the maximum mark)",
    least=1,
    most=25,
    help_text="For special consideration only.",
)
GROUNDS = Text(
    "grounds",
    label="Why you think the outcome is wrong",
    most=TEXT_MAX,
    missing="Say why you think the outcome is wrong.",
    rows=5,
)
OUTCOME = Text(
    "outcome",
    label="The decision and its reasons",
    most=TEXT_MAX,
    missing="Give the decision and its reasons.",
    rows=4,
)


def _require(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise PortalError(message, field=field)
    return value


def _candidate(*, centre, series: Series, candidate_number: str) -> Candidate:
    """The centre's own candidate of that number in the series; any other number (another
    centre's candidate included) is refused as unknown, never named."""
    candidate = Candidate.objects.filter(
        centre=centre, series=series, candidate_number=(candidate_number or "").strip()
    ).first()
    if candidate is None:
        raise PortalError(
            f"{centre.number} has no candidate with that number in {series}.",
            field="candidate_number",
        )
    return candidate


# --- Access arrangements -------------------------------------------------------------------


def arrangements_close_at(series: Series) -> dt.datetime | None:
    """The last instant to apply for arrangements needing approval: the end of the series'
    deadline day in London (the rules' time zone); None when the series sets none."""
    if series.access_arrangements_deadline is None:
        return None
    return end_of_day(series.access_arrangements_deadline)


def apply_for_access_arrangement(
    *,
    centre,
    series: Series,
    candidate_number: str,
    arrangement: str,
    reason: str,
    by: User,
    evidence=(),
    at: dt.datetime | None = None,
) -> AccessArrangement:
    """Apply for an access arrangement for one of the centre's candidates.

    Steps: check the reason, the arrangement and the candidate; refuse one needing approval
    after the series' deadline, and one the candidate already has or awaits; open the case,
    approved at once (no clock) when the centre grants it itself, else received with the
    ``aa.acknowledge`` clock; attach the ``evidence`` files (checked first, against
    ``EVIDENCE``); tell the centre's officers.
    """
    at = at or timezone.now()
    reason = _require(reason, field="reason", message="Say why the candidate needs it.")
    if arrangement not in Arrangement.values:
        raise PortalError("Choose an arrangement.", field="arrangement")
    candidate = _candidate(centre=centre, series=series, candidate_number=candidate_number)
    self_granted = arrangement in SELF_GRANTED
    closes = arrangements_close_at(series)
    if not self_granted and closes is not None and at > closes:
        raise PortalError(
            f"The deadline for access arrangements that need approval in {series} was "
            f"{long_date(series.access_arrangements_deadline)}. Your centre may still grant "
            "extra time of up to 25%, a word processor or rest breaks itself.",
            field="arrangement",
        )
    checked = check_files(evidence, policy=EVIDENCE)
    with files_discarded_on_failure(), transaction.atomic():
        # Two officers sending the same application at once: one waits for the other here.
        Candidate.objects.select_for_update().get(pk=candidate.pk)
        existing = (
            AccessArrangement.objects.filter(
                candidate=candidate,
                arrangement=arrangement,
                status__in=[AAStatus.RECEIVED, AAStatus.ACKNOWLEDGED, AAStatus.APPROVED],
            )
            .order_by("created_at")
            .first()
        )
        if existing is not None:
            raise PortalError(
                f"Candidate {candidate.candidate_number} already has this arrangement "
                f"({existing.reference}, {existing.get_status_display().lower()}).",
                field="arrangement",
            )
        case = open_case(
            AccessArrangement,
            by=by,
            at=at,
            clocks=[] if self_granted else [AA_ACKNOWLEDGE],
            summary="Granted by the centre" if self_granted else "Application received",
            status=AAStatus.APPROVED if self_granted else AAStatus.RECEIVED,
            centre=centre,
            series=series,
            candidate=candidate,
            arrangement=arrangement,
            reason=reason,
            submitted_by=by if by.is_authenticated else None,
            decided_at=at if self_granted else None,
        )
        attach_files(case, checked, policy=EVIDENCE, by=by, labels={"kind": "evidence"})
        if self_granted:
            tell_centre(case, step="approved", kind="decided", at=at)
        else:
            tell_centre(
                case,
                step="received",
                kind="received",
                at=at,
                acknowledge=sla.promise(AA_ACKNOWLEDGE),
            )
    return case


def acknowledge_access_arrangement(
    case: AccessArrangement, *, by: User, at: dt.datetime | None = None
) -> AccessArrangement:
    """Acknowledge the application: stop ``aa.acknowledge``; the decision follows."""
    return acknowledge_case(case, by=by, clock=AA_ACKNOWLEDGE, at=at)


def _decide_access_arrangement(case, move: str, *, by: User, note: str, at) -> AccessArrangement:
    return decide_case(
        case,
        move,
        by=by,
        note=note,
        # A decision made straight away acknowledges the application too.
        clock=AA_ACKNOWLEDGE,
        at=at,
        summary="Approved" if move == "approve" else "Declined",
        update=dict(acknowledged_at=lambda c: c.acknowledged_at or at),
        approved=move == "approve",
        appeal_outcome=sla.promise(APPEAL_OUTCOME),
    )


def approve_access_arrangement(
    case: AccessArrangement, *, by: User, note: str = "", at: dt.datetime | None = None
) -> AccessArrangement:
    """Approve the arrangement (acknowledging it too if it was not yet)."""
    return _decide_access_arrangement(
        case, "approve", by=by, note=NOTE.clean(note), at=at or timezone.now()
    )


def decline_access_arrangement(
    case: AccessArrangement, *, by: User, reason: str, at: dt.datetime | None = None
) -> AccessArrangement:
    """Decline the arrangement, saying why: the centre may appeal."""
    reason = DECLINE_REASON.clean(reason)
    return _decide_access_arrangement(case, "decline", by=by, note=reason, at=at or timezone.now())


# --- Special consideration -----------------------------------------------------------------


def consideration_opens_on(series: Series, syllabus: Syllabus) -> dt.date | None:
    """The first day special consideration in ``syllabus`` is taken: the day of its first
    timetabled paper in the series, as the centre's calendar reads it. Special consideration
    is for candidates affected at the time of an exam, so none is taken before one has been
    sat. A syllabus with no timetabled paper (coursework only) has no such day: None."""
    return first_paper_date(series, syllabus)


def consideration_closes_at(series: Series, syllabus: Syllabus) -> dt.datetime:
    """The last instant to apply for special consideration in ``syllabus``."""
    return consideration_window_end(series, last_paper_date(series, syllabus))


def consideration_window_end(series: Series, last_paper: dt.date | None) -> dt.datetime:
    """The end (London) of the seventh day after the syllabus's last timetabled paper in the
    series. A syllabus with no timetabled paper (coursework only) has no such day:
    applications are taken until the series' results are released."""
    if last_paper is None:
        return series.results_release_at
    return end_of_day(last_paper + dt.timedelta(days=CONSIDERATION_DAYS))


def apply_for_special_consideration(
    *,
    centre,
    series: Series,
    candidate_number: str,
    syllabus: Syllabus,
    reason: str,
    by: User,
    category: str = Category.PRESENT_DISADVANTAGED,
    half_completed: bool = False,
    evidence=(),
    at: dt.datetime | None = None,
) -> SpecialConsideration:
    """Apply for special consideration for one candidate in one syllabus.

    Steps: check the reason, the category and the candidate, who must be entered for the
    syllabus; an absence counts only when at least half of the assessment was completed;
    refuse an application before the window opens (the day of the syllabus's first paper, in
    the centre's time zone) or after it closes (7 days after the syllabus's last paper)
    and one while another for the same candidate and syllabus waits; open the case with the
    ``sc.process`` clock; attach the ``evidence`` files (checked first, against
    ``EVIDENCE``); tell the centre's officers.
    """
    at = at or timezone.now()
    reason = _require(reason, field="reason", message="Say what happened to the candidate.")
    if category not in Category.values:
        raise PortalError("Choose what happened.", field="category")
    candidate = _candidate(centre=centre, series=series, candidate_number=candidate_number)
    entered = Entry.objects.filter(candidate=candidate, syllabus=syllabus).exclude(
        status=Entry.Status.WITHDRAWN
    )
    if not entered.exists():
        raise PortalError(
            f"Candidate {candidate.candidate_number} is not entered for {syllabus.code} in "
            f"{series}.",
            field="syllabus_code",
        )
    if category == Category.ABSENT and not half_completed:
        raise PortalError(
            "A candidate absent from part of the assessment is considered only if they "
            "completed at least half of it. Confirm that they did, or choose another category.",
            field="half_completed",
        )
    opens_on = consideration_opens_on(series, syllabus)
    if opens_on is not None and at.astimezone(centre.zone).date() < opens_on:
        raise PortalError(
            f"Special consideration is for candidates affected at the time of an exam: for "
            f"{syllabus.code} in {series} it can be applied for from {long_date(opens_on)}, "
            f"the day of its first paper.",
            field="syllabus_code",
        )
    closes = consideration_closes_at(series, syllabus)
    if at > closes:
        raise PortalError(
            f"Special consideration for {syllabus.code} in {series} had to be applied for by "
            f"{long_date(london_date(closes))}, {CONSIDERATION_DAYS} days after its last paper.",
            field="syllabus_code",
        )
    checked = check_files(evidence, policy=EVIDENCE)
    with files_discarded_on_failure(), transaction.atomic():
        Candidate.objects.select_for_update().get(pk=candidate.pk)
        waiting = SpecialConsideration.objects.filter(
            candidate=candidate, syllabus=syllabus, status=SCStatus.RECEIVED
        ).first()
        if waiting is not None:
            raise PortalError(
                f"Candidate {candidate.candidate_number} already has an application for "
                f"{syllabus.code} waiting for a decision ({waiting.reference}).",
                field="syllabus_code",
            )
        case = open_case(
            SpecialConsideration,
            by=by,
            at=at,
            clocks=[SC_PROCESS],
            summary="Application received",
            centre=centre,
            series=series,
            candidate=candidate,
            syllabus=syllabus,
            category=category,
            reason=reason,
            half_completed=bool(half_completed) if category == Category.ABSENT else False,
            submitted_by=by if by.is_authenticated else None,
        )
        attach_files(case, checked, policy=EVIDENCE, by=by, labels={"kind": "evidence"})
        tell_centre(case, step="received", kind="received", at=at, process=sla.promise(SC_PROCESS))
    return case


def grant_special_consideration(
    case: SpecialConsideration,
    *,
    by: User,
    adjustment_percent: int,
    note: str = "",
    at: dt.datetime | None = None,
) -> SpecialConsideration:
    """Grant it with an adjustment (a percentage of the maximum mark): stops ``sc.process``."""
    at = at or timezone.now()
    adjustment, note = ADJUSTMENT.clean(adjustment_percent), NOTE.clean(note)
    return decide_case(
        case,
        "grant",
        by=by,
        note=note,
        clock=SC_PROCESS,
        at=at,
        summary=f"Granted: {adjustment}%",
        data={"adjustment_percent": adjustment},
        update=dict(adjustment_percent=adjustment),
        granted=True,
    )


def decline_special_consideration(
    case: SpecialConsideration, *, by: User, reason: str, at: dt.datetime | None = None
) -> SpecialConsideration:
    """Do not grant it, saying why: stops ``sc.process``; the centre may appeal."""
    at = at or timezone.now()
    reason = NOT_GRANTED_REASON.clean(reason)
    return decide_case(
        case,
        "decline",
        by=by,
        note=reason,
        clock=SC_PROCESS,
        at=at,
        summary="Not granted",
        granted=False,
        appeal_outcome=sla.promise(APPEAL_OUTCOME),
    )


# --- Appeals -------------------------------------------------------------------------------


def _appeals_of(case):
    return Appeal.objects.filter(**{_original_field(case): case}).order_by("stage")


def _original_field(case) -> str:
    if isinstance(case, AccessArrangement):
        return "access_arrangement"
    if isinstance(case, SpecialConsideration):
        return "special_consideration"
    raise TypeError(f"{case!r} cannot be appealed.")


def stage_two_closes_at(stage_one: Appeal) -> dt.datetime:
    """The end (London) of the 14th day after the first stage's outcome."""
    return end_of_day(london_date(stage_one.decided_at) + dt.timedelta(days=STAGE_TWO_DAYS))


def appeal_prospects(case, *, at: dt.datetime | None = None) -> tuple[int | None, str]:
    """The stage an appeal against ``case`` would be now, or None with why not."""
    at = at or timezone.now()
    if not any(case.status in m.sources for m in type(case).MOVES.named("appeal")):
        return None, "Only a decided outcome that went against the centre can be appealed."
    appeals = list(_appeals_of(case))
    if not appeals:
        return 1, ""
    last = appeals[-1]
    if last.status == AppealStatus.RECEIVED:
        return None, f"{case.reference} is already under appeal ({last.reference})."
    if last.stage >= 2:
        return None, f"Both stages of appeal are used: the outcome of {last.reference} is final."
    closes = stage_two_closes_at(last)
    if at > closes:
        return None, (
            f"A second stage had to be lodged within {STAGE_TWO_DAYS} days of the outcome of "
            f"{last.reference}, by {long_date(london_date(closes))}."
        )
    return 2, ""


def lodge_appeal(case, *, grounds: str, by: User, at: dt.datetime | None = None) -> Appeal:
    """Appeal against the outcome of an access arrangement or special consideration.

    Steps: check who may (the case's centre) and the grounds; lock the case, so that two
    appeals never take the same stage; work out the stage (1, or 2 within 14 days of stage
    1's outcome), refusing when none is open; record the move on the case; open the appeal
    with the ``appeal.outcome`` clock; tell the centre's officers.
    """
    at = at or timezone.now()
    authorize(case, "appeal", by=by)
    grounds = GROUNDS.clean(grounds)
    with transaction.atomic():
        locked = type(case)._default_manager.select_for_update().get(pk=case.pk)
        stage, why_not = appeal_prospects(locked, at=at)
        if stage is None:
            raise TransitionNotAllowed(why_not)
        locked, _ = transition(
            locked, "appeal", by=by, summary=f"Appealed (stage {stage})", data={"stage": stage}
        )
        appeal = open_case(
            Appeal,
            by=by,
            at=at,
            clocks=[APPEAL_OUTCOME],
            summary=f"Stage {stage} appeal against {locked.reference}",
            data={"against": locked.reference},
            centre=locked.centre,
            stage=stage,
            grounds=grounds,
            lodged_by=by if by.is_authenticated else None,
            **{_original_field(locked): locked},
        )
        tell_centre(
            appeal, step="received", kind="received", at=at, outcome=sla.promise(APPEAL_OUTCOME)
        )
    return appeal


def involved_in(appeal: Appeal) -> set[int]:
    """The staff who decided the outcome appealed against or an earlier stage of appeal."""
    original = appeal.original
    involved = {original.decided_by_id}
    involved |= set(
        _appeals_of(original).filter(stage__lt=appeal.stage).values_list("decided_by", flat=True)
    )
    return {pk for pk in involved if pk is not None}


def _check_independent(appeal: Appeal, by: User) -> None:
    if by is not None and by.pk in involved_in(appeal):
        raise PermissionDenied(
            "You took part in the decision appealed against; another member of staff must "
            "decide this appeal."
        )


def _decide_appeal(
    appeal: Appeal, move: str, *, by: User, outcome: str, adjustment: int | None, at
) -> Appeal:
    authorize(appeal, move, by=by)
    _check_independent(appeal, by)
    with transaction.atomic():
        appeal, moved = transition(
            appeal,
            move,
            by=by,
            summary="Upheld" if move == "uphold" else "Not upheld",
            update=dict(
                outcome=outcome, decided_at=at, decided_by=by, adjustment_percent=adjustment
            ),
            at=at,
        )
        if not moved:
            return appeal
        sla.stop_clock(appeal, code=APPEAL_OUTCOME, at=at, by=by)
        original = appeal.original
        if move == "uphold":
            _revise(original, appeal=appeal, at=at)
        upheld = move == "uphold"
        tell_centre(
            appeal,
            step="decided",
            kind="decided",
            at=at,
            upheld=upheld,
            days=STAGE_TWO_DAYS,
            closes=long_date(london_date(stage_two_closes_at(appeal))) if appeal.stage == 1 else "",
        )
    return appeal


def _revise(original, *, appeal: Appeal, at) -> None:
    """The outcome an upheld appeal gives the case: approved, or granted with the appeal's
    adjustment. Made by the portal on the appeal's authority (the appeal records who)."""
    values = {}
    if isinstance(original, SpecialConsideration):
        values["adjustment_percent"] = appeal.adjustment_percent
    transition(
        original,
        "revise",
        by=None,
        summary=f"Changed on appeal {appeal.reference}",
        data={"appeal": appeal.reference, "decided_by": appeal.decided_by_id},
        update=dict(**values),
        at=at,
    )


def uphold_appeal(
    appeal: Appeal,
    *,
    by: User,
    outcome: str,
    adjustment_percent: int | None = None,
    at: dt.datetime | None = None,
) -> Appeal:
    """Uphold the appeal: the case is approved, or granted with ``adjustment_percent`` (a
    special consideration needs one); stops ``appeal.outcome``."""
    outcome = OUTCOME.clean(outcome)
    adjustment = None
    if appeal.special_consideration_id is not None:
        adjustment = ADJUSTMENT.clean(adjustment_percent)
    return _decide_appeal(
        appeal, "uphold", by=by, outcome=outcome, adjustment=adjustment, at=at or timezone.now()
    )


def dismiss_appeal(
    appeal: Appeal, *, by: User, outcome: str, at: dt.datetime | None = None
) -> Appeal:
    """Do not uphold the appeal, saying why; stops ``appeal.outcome``."""
    outcome = OUTCOME.clean(outcome)
    return _decide_appeal(
        appeal, "dismiss", by=by, outcome=outcome, adjustment=None, at=at or timezone.now()
    )

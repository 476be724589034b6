"""The registration team's side of an application to become a centre (re-exported by
``centres.registration.services``): the approval visit scheduled with a visitor, each
standard judged, and the decision: improvements requested (a new round of the
self-assessment), or approval, which makes the centre and its first exams officer.
"""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from centres.registration.applications import (
    CHANGE,
    COMMENT_MAX,
    VISIT,
    ApplicationRound,
    CentreApplication,
    Judgement,
    SelfAssessment,
    VisitMode,
)
from centres.registration.applying import (
    VISIT_WITHIN,
    _tell_applicant,
    _tell_team,
    editable_round,
)
from portal.calendar import long_date
from portal.centres.models import Centre, Membership
from portal.centres.numbers import allocate_centre_number
from portal.errors import PortalError
from portal.permissions import active_staff
from portal.sla import services as sla
from portal.workflow import authorize, transition

Status = CentreApplication.Status


def visitors():
    """Who may visit a school: active staff whose role works with applications."""
    return active_staff(with_perm=CHANGE)


def schedule_visit(
    application,
    *,
    by,
    date: dt.date,
    mode: str,
    visitor=None,
    at: dt.datetime | None = None,
) -> CentreApplication:
    """Set (or move) the approval visit: its date, remote or on site, and the visitor."""
    at = at or timezone.now()
    authorize(application, "schedule-visit", by=by)
    visitor = visitor or by
    if mode not in VisitMode.values:
        raise PortalError("Choose remote or on site.", field="mode")
    today = timezone.localdate(at, application.zone)
    if date < today:
        raise PortalError("The visit cannot be in the past.", field="date")
    if date > today + VISIT_WITHIN:
        raise PortalError(
            f"The visit must be within {VISIT_WITHIN.days} days of today.", field="date"
        )
    if not visitors().filter(pk=visitor.pk).exists():
        raise PortalError(
            "The visitor must be a member of staff whose role works with applications.",
            field="visitor",
        )
    same = (application.visit_date, application.visit_mode, application.visitor_id) == (
        date,
        mode,
        visitor.pk,
    )
    if application.status == Status.VISIT_SCHEDULED and same:
        return application

    def scheduled(app) -> list[str]:
        app.visit_date, app.visit_mode, app.visitor = date, mode, visitor
        return ["visit_date", "visit_mode", "visitor"]

    with transaction.atomic():
        application, moved = transition(
            application,
            "schedule-visit",
            by=by,
            action="" if application.status != Status.VISIT_SCHEDULED else "visit_moved",
            summary=f"Visit {date:%Y-%m-%d} ({VisitMode(mode).label})",
            data={"date": date.isoformat(), "mode": mode, "visitor": visitor.pk},
            update=scheduled,
            at=at,
        )
        if moved:
            how = VisitMode(mode).label.lower()
            _tell_applicant(
                application,
                "visit",
                kind="progress",
                key=f"visit:{date:%Y%m%d}:{mode}:{at.timestamp()}",
                at=at,
                day=long_date(date),
                how=how,
            )
            if visitor != by:
                _tell_team(
                    application,
                    "visit",
                    kind="requested",
                    key=f"visitor:{visitor.pk}:{at.timestamp()}",
                    to=[visitor],
                    at=at,
                    day=long_date(date),
                    how=how,
                )
    return application


def _judge(application, *, by, judgements, at) -> ApplicationRound:
    """Record judgements on the round under judgement; answer the round."""
    round_ = editable_round(application)
    assessments = {a.code: a for a in round_.assessments.all()}
    cleaned = []
    for item in judgements:
        code = item.get("code")
        if code not in assessments:
            raise PortalError(f"No standard {code} in this application.", field="judgements")
        judgement = item.get("judgement") or ""
        improvement = str(item.get("improvement") or "").strip()
        if judgement not in Judgement.values:
            raise PortalError(f"{code}: choose met or improvement needed.", field="judgements")
        if judgement == Judgement.IMPROVEMENT_NEEDED and not improvement:
            raise PortalError(f"{code}: say what the school must do.", field="judgements")
        if len(improvement) > COMMENT_MAX:
            raise PortalError(f"{code}: at most {COMMENT_MAX} characters.", field="judgements")
        cleaned.append(
            (assessments[code], judgement, improvement if judgement != Judgement.MET else "")
        )
    for assessment, judgement, improvement in cleaned:
        if (assessment.judgement, assessment.improvement) != (judgement, improvement):
            assessment.judgement, assessment.improvement = judgement, improvement
            assessment.judged_at, assessment.judged_by = at, by
            assessment.save(update_fields=["judgement", "improvement", "judged_at", "judged_by"])
    return round_


def _judged(application, **judging) -> list[str]:
    _judge(application, **judging)
    return []  # the judgements are rows of their own; the case itself is unchanged


def visit_awaited(application, *, at: dt.datetime | None = None) -> dt.date | None:
    """The day of a scheduled approval visit still to come (in the school's calendar), or
    None. Until that day nothing can be judged nor an outcome given, and ``approval.visit``
    keeps running: the visit is done when it has taken place, not when it is booked."""
    if application.status != Status.VISIT_SCHEDULED or application.visit_date is None:
        return None
    today = timezone.localdate(at or timezone.now(), application.zone)
    return application.visit_date if today < application.visit_date else None


def _refuse_before_the_visit(application, *, at) -> None:
    if (day := visit_awaited(application, at=at)) is not None:
        raise PortalError(
            f"The approval visit is on {long_date(day)}: what it finds can be recorded from "
            "that day."
        )


def record_judgements(
    application, *, by, judgements: list[dict], at: dt.datetime | None = None
) -> CentreApplication:
    """Judge standards of the round under judgement: met, or improvement needed and what
    to do. Staff may judge in several sittings, from the day of the visit; the outcome is
    decided separately."""
    at = at or timezone.now()
    authorize(application, "judge", by=by)
    _refuse_before_the_visit(application, at=at)
    with transaction.atomic():
        application, _ = transition(
            application,
            "judge",
            by=by,
            action="judged",
            summary=f"{len(judgements)} standard{'s' if len(judgements) != 1 else ''} judged",
            data={"codes": [str(j.get("code")) for j in judgements]},
            update=lambda app: _judged(app, by=by, judgements=judgements, at=at),
            at=at,
        )
    return application


def _decide(application, *, by, outcome: str, note: str, at) -> ApplicationRound:
    round_ = editable_round(application)
    round_.outcome, round_.outcome_note = outcome, note
    round_.decided_at, round_.decided_by = at, by
    round_.save(update_fields=["outcome", "outcome_note", "decided_at", "decided_by"])
    return round_


def _next_round(round_: ApplicationRound) -> ApplicationRound:
    """The round the school revises: its answers and evidence carried over from the last,
    the standards' text as it was assessed, nothing judged yet."""
    following = ApplicationRound.objects.create(
        application=round_.application, number=round_.number + 1, standard_set=round_.standard_set
    )
    for earlier in round_.assessments.prefetch_related("files"):
        copy = SelfAssessment.objects.create(
            round=following,
            standard_id=earlier.standard_id,
            code=earlier.code,
            area=earlier.area,
            number=earlier.number,
            text=earlier.text,
            comment=earlier.comment,
        )
        copy.files.set(earlier.files.all())
    return following


GENERAL_IMPROVEMENTS = (
    "The approval visit found that improvements are needed. The registration team will "
    "send you its findings; revise your self-assessment and evidence to answer them."
)


def request_improvements(
    application,
    *,
    by,
    judgements: Sequence[dict] = (),
    note: str = "",
    at: dt.datetime | None = None,
) -> CentreApplication:
    """The visit's outcome: the school must improve. Judgements given are recorded first.
    The school is told which standards need improvement and what to do; where none was
    judged so (the contract's body is optional), the note, or the general one below, is
    what it reads. ``approval.visit`` stops at the first outcome; a next round is opened for
    the school to revise and resubmit."""
    at = at or timezone.now()
    note = str(note or "").strip()
    authorize(application, "request-improvements", by=by)
    with transaction.atomic():
        locked = CentreApplication.objects.select_for_update().get(pk=application.pk)
        _refuse_before_the_visit(locked, at=at)
        if locked.status in (Status.VISIT_SCHEDULED, Status.RESUBMITTED):
            round_ = _judge(locked, by=by, judgements=list(judgements), at=at)
            judged = round_.assessments.filter(judgement=Judgement.IMPROVEMENT_NEEDED).exists()
            if not (judged or note):
                note = GENERAL_IMPROVEMENTS

        def decided(app) -> list[str]:
            _decide(
                app, by=by, outcome=ApplicationRound.Outcome.IMPROVEMENTS_NEEDED, note=note, at=at
            )
            app.decided_at = at
            return ["decided_at"]

        application, moved = transition(
            locked,
            "request-improvements",
            by=by,
            summary="Improvements needed",
            update=decided,
            at=at,
        )
        if moved:
            sla.stop_clock(application, code=VISIT, at=at, by=by)
            judged_round = editable_round(application)
            _next_round(judged_round)
            needing = judged_round.assessments.filter(judgement=Judgement.IMPROVEMENT_NEEDED)
            _tell_applicant(
                application,
                "improvements",
                kind="requested",
                key=f"improvements:{judged_round.number}",
                at=at,
                needing=list(needing),
                note=note,
            )
    return application


def approve_application(
    application,
    *,
    by,
    judgements: Sequence[dict] = (),
    note: str = "",
    at: dt.datetime | None = None,
) -> CentreApplication:
    """The school becomes a centre.

    Steps, in one transaction: record the judgements given, every standard not judged
    being met (refused while one still needs improvement); give the next centre number of
    its country; create the centre with the programmes applied for; make the applicant its
    exams officer; stop ``approval.visit``; tell the applicant their centre number.
    """
    at = at or timezone.now()
    note = str(note or "").strip()
    authorize(application, "approve", by=by)
    with transaction.atomic():
        locked = CentreApplication.objects.select_for_update().get(pk=application.pk)
        _refuse_before_the_visit(locked, at=at)
        if locked.status in (Status.VISIT_SCHEDULED, Status.RESUBMITTED):
            round_ = _judge(locked, by=by, judgements=list(judgements), at=at)
            still = list(
                round_.assessments.filter(judgement=Judgement.IMPROVEMENT_NEEDED).values_list(
                    "code", flat=True
                )
            )
            if still:
                raise PortalError(
                    f"{', '.join(still)} still {'needs' if len(still) == 1 else 'need'} "
                    "improvement: judge them met, or ask for improvements.",
                    field="judgements",
                )

        def approved(app) -> list[str]:
            round_ = editable_round(app)
            round_.assessments.filter(judgement="").update(
                judgement=Judgement.MET, judged_at=at, judged_by=by
            )
            _decide(app, by=by, outcome=ApplicationRound.Outcome.APPROVED, note=note, at=at)
            centre = Centre.objects.create(
                number=allocate_centre_number(app.country),
                name=app.school_name,
                country=app.country,
                timezone=app.timezone,
                email=app.contact_email,
                programmes=list(app.programmes),
            )
            Membership.objects.get_or_create(
                user=app.applicant,
                centre=centre,
                defaults={"role": Membership.Role.EXAMS_OFFICER},
            )
            app.centre, app.decided_at = centre, at
            return ["centre", "decided_at"]

        application, moved = transition(
            locked, "approve", by=by, summary="Approved", update=approved, at=at
        )
        if moved:
            sla.stop_clock(application, code=VISIT, at=at, by=by)
            centre = application.centre
            _tell_applicant(
                application, "approved", kind="decided", at=at, number=centre.number, note=note
            )
    return application


__all__ = [
    "approve_application",
    "record_judgements",
    "request_improvements",
    "schedule_visit",
    "visit_awaited",
    "visitors",
]

"""The rules of quality assurance: sampling, evidence requests and review (grades are
``qa/grades.py``).

Every status change of a request goes through ``portal.workflow.transition``; its clocks
(``qa.evidence``, ``qa.review``) move and its notices are written in the same transaction.

For the results: ``qa_settled(centre=, series=, syllabus=)`` answers whether results of that
centre, series and syllabus may be issued (no request for them, or every one accepted or
adjusted); ``withheld_scopes(series)`` answers the held ``(centre_id, syllabus_id)`` pairs
of a series at once; ``final_grade`` the grade to issue. ``on_settled(hook)`` registers a
function called with the request, inside its transaction, when a request is accepted or
adjusted: the point where results can be released, without signals.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from entries.models import Candidate, Series, Syllabus
from portal import audit
from portal.accounts.roles import ASSESSMENT_SPECIALIST
from portal.cases.notices import tell
from portal.cases.services import open_case
from portal.errors import PortalError, TransitionNotAllowed
from portal.notifications import Officers, Role
from portal.sla import services as sla
from portal.storage import files_discarded_on_failure
from portal.uploads.models import Attachment, Scan
from portal.uploads.services import attach_files, check_files
from portal.workflow import transition
from qa.grades import current_grades
from qa.models import (
    EVIDENCE,
    GRADES,
    REVIEW,
    AdjustedGrade,
    Grade,
    QaRequest,
    QaRound,
    QaSeries,
    SampledCandidate,
)
from qa.policies import QA_EVIDENCE

Status = QaRequest.Status
DEFAULT_SAMPLE_SIZE = 5


# QA dates -------------------------------------------------------------------------------


def set_qa_dates(
    series: Series, *, by, grades_open_at, grades_close_at, review_due=None
) -> QaSeries:
    """Set a series' grade window and the date its reviews are due.

    Steps: refuse a window that closes before it opens; save; move the due date of every
    review of the series still under way to the new date; record who changed what.
    """
    if grades_close_at <= grades_open_at:
        raise PortalError("The window must close after it opens.", field="grades_close_at")
    with transaction.atomic():
        dates, _ = QaSeries.objects.select_for_update().get_or_create(
            series=series,
            defaults={"grades_open_at": grades_open_at, "grades_close_at": grades_close_at},
        )
        before = dates.review_due
        dates.grades_open_at, dates.grades_close_at = grades_open_at, grades_close_at
        dates.review_due = review_due
        dates.save()
        moved = 0
        if review_due != before:
            for request in QaRequest.objects.filter(series=series, status=Status.SUBMITTED):
                moved += sla.set_due_date(request, code=REVIEW, due_at=dates.review_due_at, by=by)
        audit.record(
            dates,
            "change",
            by=by,
            summary=f"QA dates of {series}: reviews due {review_due or 'not set'}; "
            f"{moved} reviews moved",
            data={
                "grades_open_at": grades_open_at.isoformat(),
                "grades_close_at": grades_close_at.isoformat(),
                "review_due": review_due.isoformat() if review_due else None,
            },
        )
    return dates


# Sampling -------------------------------------------------------------------------------


def propose_sample(
    *, centre, series, syllabus, size: int = DEFAULT_SAMPLE_SIZE, exclude: Iterable[int] = ()
) -> list[Candidate]:
    """A spread of candidates across the grades the centre submitted for the syllabus:
    one from each grade in turn, best grade first, until ``size`` are chosen (staff may
    change the proposal)."""
    excluded = set(exclude)
    by_grade: dict[str, list[Candidate]] = defaultdict(list)
    grades = current_grades(centre=centre, series=series, syllabus=syllabus).values()
    for grade in sorted(grades, key=lambda g: g.candidate.candidate_number):
        if grade.candidate_id not in excluded:
            by_grade[grade.grade].append(grade.candidate)
    queues = [by_grade[g] for g in GRADES if by_grade[g]]
    chosen: list[Candidate] = []
    while queues and len(chosen) < size:
        for queue in list(queues):
            if len(chosen) == size:
                break
            # From the middle of each grade: neither its strongest nor its weakest work.
            chosen.append(queue.pop(len(queue) // 2))
            if not queue:
                queues.remove(queue)
    return sorted(chosen, key=lambda c: c.candidate_number)


def _sampled(*, centre, series, syllabus, numbers: Iterable[str], field: str) -> list[Candidate]:
    numbers = list(dict.fromkeys(numbers))
    graded = current_grades(centre=centre, series=series, syllabus=syllabus)
    found = {
        c.candidate_number: c
        for c in Candidate.objects.filter(pk__in=graded, candidate_number__in=numbers)
    }
    unknown = [n for n in numbers if n not in found]
    if unknown:
        raise PortalError(
            f"No grade was submitted for {syllabus.code} for candidate "
            f"{', '.join(unknown)} of {centre.number}.",
            field=field,
        )
    return [found[n] for n in numbers]


def open_request(
    *,
    centre,
    series: Series,
    syllabus: Syllabus,
    candidates: Iterable[str] = (),
    by,
    instructions: str = "",
    at: dt.datetime | None = None,
) -> QaRequest:
    """Ask a centre for the evidence behind its grades for a syllabus.

    Steps: refuse a syllabus for which the centre submitted no grades, or which already
    has a request under way; take the candidates staff chose (each with a submitted grade),
    or the proposed spread when they chose none; open the case with its ``qa.evidence``
    clock and its first round; tell the centre's officers what to send and by when.
    """
    at = at or timezone.now()
    if not current_grades(centre=centre, series=series, syllabus=syllabus):
        raise PortalError(
            f"{centre.number} has submitted no grades for {syllabus.code} in {series}.",
            field="syllabus_code",
        )
    if (
        QaRequest.objects.covering(centre=centre, series=series, syllabus=syllabus)
        .unsettled()
        .exists()
    ):
        raise PortalError(
            f"{centre.number} already has a QA request for {syllabus.code} in {series} under way.",
            field="syllabus_code",
        )
    numbers = list(candidates)
    if numbers:
        chosen = _sampled(
            centre=centre, series=series, syllabus=syllabus, numbers=numbers, field="candidates"
        )
    else:
        chosen = propose_sample(centre=centre, series=series, syllabus=syllabus)
    with transaction.atomic():
        request = open_case(
            QaRequest,
            by=by,
            at=at,
            clocks=[EVIDENCE],
            centre=centre,
            series=series,
            syllabus=syllabus,
            requested_by=by if by is not None and by.is_authenticated else None,
            instructions=instructions,
            summary=f"Evidence requested for {syllabus.code}",
            data={"candidates": [c.candidate_number for c in chosen]},
        )
        SampledCandidate.objects.bulk_create(
            [SampledCandidate(request=request, candidate=c, round=1) for c in chosen]
        )
        QaRound.objects.create(request=request, number=1, opened_at=at)
        for hook in OPENED_HOOKS:
            hook(request)
        _tell_centre(
            request,
            "opened",
            at=at,
            chosen=chosen,
            what_to_send=WHAT_TO_SEND,
            evidence=sla.promise(EVIDENCE).removeprefix("within "),
        )
    return request


WHAT_TO_SEND = (
    "Please upload: the tasks (the past paper or the questions set); each candidate's "
    "responses; the grade you gave each piece of evidence; and the Rationale Document for "
    "the syllabus."
)


# Evidence -------------------------------------------------------------------------------

KINDS = {
    "evidence": "Candidate's evidence (their responses)",
    "marks": "Grades given to each piece of evidence",
    "task": "Tasks set (past paper or questions)",
    "rationale": "Rationale Document",
}
PER_CANDIDATE = {"evidence", "marks"}


@dataclass(frozen=True)
class Missing:
    """Something the centre has still to send: ``blocking`` when submitting waits for it."""

    kind: str
    candidate_number: str
    blocking: bool

    @property
    def label(self) -> str:
        if self.kind == "grades":
            return f"Revised grade of candidate {self.candidate_number}"
        what = KINDS[self.kind]
        return f"{what}: candidate {self.candidate_number}" if self.candidate_number else what


def request_files(request: QaRequest):
    return Attachment.objects.for_case(request)


def missing_items(request: QaRequest) -> list[Missing]:
    """What the centre has still to send for ``request``: the Rationale Document and each
    sampled candidate's evidence (submitting waits for these), the tasks and each
    candidate's marks (asked for; submitting does not wait), and in a later round the
    revised grade of every candidate of the syllabus. A file found infected, or one the
    malware scanner could not read whole, is not evidence: what it was sent for is missing."""
    have = {
        (f.labels.get("kind"), f.labels.get("candidate_number", ""))
        for f in request_files(request).delivered().only("labels")
    }
    kinds = {kind for kind, _ in have}
    found = []
    if "rationale" not in kinds:
        found.append(Missing("rationale", "", True))
    if "task" not in kinds:
        found.append(Missing("task", "", False))
    for sampled in request.sample.select_related("candidate"):
        number = sampled.candidate.candidate_number
        if ("evidence", number) not in have:
            found.append(Missing("evidence", number, True))
        if ("marks", number) not in have:
            found.append(Missing("marks", number, False))
    if request.round > 1:
        graded = current_grades(
            centre=request.centre, series=request.series, syllabus=request.syllabus
        )
        for grade in sorted(graded.values(), key=lambda g: g.candidate.candidate_number):
            if grade.round < request.round:
                found.append(Missing("grades", grade.candidate.candidate_number, True))
    return found


def checklist(request: QaRequest) -> list[dict]:
    """Per sampled candidate: their grade now, and whether their evidence and marks are in."""
    missing = {(m.kind, m.candidate_number) for m in missing_items(request)}
    graded = current_grades(centre=request.centre, series=request.series, syllabus=request.syllabus)
    rows = []
    for sampled in request.sample.select_related("candidate"):
        candidate = sampled.candidate
        grade = graded.get(candidate.pk)
        rows.append(
            {
                "candidate_number": candidate.candidate_number,
                "name": f"{candidate.forenames} {candidate.surname}",
                "grade": grade.grade if grade else "",
                "round": sampled.round,
                "evidence": ("evidence", candidate.candidate_number) not in missing,
                "marks": ("marks", candidate.candidate_number) not in missing,
            }
        )
    return rows


def evidence_labels(request: QaRequest, *, kind: str, candidate_number: str = "") -> dict:
    """What a file is to ``request``: its ``kind``, the round it is sent in and, for a
    candidate's evidence or marks, a candidate of the sample. The same check for a file
    sent through a form and for a resumable upload started through the API."""
    if kind not in KINDS:
        raise PortalError(f"Say what the file is: one of {', '.join(KINDS)}.", field="kind")
    labels = {"kind": kind, "round": request.round}
    if kind in PER_CANDIDATE:
        if not request.sample.filter(candidate__candidate_number=candidate_number).exists():
            raise PortalError("Name one of the candidates of the sample.", field="candidate_number")
        labels["candidate_number"] = candidate_number
    return labels


def add_evidence(
    request: QaRequest, *, files, kind: str, candidate_number: str = "", by
) -> list[Attachment]:
    """Attach files to a request, labelled with what they are (``evidence_labels``); only
    while the centre is asked for evidence."""
    labels = evidence_labels(request, kind=kind, candidate_number=candidate_number)
    if request.status not in (Status.REQUESTED, Status.MORE_REQUESTED):
        raise TransitionNotAllowed(
            f"{request.reference} is {request.get_status_display().lower()}; "
            "files can be added only while evidence is asked for."
        )
    checked = check_files(files, policy=QA_EVIDENCE)
    with files_discarded_on_failure(), transaction.atomic():
        return attach_files(request, checked, policy=QA_EVIDENCE, by=by, labels=labels)


def _files_to_replace(request: QaRequest) -> str:
    """Which files the centre is to send again, and why: a sentence, or nothing."""
    names = [
        f"{f.name} ({'malware found' if f.quarantined else 'the malware scan could not finish'})"
        for f in request_files(request).undelivered()
    ]
    return f" Send a clean copy of: {'; '.join(names)}." if names else ""


def submit_evidence(request: QaRequest, *, by, at: dt.datetime | None = None) -> QaRequest:
    """The centre sends its evidence for review.

    Steps: move to submitted, refused (409) while the Rationale Document, a sampled
    candidate's evidence or, in a later round, a revised grade is missing; stop
    ``qa.evidence``; start ``qa.review``, due on the date staff set for the series; record
    when the round was submitted; tell the assessment specialists, and the centre that it
    arrived.
    """
    at = at or timezone.now()

    def complete(locked):
        blocking = [m.label for m in missing_items(locked) if m.blocking]
        if blocking:
            raise TransitionNotAllowed(
                f"{locked.reference} cannot be submitted yet; still missing: "
                f"{'; '.join(blocking)}.{_files_to_replace(locked)}"
            )
        waiting = request_files(locked).filter(scan=Scan.PENDING).count()
        if waiting:
            raise TransitionNotAllowed(
                f"{locked.reference} cannot be submitted until the malware scan of "
                f"{waiting} file{pluralize(waiting)} is finished; try again in a minute."
            )
        return []

    with transaction.atomic():
        request, moved = transition(request, "submit", by=by, update=complete, at=at)
        if not moved:
            return request
        sla.stop_clock(request, code=EVIDENCE, at=at, by=by)
        window = QaSeries.objects.filter(series=request.series).first()
        sla.start_clock(
            request, code=REVIEW, at=at, due_at=window.review_due_at if window else None
        )
        QaRound.objects.filter(request=request, number=request.round).update(submitted_at=at)
        tell(
            request,
            step=f"round:{request.round}:submitted",
            kind="qa",
            to=[Role(ASSESSMENT_SPECIALIST), Officers(request.centre)],
            notice="submitted",
            with_link="See the request:",
            at=at,
        )
    return request


# Review ---------------------------------------------------------------------------------

OPENED_HOOKS: list[Callable[[QaRequest], None]] = []
SETTLED_HOOKS: list[Callable[[QaRequest], None]] = []


def on_opened(hook: Callable[[QaRequest], None]) -> Callable[[QaRequest], None]:
    """Call ``hook(request)`` inside the transaction that opens a request (results use it to
    hold the centre's results of the syllabus)."""
    if hook not in OPENED_HOOKS:
        OPENED_HOOKS.append(hook)
    return hook


def on_settled(hook: Callable[[QaRequest], None]) -> Callable[[QaRequest], None]:
    """Call ``hook(request)`` inside the transaction that accepts or adjusts a request
    (results use it to release what QA held)."""
    if hook not in SETTLED_HOOKS:
        SETTLED_HOOKS.append(hook)
    return hook


def _judged(judgement: dict | None) -> dict:
    judgement = dict(judgement or {})
    unknown = set(judgement) - set(QaRound.JUDGEMENT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown judgement questions: {sorted(unknown)}")
    for name, value in judgement.items():
        if value not in ("", "yes", "no"):
            raise PortalError("Answer yes or no.", field=name)
    return judgement


def _decide(
    request: QaRequest,
    name: str,
    *,
    by,
    feedback: str,
    judgement: dict | None,
    at: dt.datetime,
    outcome: str,
    then: Callable[[QaRequest], None] | None = None,
    notice: dict | None = None,
) -> QaRequest:
    judgement = _judged(judgement)
    with transaction.atomic():
        request, moved = transition(request, name, by=by, at=at, data={"feedback": feedback})
        if not moved:
            return request
        sla.stop_clock(request, code=REVIEW, at=at, by=by)
        QaRound.objects.filter(request=request, number=request.round).update(
            decided_at=at,
            decided_by=by if by is not None and by.is_authenticated else None,
            outcome=outcome,
            feedback=feedback,
            **judgement,
        )
        decided_round = request.round
        if then is not None:
            then(request)
        if request.status in QaRequest.SETTLED_STATUSES:
            for hook in SETTLED_HOOKS:
                hook(request)
        _tell_centre(
            request,
            f"round:{decided_round}:{outcome}",
            notice=outcome,
            at=at,
            feedback=feedback,
            **(notice or {}),
        )
    return request


def accept_grades(
    request: QaRequest,
    *,
    by,
    feedback: str = "",
    judgement: dict | None = None,
    at: dt.datetime | None = None,
) -> QaRequest:
    """The specialists find the grades reasonable: the syllabus's QA is complete and its
    results are no longer held."""
    return _decide(
        request,
        "accept",
        by=by,
        feedback=feedback,
        judgement=judgement,
        at=at or timezone.now(),
        outcome=QaRound.Outcome.ACCEPTED,
    )


def request_more(
    request: QaRequest,
    *,
    by,
    feedback: str = "",
    candidates: Iterable[str] = (),
    syllabus_codes: Iterable[str] = (),
    judgement: dict | None = None,
    at: dt.datetime | None = None,
) -> QaRequest:
    """The grades are not yet reasonable: a further round.

    Steps: check the further candidates (each with a submitted grade, not yet sampled)
    and other syllabuses; move to more evidence requested with the round's judgement and
    feedback; open the next round, add the candidates to the sample, start a new
    ``qa.evidence`` clock; open a request for each other syllabus (the proposed spread);
    tell the centre to reconsider its grades and send more.
    """
    at = at or timezone.now()
    already = set(request.sample.values_list("candidate__candidate_number", flat=True))
    numbers = [n for n in dict.fromkeys(candidates) if n not in already]
    added = _sampled(
        centre=request.centre,
        series=request.series,
        syllabus=request.syllabus,
        numbers=numbers,
        field="candidates",
    )
    others = []
    for code in dict.fromkeys(syllabus_codes):
        syllabus = Syllabus.objects.filter(code=code).first()
        if syllabus is None or syllabus == request.syllabus:
            raise PortalError(f"{code} is not another syllabus.", field="syllabus_codes")
        others.append(syllabus)

    def next_round(locked: QaRequest) -> None:
        locked.round += 1
        locked.save(update_fields=["round"])
        QaRound.objects.create(request=locked, number=locked.round, opened_at=at)
        SampledCandidate.objects.bulk_create(
            [SampledCandidate(request=locked, candidate=c, round=locked.round) for c in added]
        )
        sla.start_clock(locked, code=EVIDENCE, at=at)
        for syllabus in others:
            open_request(
                centre=locked.centre, series=locked.series, syllabus=syllabus, by=by, at=at
            )

    return _decide(
        request,
        "request-more",
        by=by,
        feedback=feedback,
        judgement=judgement,
        at=at,
        outcome=QaRound.Outcome.MORE_REQUESTED,
        then=next_round,
        notice={
            "added": [c.candidate_number for c in added],
            "others": [str(syllabus) for syllabus in others],
            "evidence": sla.promise(EVIDENCE).removeprefix("within "),
        },
    )


def adjust_grades(
    request: QaRequest,
    *,
    by,
    grades: list[dict],
    feedback: str = "",
    judgement: dict | None = None,
    at: dt.datetime | None = None,
) -> QaRequest:
    """The grades are still not reasonable: staff set the final grades of the candidates
    named (each with a submitted grade for the syllabus; the others keep theirs)."""
    at = at or timezone.now()
    if not grades:
        raise PortalError("Give at least one final grade.", field="grades")
    numbers = [g["candidate_number"] for g in grades]
    if len(set(numbers)) != len(numbers):
        raise PortalError("Give each candidate one final grade.", field="grades")
    for given in grades:
        if given["grade"] not in GRADES:
            raise PortalError(f"Use one of {', '.join(GRADES)}.", field="grades")
    found = _sampled(
        centre=request.centre,
        series=request.series,
        syllabus=request.syllabus,
        numbers=numbers,
        field="grades",
    )
    final = dict(zip(numbers, (g["grade"] for g in grades), strict=True))
    person = by if by is not None and by.is_authenticated else None

    def record(locked: QaRequest) -> None:
        AdjustedGrade.objects.bulk_create(
            [
                AdjustedGrade(
                    request=locked,
                    candidate=c,
                    grade=final[c.candidate_number],
                    set_at=at,
                    set_by=person,
                )
                for c in found
            ]
        )

    return _decide(
        request,
        "adjust",
        by=by,
        feedback=feedback,
        judgement=judgement,
        at=at,
        outcome=QaRound.Outcome.ADJUSTED,
        then=record,
        notice={"final": [f"{n} {final[n]}" for n in numbers]},
    )


# What the results read ------------------------------------------------------------------


def qa_settled(*, centre, series, syllabus) -> bool:
    """Whether results of this centre, series and syllabus may be issued: no QA request
    covers them, or every one that does was accepted or adjusted."""
    return (
        not QaRequest.objects.covering(centre=centre, series=series, syllabus=syllabus)
        .unsettled()
        .exists()
    )


def withheld_scopes(series) -> set[tuple[int, int]]:
    """``{(centre_id, syllabus_id)}`` whose results QA holds in ``series``, in one query."""
    return set(
        QaRequest.objects.filter(series=series).unsettled().values_list("centre_id", "syllabus_id")
    )


def final_grade(*, candidate, syllabus) -> str | None:
    """The grade to issue: the one staff set on adjusting, else the school's latest."""
    adjusted = (
        AdjustedGrade.objects.filter(candidate=candidate, request__syllabus=syllabus)
        .order_by("-set_at")
        .values_list("grade", flat=True)
        .first()
    )
    if adjusted:
        return adjusted
    return (
        Grade.objects.filter(candidate=candidate, syllabus=syllabus)
        .order_by("-round")
        .values_list("grade", flat=True)
        .first()
    )


# Notices --------------------------------------------------------------------------------


def _tell_centre(request: QaRequest, step: str, *, notice: str = "", at, **context) -> None:
    tell(
        request,
        step=step,
        kind="qa",
        to=[Officers(request.centre)],
        notice=notice,
        with_link="See the request:",
        at=at,
        context=context,
    )

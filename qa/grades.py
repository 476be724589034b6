"""School-assessed grades: a centre submits each candidate's grade in the series' window (or in
a revision round a QA request opens); every row is checked before any is saved, and the
refusals name their lines (``GradesRefused``), on the page, in the API and in a CSV import
alike."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from entries.models import Candidate, Entry, Series, Syllabus
from portal.errors import PortalError
from qa.models import GRADES, Grade, QaRequest, QaSeries

Status = QaRequest.Status


@dataclass(frozen=True)
class GradeRow:
    """One grade as given: a row of a CSV file (``line``) or a field of the grades form."""

    line: int
    candidate_number: str
    syllabus_code: str
    grade: str


@dataclass(frozen=True)
class CheckedGrade:
    candidate: Candidate
    syllabus: Syllabus
    grade: str
    round: int


class GradesRefused(PortalError):
    """Some grades cannot be accepted; ``lines`` says which and why (nothing was saved)."""

    def __init__(self, lines: list[dict]):
        super().__init__(f"{len(lines)} of the grades cannot be accepted; nothing was saved.")
        self.lines = lines


def revision_round(*, centre, series, syllabus) -> int | None:
    """The round whose revised grades the centre is asked for now, if any: a request for
    this syllabus waiting for more evidence."""
    waiting = (
        QaRequest.objects.covering(centre=centre, series=series, syllabus=syllabus)
        .filter(status=Status.MORE_REQUESTED)
        .order_by("-round")
        .first()
    )
    return waiting.round if waiting is not None else None


def check_grades(
    rows: Iterable[GradeRow], *, centre, series: Series, at: dt.datetime | None = None
) -> list[CheckedGrade]:
    """Check every row; answer them all checked, or raise ``GradesRefused`` naming each bad
    row by its line. Nothing is saved here.

    A grade is accepted when: its syllabus exists and the candidate (of this centre and
    series) is entered for it; it is one of ``GRADES``; the file names the candidate and
    syllabus once; and either a QA round asks for revised grades of the syllabus (and this
    round's grade is not in yet) or the series' grade window is open and no grade was
    submitted before (a submitted grade is locked).
    """
    at = at or timezone.now()
    rows = list(rows)
    window = QaSeries.objects.filter(series=series).first()
    window_open = window is not None and window.window_open(at)
    syllabuses = {
        s.code: s for s in Syllabus.objects.filter(code__in={r.syllabus_code for r in rows})
    }
    candidates = {
        c.candidate_number: c
        for c in Candidate.objects.filter(
            centre=centre, series=series, candidate_number__in={r.candidate_number for r in rows}
        )
    }
    entered = set(
        Entry.objects.filter(candidate__in=candidates.values())
        .exclude(status=Entry.Status.WITHDRAWN)
        .values_list("candidate_id", "syllabus_id")
    )
    submitted = set(
        Grade.objects.filter(candidate__in=candidates.values()).values_list(
            "candidate_id", "syllabus_id", "round"
        )
    )
    rounds = {
        s.pk: revision_round(centre=centre, series=series, syllabus=s) for s in syllabuses.values()
    }
    errors, checked, seen = [], [], set()

    def refuse(row, message):
        errors.append({"line": row.line, "message": message})

    if not rows:
        raise GradesRefused([{"line": 1, "message": "There are no grades to submit."}])
    for row in rows:
        syllabus = syllabuses.get(row.syllabus_code)
        candidate = candidates.get(row.candidate_number)
        if syllabus is None:
            refuse(row, f"No syllabus has the code {row.syllabus_code or '(blank)'}.")
            continue
        if candidate is None:
            refuse(row, f"No candidate {row.candidate_number or '(blank)'} in {series}.")
            continue
        if (candidate.pk, syllabus.pk) not in entered:
            refuse(row, f"Candidate {row.candidate_number} is not entered for {syllabus.code}.")
            continue
        if row.grade not in GRADES:
            refuse(row, f"{row.grade or '(blank)'} is not a grade; use one of {', '.join(GRADES)}.")
            continue
        if (candidate.pk, syllabus.pk) in seen:
            refuse(row, f"Candidate {row.candidate_number} has two grades for {syllabus.code}.")
            continue
        seen.add((candidate.pk, syllabus.pk))
        revising = rounds[syllabus.pk]
        if revising is not None:
            if (candidate.pk, syllabus.pk, revising) in submitted:
                refuse(
                    row,
                    f"The revised grade of candidate {row.candidate_number} for "
                    f"{syllabus.code} is already submitted and locked.",
                )
                continue
            checked.append(CheckedGrade(candidate, syllabus, row.grade, revising))
            continue
        if any((candidate.pk, syllabus.pk) == (c, s) for c, s, _ in submitted):
            refuse(
                row,
                f"The grade of candidate {row.candidate_number} for {syllabus.code} is "
                "already submitted and locked.",
            )
            continue
        if not window_open:
            refuse(row, f"Grades for {series} cannot be submitted now: {window_words(window)}.")
            continue
        checked.append(CheckedGrade(candidate, syllabus, row.grade, 1))
    if errors:
        raise GradesRefused(errors)
    return checked


def window_words(window: QaSeries | None) -> str:
    if window is None:
        return "no grade window is set for the series"
    opens = timezone.localtime(window.grades_open_at).strftime("%-d %B %Y %H:%M")
    closes = timezone.localtime(window.grades_close_at).strftime("%-d %B %Y %H:%M")
    return f"the window runs from {opens} to {closes}"


def submit_grades(
    rows: Iterable[GradeRow], *, centre, series: Series, by, at: dt.datetime | None = None
) -> list[Grade]:
    """Submit school-assessed grades, all or none.

    Steps: check every row (``check_grades``: any bad row refuses them all, naming each);
    save one locked row per grade, in its round; a concurrent submission of the same grade
    meets the unique constraint and nothing of this one is saved.
    """
    at = at or timezone.now()
    checked = check_grades(rows, centre=centre, series=series, at=at)
    person = by if by is not None and by.is_authenticated else None
    with transaction.atomic():
        return Grade.objects.bulk_create(
            [
                Grade(
                    centre=centre,
                    series=series,
                    syllabus=c.syllabus,
                    candidate=c.candidate,
                    grade=c.grade,
                    round=c.round,
                    submitted_at=at,
                    submitted_by=person,
                )
                for c in checked
            ]
        )


def current_grades(*, centre, series, syllabus) -> dict[int, Grade]:
    """``{candidate_id: latest grade}`` of a centre's syllabus."""
    rows = (
        Grade.objects.filter(centre=centre, series=series, syllabus=syllabus)
        .current()
        .select_related("candidate")
    )
    return {g.candidate_id: g for g in rows}

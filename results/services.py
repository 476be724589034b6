"""The rules of results: loading them, correcting them and holding them for QA (the release
date and the release itself are ``results/release.py``).

Loading a results file is three steps kept apart, so that they can move onto a shared CSV
import machine unchanged: ``read_results_csv`` (the file into numbered lines, or errors),
``check_lines`` (every line against the database, all errors at once) and ``save_results``
(the checked lines into rows). ``import_results`` runs the three in one transaction: all
rows or none.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from entries.models import Candidate, Component, Entry, Series, Syllabus
from portal import audit
from portal.centres.models import Centre
from portal.errors import PortalError
from portal.notifications import Event, Officers, notify_all
from portal.notifications.texts import render_notice
from portal.workflow import transition
from results import queries
from results.models import (
    GRADES,
    NO_RESULT_MARK,
    PENDING_MARK,
    QaHold,
    Result,
    ResultChange,
)

Status = Result.Status
HEADER = ["centre", "candidate_number", "syllabus_code", "grade"]
COMPONENT_COLUMN = re.compile(r"^component_([0-9]{2})$")
MAX_LINES = 200_000
KIND = "results"


class ImportRefused(PortalError):
    """A results file with bad lines: ``errors`` is ``[{"line", "message"}]``, every one."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} line(s) of the file cannot be loaded.", field="file")
        self.errors = errors


# --- Loading ------------------------------------------------------------------------------


@dataclass
class Line:
    number: int
    centre: str
    candidate_number: str
    syllabus_code: str
    grade: str
    marks: dict[str, str] = field(default_factory=dict)


@dataclass
class Checked:
    line: int
    centre_id: int
    candidate_id: int
    syllabus_id: int
    status: str
    grade: str
    marks: dict[str, int]


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def read_results_csv(file) -> list[Line]:
    """The file's lines under the contract's header (``centre,candidate_number,
    syllabus_code,grade``, optionally ``component_XX`` mark columns), numbered as a
    spreadsheet numbers them (the header is line 1)."""
    raw = file.read()
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused([{"line": 1, "message": "Save the file as CSV (UTF-8)."}]) from None
    reader = csv.reader(io.StringIO(raw, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    unknown = [h for h in header if h not in HEADER and not COMPONENT_COLUMN.match(h)]
    if header[: len(HEADER)] != HEADER or unknown or len(set(header)) != len(header):
        raise ImportRefused(
            [
                {
                    "line": 1,
                    "message": f"The first line must be {','.join(HEADER)} (optionally followed "
                    f"by component_XX mark columns, e.g. component_42).",
                }
            ]
        )
    components = [(i, COMPONENT_COLUMN.match(h).group(1)) for i, h in enumerate(header) if i >= 4]
    lines, errors = [], []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(lines) >= MAX_LINES:
            raise ImportRefused([{"line": number, "message": f"At most {MAX_LINES} lines."}])
        if len(cells) != len(header):
            errors.append(
                {"line": number, "message": f"{len(cells)} cells; the header has {len(header)}."}
            )
            continue
        cells = [c.strip() for c in cells]
        lines.append(
            Line(
                number=number,
                centre=cells[0].upper(),
                candidate_number=cells[1],
                syllabus_code=cells[2],
                grade=cells[3],
                marks={code: cells[i] for i, code in components if cells[i]},
            )
        )
    if errors:
        raise ImportRefused(errors)
    if not lines:
        raise ImportRefused([{"line": 2, "message": "The file has no results."}])
    return lines


def _grade(value: str) -> tuple[str, str] | None:
    """(status, grade) for a grade cell, or None when it is no grade."""
    if value.upper() == PENDING_MARK:
        return Status.PENDING, ""
    if value.upper() == NO_RESULT_MARK:
        return Status.NO_RESULT, ""
    if value in GRADES:
        return Status.ISSUED, value
    if value.upper() in GRADES:
        return Status.ISSUED, value.upper()
    return None


def check_lines(lines: list[Line], *, series: Series) -> list[Checked]:
    """Check every line against the series' candidates, entries and syllabuses; answer the
    lines ready to save, or raise ``ImportRefused`` with every bad line."""
    centres = dict(
        Centre.objects.filter(number__in={ln.centre for ln in lines}).values_list("number", "pk")
    )
    candidates = {
        (centre_id, number): pk
        for pk, centre_id, number in Candidate.objects.filter(
            series=series, centre_id__in=centres.values()
        ).values_list("pk", "centre_id", "candidate_number")
    }
    syllabuses = dict(
        Syllabus.objects.filter(code__in={ln.syllabus_code for ln in lines}).values_list(
            "code", "pk"
        )
    )
    entered = set(
        Entry.objects.filter(candidate__series=series, candidate__centre_id__in=centres.values())
        .exclude(status=Entry.Status.WITHDRAWN)
        .values_list("candidate_id", "syllabus_id")
    )
    components = set(
        Component.objects.filter(syllabus_id__in=syllabuses.values()).values_list(
            "syllabus_id", "code"
        )
    )
    checked, errors, seen = [], [], {}

    def refuse(line: Line, message: str) -> None:
        errors.append({"line": line.number, "message": message})

    for line in lines:
        centre_id = centres.get(line.centre)
        syllabus_id = syllabuses.get(line.syllabus_code)
        graded = _grade(line.grade)
        if centre_id is None:
            refuse(line, f"There is no centre {line.centre or '(empty)'}.")
            continue
        candidate_id = candidates.get((centre_id, line.candidate_number))
        if candidate_id is None:
            refuse(
                line,
                f"Centre {line.centre} has no candidate {line.candidate_number or '(empty)'} "
                f"in {series.name}.",
            )
            continue
        if syllabus_id is None:
            refuse(line, f"There is no syllabus {line.syllabus_code or '(empty)'}.")
            continue
        if (candidate_id, syllabus_id) not in entered:
            refuse(
                line,
                f"Candidate {line.candidate_number} of {line.centre} is not entered for "
                f"{line.syllabus_code} in {series.name}.",
            )
            continue
        if graded is None:
            refuse(
                line,
                f"{line.grade or '(empty)'} is not a grade: use one of {', '.join(GRADES)}, "
                f"{PENDING_MARK} (pending) or {NO_RESULT_MARK} (no result).",
            )
            continue
        marks, bad = {}, False
        for code, value in line.marks.items():
            if (syllabus_id, code) not in components:
                refuse(line, f"Syllabus {line.syllabus_code} has no component {code}.")
                bad = True
            elif not value.isdigit() or int(value) > 999:
                refuse(line, f"The mark for component {code} must be a whole number (0 to 999).")
                bad = True
            else:
                marks[code] = int(value)
        if bad:
            continue
        first = seen.setdefault((candidate_id, syllabus_id), line.number)
        if first != line.number:
            refuse(line, f"Repeats the result of line {first}.")
            continue
        status, grade = graded
        checked.append(
            Checked(line.number, centre_id, candidate_id, syllabus_id, status, grade, marks)
        )
    if errors:
        raise ImportRefused(errors)
    return checked


def save_results(
    checked: list[Checked],
    *,
    series: Series,
    by,
    now: dt.datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Write the checked lines: new results created, changed ones updated with their history
    (and, once the series is released, marked amended and told to the centre)."""
    now = now or timezone.now()
    released = series.results_release_at <= now
    outcome = ImportOutcome()
    existing = {
        (r.candidate_id, r.syllabus_id): r
        for r in Result.objects.select_for_update().filter(
            series=series, centre_id__in={c.centre_id for c in checked}
        )
    }
    new, changed, changes = [], [], []
    for done, line in enumerate(checked, start=1):
        result = existing.get((line.candidate_id, line.syllabus_id))
        if result is None:
            new.append(
                Result(
                    series=series,
                    centre_id=line.centre_id,
                    candidate_id=line.candidate_id,
                    syllabus_id=line.syllabus_id,
                    status=line.status,
                    grade=line.grade,
                    component_marks=line.marks,
                    created_at=now,
                )
            )
        elif (result.status, result.grade, result.component_marks) != (
            line.status,
            line.grade,
            line.marks,
        ):
            if (result.status, result.grade) != (line.status, line.grade):
                changes.append(_change(result, line.status, line.grade, by, now, released))
            result.status, result.grade, result.component_marks = (
                line.status,
                line.grade,
                line.marks,
            )
            if released:
                result.amended_at = now
            changed.append(result)
        else:
            outcome.unchanged += 1
        if progress is not None and done % 1000 == 0:
            progress(done)
    Result.objects.bulk_create(new, batch_size=2000)
    Result.objects.bulk_update(
        changed, ["status", "grade", "component_marks", "amended_at"], batch_size=2000
    )
    ResultChange.objects.bulk_create(changes, batch_size=2000)
    outcome.created, outcome.updated = len(new), len(changed)
    if released and changes:
        _tell_of_corrections(series, [c.result for c in changes], now=now)
    audit.record(
        series,
        "results_loaded",
        by=by,
        at=now,
        summary=f"{outcome.created} results created, {outcome.updated} changed",
        data={"created": outcome.created, "updated": outcome.updated},
    )
    _forget_after_commit({(c.centre_id, series.pk) for c in checked})
    if progress is not None:
        progress(len(checked))
    return outcome


def import_results(
    file, *, series: Series, by, progress: Callable[[int], None] | None = None
) -> ImportOutcome:
    """Read, check and save a results file: every row, or none and every error by line."""
    lines = read_results_csv(file)
    checked = check_lines(lines, series=series)
    with transaction.atomic():
        return save_results(checked, series=series, by=by, progress=progress)


def _change(result, to_status, to_grade, by, now, released, reason="") -> ResultChange:
    return ResultChange(
        result=result,
        at=now,
        by=by if getattr(by, "is_authenticated", False) else None,
        from_status=result.status,
        to_status=to_status,
        from_grade=result.grade,
        to_grade=to_grade,
        reason=reason[:300],
        after_release=released,
    )


def _forget_after_commit(pairs: set[tuple[int, int]]) -> None:
    """Bump the cached generation of each (centre, series) id pair."""
    codes = dict(Series.objects.filter(pk__in={s for _, s in pairs}).values_list("pk", "code"))

    def forget():
        for centre_id, series_id in pairs:
            queries.forget(centre_id, Series(pk=series_id, code=codes[series_id]))

    # Now as well as after the commit: a reader between the two may cache the old rows under
    # the old generation, which the second bump leaves behind.
    forget()
    transaction.on_commit(forget, robust=True)


def _link(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


def to_officers(centre: Centre, *, key: str, notice: str, path: str, **context) -> Event:
    """A notice to ``centre``'s officers from ``notices/results/<notice>.txt``, linking to
    ``path``."""
    subject, body = render_notice(
        f"notices/results/{notice}.txt", centre=centre, link=_link(path), **context
    )
    return Event(key=key, kind=KIND, to=[Officers(centre)], subject=subject, body=body, url=path)


def _tell_of_corrections(series: Series, results: list[Result], *, now) -> None:
    """One notice per centre and correction run: which candidates' results changed."""
    by_centre: dict[int, list[Result]] = {}
    for result in results:
        by_centre.setdefault(result.centre_id, []).append(result)
    centres = Centre.objects.in_bulk(by_centre)
    candidates = Candidate.objects.in_bulk({r.candidate_id for r in results})
    syllabuses = Syllabus.objects.in_bulk({r.syllabus_id for r in results})
    events = []
    for centre_id, changed in by_centre.items():
        centre = centres[centre_id]
        listed = [
            f"{candidates[r.candidate_id].candidate_number} "
            f"{candidates[r.candidate_id].surname}: {syllabuses[r.syllabus_id].code} "
            f"{r.grade or Status(r.status).label}"
            for r in changed[:50]
        ]
        path = f"/results/{series.code}/"
        stamp = max(r.pk for r in changed)
        events.append(
            to_officers(
                centre,
                key=f"results:{series.code}:{centre.number}:amended:{now.timestamp():.0f}:{stamp}",
                notice="amended",
                path=path,
                series=series,
                count=len(changed),
                listed=listed,
                more=max(len(changed) - 50, 0),
            )
        )
    notify_all(events, at=now)


# --- Moves on one result ------------------------------------------------------------------


def _apply(result: Result, name: str, *, by, status: str, grade: str, reason: str, now=None):
    """Make the move ``name``, keep its history and, once released, tell the centre."""
    now = now or timezone.now()
    with transaction.atomic():
        series = Series.objects.get(pk=result.series_id)
        released = series.results_release_at <= now

        def update(locked: Result) -> list[str]:
            _change(locked, status, grade, by, now, released, reason).save()
            locked.grade = grade
            fields = ["grade"]
            if released:
                locked.amended_at = now
                fields.append("amended_at")
            return fields

        result, moved = transition(
            result,
            name,
            by=by,
            update=update,
            summary=reason[:300],
            data={"grade": grade, "reason": reason},
            at=now,
        )
        if moved and released:
            _tell_of_corrections(series, [result], now=now)
        _forget_after_commit({(result.centre_id, result.series_id)})
    return result


def change_grade(result: Result, *, grade: str, by, reason: str, now=None) -> Result:
    """Correct an issued result's grade (a clerical error, an enquiry's outcome, a QA
    adjustment). Steps: check the grade and the reason; a grade already given is a quiet
    repeat; otherwise keep the history, mark the result amended once released and tell the
    centre."""
    graded = _grade(grade or "")
    if graded is None or graded[0] != Status.ISSUED:
        raise PortalError(f"{grade or '(empty)'} is not a grade.", field="grade")
    if not reason.strip():
        raise PortalError("Say why the grade changes.", field="reason")
    if Result.objects.filter(pk=result.pk, status=Status.ISSUED, grade=graded[1]).exists():
        return Result.objects.get(pk=result.pk)
    return _apply(
        result, "change_grade", by=by, status=Status.ISSUED, grade=graded[1], reason=reason,
        now=now,
    )  # fmt: skip


def withhold_result(result: Result, *, by, reason: str, now=None) -> Result:
    """Withhold a result (an investigation, missing work): officers see no grade."""
    if not reason.strip():
        raise PortalError("Say why the result is withheld.", field="reason")
    return _apply(
        result, "withhold", by=by, status=Status.WITHHELD, grade="", reason=reason, now=now
    )


def issue_result(result: Result, *, grade: str, by, reason: str = "", now=None) -> Result:
    """Give a pending, withheld or no-result result its grade."""
    graded = _grade(grade or "")
    if graded is None or graded[0] != Status.ISSUED:
        raise PortalError(f"{grade or '(empty)'} is not a grade.", field="grade")
    return _apply(
        result, "issue", by=by, status=Status.ISSUED, grade=graded[1], reason=reason, now=now
    )


def mark_no_result(result: Result, *, by, reason: str, now=None) -> Result:
    if not reason.strip():
        raise PortalError("Say why there is no result.", field="reason")
    return _apply(
        result, "mark_no_result", by=by, status=Status.NO_RESULT, grade="", reason=reason, now=now
    )


# --- QA holds -----------------------------------------------------------------------------


def hold_results(*, centre, series: Series, syllabus: Syllabus, reference: str = "") -> QaHold:
    """Hold a centre's results of a syllabus until QA is complete (the QA app calls this
    when it samples the syllabus); answer the open hold, new or already there."""
    with transaction.atomic():
        found = QaHold.objects.open().filter(centre=centre, series=series, syllabus=syllabus)
        hold = found.first()
        if hold is None:
            try:
                with transaction.atomic():
                    hold = QaHold.objects.create(
                        centre=centre, series=series, syllabus=syllabus, reference=reference
                    )
            except IntegrityError:
                hold = found.get()
            else:
                audit.record(hold, "hold", summary=f"Held for QA {reference}".strip())
        _forget_after_commit({(centre.pk, series.pk)})
    return hold


def release_hold(hold: QaHold, *, outcome: str, by, now=None) -> QaHold:
    """QA is complete (accepted or adjusted): the results show. Steps: release the open
    hold with a conditional update (a repeat changes nothing); once the series is released,
    tell the centre its results for the syllabus are out."""
    now = now or timezone.now()
    if outcome not in QaHold.Outcome.values:
        raise PortalError(f"Choose one of: {', '.join(QaHold.Outcome.values)}.", field="outcome")
    with transaction.atomic():
        released = QaHold.objects.filter(pk=hold.pk, released_at__isnull=True).update(
            released_at=now, outcome=outcome, released_by=by if by and by.is_authenticated else None
        )
        hold.refresh_from_db()
        if not released:
            return hold
        audit.record(hold, "release", by=by, at=now, summary=f"QA {outcome}")
        series, centre = hold.series, hold.centre
        if series.results_release_at <= now:
            path = f"/results/{series.code}/?syllabus={hold.syllabus.code}"
            event = to_officers(
                centre,
                key=f"results:{series.code}:{centre.number}:hold:{hold.pk}",
                notice="hold-released",
                path=path,
                series=series,
                hold=hold,
            )
            notify_all([event], at=now)
        _forget_after_commit({(centre.pk, series.pk)})
    return hold


def adjust_held_results(hold: QaHold, *, grades: dict[str, str], by, now=None) -> QaHold:
    """QA adjusted the centre's grades: change each named candidate's grade, then release.
    The change is the portal's, on the QA decision's authority (``by`` decided it and may
    hold no results role): the history names the QA request."""
    with transaction.atomic():
        results = {
            r.candidate.candidate_number: r
            for r in Result.objects.select_related("candidate").filter(
                centre=hold.centre, series=hold.series, syllabus=hold.syllabus
            )
        }
        for number, grade in grades.items():
            if number not in results:
                raise PortalError(f"No {hold.syllabus.code} result for candidate {number}.")
            change_grade(
                results[number],
                grade=grade,
                by=None,
                reason=f"Adjusted by QA {hold.reference}".strip(),
                now=now,
            )
        return release_hold(hold, outcome=QaHold.Outcome.ADJUSTED, by=by, now=now)

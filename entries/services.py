"""The rules of candidates and entries: deadlines and late fees, registering candidates,
making, amending and withdrawing entries (one at a time or a whole CSV file), submitting
them for confirmation, question papers' despatch and the provisional timetable."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from entries import queries
from entries.models import (
    CONFIRM,
    DESPATCH,
    DESPATCH_DAYS_BEFORE,
    PROVISIONAL_TIMETABLE,
    Candidate,
    Entry,
    EntryOption,
    EntrySubmission,
    Paper,
    PaperDespatch,
    Series,
    Syllabus,
    TimetableComment,
    entries_counted,
)
from entries.terms import entry_terms
from entries.uci import propose_uci, uci_problem
from portal import audit
from portal.calendar import LONDON, end_of_day, london_date
from portal.cases.notices import tell
from portal.cases.services import open_case
from portal.centres.models import Centre
from portal.errors import PortalError
from portal.notifications import Event, Officers, Role, notify, notify_all
from portal.notifications.texts import render_notice
from portal.sla import services as sla
from portal.workflow import transition

ENTRIES_TEAM = "Entries team"
NOTICE_KIND = "entries"


class EntriesRefused(PortalError):
    """An entry the series' rules do not allow (closed, late without the fee, not offered)."""


# Deadlines and late fees ------------------------------------------------------------------


def late_fee_for(series: Series, *, on: dt.date | None = None, accept_late_fee: bool) -> Decimal:
    """The late fee of one entry made ``on`` that day; refused when the series is closed or
    the fee applies and was not accepted."""
    terms = entry_terms(series, on=on)
    if terms.state == "closed":
        raise EntriesRefused(terms.describe(series), field="series")
    if terms.state == "late" and not accept_late_fee:
        raise EntriesRefused(
            f"{terms.describe(series)} Accept the late fee to make this entry.",
            field="accept_late_fee",
        )
    return terms.fee


# Candidates -------------------------------------------------------------------------------


def next_candidate_number(*, centre: Centre, series: Series) -> str:
    """The lowest four-digit number the centre has not used in the series."""
    used = set(
        Candidate.objects.filter(centre=centre, series=series).values_list(
            "candidate_number", flat=True
        )
    )
    for number in range(1, 10000):
        if f"{number:04d}" not in used:
            return f"{number:04d}"
    raise PortalError("Every candidate number of this series is taken.", field="candidate_number")


def proposed_uci(*, centre: Centre, series: Series, candidate_number: str) -> str:
    """The UCI the portal proposes for a candidate new to the centre in ``series``."""
    return propose_uci(
        centre_number=centre.number,
        year=series.results_release_at.year,
        candidate_number=candidate_number,
    )


def register_candidate(
    *,
    centre: Centre,
    series: Series,
    by,
    surname: str,
    forenames: str,
    date_of_birth: dt.date,
    candidate_number: str = "",
    uci: str = "",
) -> Candidate:
    """Add a candidate to the centre's series.

    Steps: take the next free candidate number when none is given (a given one must be free);
    check a UCI brought from elsewhere by its check character, or propose one; save; audit.
    """
    number = candidate_number or next_candidate_number(centre=centre, series=series)
    if not (len(number) == 4 and number.isdigit() and number != "0000"):
        raise PortalError(
            "A candidate number is four digits, 0001 to 9999.", field="candidate_number"
        )
    if Candidate.objects.filter(centre=centre, series=series, candidate_number=number).exists():
        raise PortalError(
            f"Candidate number {number} is already used in {series.name} at your centre.",
            field="candidate_number",
        )
    uci = (uci or "").strip().upper()
    if uci:
        problem = uci_problem(uci)
        if problem:
            raise PortalError(problem, field="uci")
    else:
        uci = proposed_uci(centre=centre, series=series, candidate_number=number)
    _check_birth(date_of_birth)
    with transaction.atomic():
        candidate = Candidate.objects.create(
            centre=centre,
            series=series,
            candidate_number=number,
            uci=uci,
            surname=surname.strip(),
            forenames=forenames.strip(),
            date_of_birth=date_of_birth,
        )
        audit.record(candidate, "created", by=by, summary=f"Candidate {number} registered")
    return candidate


def _check_birth(born: dt.date) -> None:
    today = london_date(timezone.now())
    if not (dt.date(1900, 1, 1) <= born <= today - dt.timedelta(days=365 * 5)):
        raise PortalError(
            "Give a date of birth of someone at least five years old.", field="date_of_birth"
        )


# Entries ----------------------------------------------------------------------------------


def _offered(series: Series, syllabus_code: str, option_code: str) -> Syllabus:
    syllabus = Syllabus.objects.filter(code=syllabus_code).first()
    if syllabus is None:
        raise EntriesRefused(f"There is no syllabus {syllabus_code}.", field="syllabus_code")
    if not EntryOption.objects.filter(series=series, syllabus=syllabus, code=option_code).exists():
        raise EntriesRefused(
            f"Option {option_code} of {syllabus.code} is not offered in {series.name}.",
            field="option_code",
        )
    return syllabus


def make_entry(
    candidate: Candidate,
    *,
    syllabus_code: str,
    option_code: str,
    by,
    accept_late_fee: bool = False,
    at: dt.datetime | None = None,
) -> Entry:
    """Enter ``candidate`` for an option of a syllabus offered in their series.

    Steps: refuse an option the series does not offer; the series' terms on this day decide
    the late fee (refused when closed, or late without the fee accepted); refuse a second
    entry for the same syllabus; save it provisional; audit.
    """
    at = at or timezone.now()
    series = candidate.series
    syllabus = _offered(series, syllabus_code, option_code)
    fee = late_fee_for(series, on=london_date(at), accept_late_fee=accept_late_fee)
    if Entry.objects.filter(candidate=candidate, syllabus=syllabus).exists():
        raise EntriesRefused(
            f"Candidate {candidate.candidate_number} is already entered for {syllabus.code}.",
            field="syllabus_code",
        )
    with transaction.atomic():
        entry = Entry.objects.create(
            candidate=candidate,
            centre_id=candidate.centre_id,
            syllabus=syllabus,
            option_code=option_code,
            late_fee=fee,
            created_at=at,
        )
        audit.record(
            entry,
            "created",
            by=by,
            at=at,
            summary=f"Entered for {syllabus.code}/{option_code}"
            + (f", late fee £{fee}" if fee else ""),
            data={"option_code": option_code, "late_fee": str(fee)},
        )
    return entry


def amend_entry(entry: Entry, *, option_code: str, by, at: dt.datetime | None = None) -> Entry:
    """Change the option of an entry (another tier, say); the change is on its history."""
    _offered(entry.candidate.series, entry.syllabus.code, option_code)
    before = entry.option_code
    if before == option_code:
        return entry

    def change(locked: Entry) -> list[str]:
        locked.option_code = option_code
        return ["option_code"]

    entry, _ = transition(
        entry,
        "amend",
        by=by,
        update=change,
        summary=f"Option {before} → {option_code}",
        data={"option_from": before, "option_to": option_code},
        at=at,
    )
    return entry


def withdraw_entry(entry: Entry, *, by, at: dt.datetime | None = None) -> Entry:
    """Withdraw an entry: it stays, withdrawn, with who did it and when on its history."""
    entry, _ = transition(entry, "withdraw", by=by, summary="Withdrawn", at=at)
    return entry


# Importing a CSV of entries ---------------------------------------------------------------


def import_entries(
    *,
    centre: Centre,
    series: Series,
    stream,
    by,
    accept_late_fee: bool = False,
    progress=None,
    at: dt.datetime | None = None,
):
    """Import a CSV of entries for the centre's series: every row valid and all saved, or
    nothing saved and every bad row reported by line (``portal.spreadsheets``)."""
    from entries.imports import EntriesImport
    from portal.spreadsheets import run_import

    at = at or timezone.now()
    spec = EntriesImport(centre=centre, series=series, accept_late_fee=accept_late_fee, at=at)
    with transaction.atomic():
        outcome = run_import(spec, stream, progress=progress)
        if outcome.ok and outcome.created:
            queries.entries_changed(centre.pk, series.pk)
            audit.record(
                centre,
                "entries_imported",
                by=by,
                at=at,
                summary=f"{outcome.created} entries imported for {series.name}",
                data={"series": series.code, "entries": outcome.created},
            )
    return outcome


# Submission and confirmation --------------------------------------------------------------


def submit_entries(
    *, centre: Centre, series: Series, by, at: dt.datetime | None = None
) -> EntrySubmission:
    """Send the centre's provisional entries of a series to be confirmed.

    Steps: lock the centre's entries not yet sent; refuse when there are none; open a
    submission (clock ``entries.confirm``), noting whether it arrived by the deadline; tie
    the entries to it; tell the centre and the entries team.
    """
    at = at or timezone.now()
    with transaction.atomic():
        waiting = Entry.objects.select_for_update().filter(
            candidate__centre=centre,
            candidate__series=series,
            status=Entry.Status.PROVISIONAL,
            submission__isnull=True,
        )
        ids = list(waiting.values_list("pk", flat=True))
        if not ids:
            raise PortalError(f"You have no new entries for {series.name} to submit.")
        counted = entries_counted(len(ids))
        submission = open_case(
            EntrySubmission,
            by=by,
            at=at,
            clocks=[CONFIRM],
            summary=f"{counted} submitted",
            centre=centre,
            series=series,
            submitted_by=by,
            entry_count=len(ids),
            by_deadline=london_date(at) <= series.entry_deadline,
        )
        Entry.objects.filter(pk__in=ids).update(submission=submission)
        queries.entries_changed(centre.pk, series.pk)
        tell(
            submission,
            step="submitted",
            kind=NOTICE_KIND,
            to=[Officers(centre), Role(ENTRIES_TEAM)],
            key=f"entries:{submission.pk}:submitted",
            at=at,
            context={"counted": counted, "confirm": sla.promise(CONFIRM)},
        )
    return submission


def confirm_submission(
    submission: EntrySubmission, *, by, at: dt.datetime | None = None
) -> EntrySubmission:
    """Confirm a submission: its entries (those not withdrawn meanwhile) become confirmed,
    ``entries.confirm`` stops, and, when it arrived by the deadline, each of its papers gets
    a despatch clock. The centre is told."""
    at = at or timezone.now()
    with transaction.atomic():
        submission, moved = transition(submission, "confirm", by=by, summary="Confirmed", at=at)
        if moved:
            sla.stop_clock(submission, code=CONFIRM, at=at, by=by)
            submission.entries.filter(status=Entry.Status.PROVISIONAL).update(
                status=Entry.Status.CONFIRMED
            )
            queries.entries_changed(submission.centre_id, submission.series_id)
            if submission.by_deadline:
                open_despatches(centre=submission.centre, series=submission.series, at=at)
            tell(
                submission,
                step="confirmed",
                kind=NOTICE_KIND,
                to=[Officers(submission.centre)],
                key=f"entries:{submission.pk}:confirmed",
                at=at,
            )
    return submission


def open_despatches(*, centre: Centre, series: Series, at: dt.datetime | None = None) -> int:
    """A despatch (clock ``papers.despatch``, due ten days before the paper) for every paper
    of the series that the centre's confirmed entries sit and that has none yet."""
    at = at or timezone.now()
    entries = Entry.objects.filter(
        candidate__centre=centre, candidate__series=series, status=Entry.Status.CONFIRMED
    )
    counts: dict[int, int] = {}
    for syllabus_id, option_code in entries.values_list("syllabus_id", "option_code"):
        key = (syllabus_id, option_code)
        counts[key] = counts.get(key, 0) + 1
    papers: dict[int, int] = {}
    options = EntryOption.objects.filter(series=series).prefetch_related("components")
    for option in options:
        count = counts.get((option.syllabus_id, option.code), 0)
        if not count:
            continue
        for component in option.components.all():
            for paper in Paper.objects.filter(series=series, component=component):
                papers[paper.pk] = papers.get(paper.pk, 0) + count
    opened = 0
    for paper in Paper.objects.filter(pk__in=papers).select_related("component__syllabus"):
        existing = PaperDespatch.objects.filter(centre=centre, paper=paper).first()
        if existing is not None:
            if existing.entry_count != papers[paper.pk]:
                existing.entry_count = papers[paper.pk]
                existing.save(update_fields=["entry_count"])
            continue
        despatch = open_case(
            PaperDespatch,
            at=at,
            summary=f"Papers of {paper.component} due for despatch",
            centre=centre,
            series=series,
            paper=paper,
            entry_count=papers[paper.pk],
        )
        due = paper.date - dt.timedelta(days=DESPATCH_DAYS_BEFORE)
        sla.start_clock(despatch, code=DESPATCH, at=at, due_at=_noon(due))
        opened += 1
    return opened


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)


def despatch_papers(despatch: PaperDespatch, *, by, at: dt.datetime | None = None) -> PaperDespatch:
    """Record a centre's question papers for one paper as despatched: ``papers.despatch``
    stops."""
    at = at or timezone.now()
    with transaction.atomic():
        despatch, moved = transition(despatch, "despatch", by=by, summary="Despatched", at=at)
        if moved:
            sla.stop_clock(despatch, code=DESPATCH, at=at, by=by)
    return despatch


# The provisional timetable ----------------------------------------------------------------


def schedule_provisional_timetable(series: Series, *, at: dt.datetime | None = None):
    """A June series' provisional timetable is due with centres, for comment, by the end
    of April of its year (``timetable.provisional``); other series have no such promise."""
    if not series.is_june or series.provisional_timetable_published_at is not None:
        return None
    at = at or timezone.now()
    due = end_of_day(series.provisional_timetable_due_on)
    return sla.start_clock(series, code=PROVISIONAL_TIMETABLE, at=at, due_at=due)


def publish_provisional_timetable(
    series: Series, *, by, comments_close_on: dt.date | None = None, at=None
) -> Series:
    """Send the provisional timetable to every centre for comment.

    Steps: lock the series; a second call changes nothing; record when and until when
    centres may comment (three weeks unless told); stop ``timetable.provisional``; tell the
    officers of every centre.
    """
    at = at or timezone.now()
    with transaction.atomic():
        locked = Series.objects.select_for_update().get(pk=series.pk)
        if locked.provisional_timetable_published_at is not None:
            return locked
        if not locked.papers.exists():
            raise PortalError(f"{locked.name} has no timetabled papers to publish yet.")
        locked.provisional_timetable_published_at = at
        locked.timetable_comments_close_on = comments_close_on or (
            london_date(at) + dt.timedelta(weeks=3)
        )
        locked.save(
            update_fields=["provisional_timetable_published_at", "timetable_comments_close_on"]
        )
        audit.record(
            locked, "timetable_published", by=by, at=at, summary="Provisional timetable sent"
        )
        sla.stop_clock(locked, code=PROVISIONAL_TIMETABLE, at=at, by=by)
        url = locked.get_absolute_url()
        subject, body = render_notice(
            "notices/entries/provisional-timetable.txt",
            series=locked,
            link=f"{settings.PORTAL_BASE_URL}{url}",
        )
        notify_all(
            [
                Event(
                    key=f"timetable:{locked.pk}:provisional:{centre.pk}",
                    kind=NOTICE_KIND,
                    to=[Officers(centre)],
                    subject=subject,
                    body=body,
                    url=url,
                )
                for centre in Centre.objects.filter(memberships__isnull=False).distinct()
            ],
            at=at,
        )
    return locked


def comment_on_timetable(
    series: Series, *, centre: Centre, by, body: str, paper: Paper | None = None, at=None
) -> TimetableComment:
    """A centre's comment on the provisional timetable, while comments are open."""
    at = at or timezone.now()
    if series.provisional_timetable_published_at is None:
        raise PortalError(f"The {series.name} timetable is not yet open for comment.")
    if series.timetable_comments_close_on and london_date(at) > series.timetable_comments_close_on:
        raise PortalError(
            f"Comments on the {series.name} timetable closed on "
            f"{series.timetable_comments_close_on:%d %B %Y}."
        )
    body = (body or "").strip()
    if not body:
        raise PortalError("Write your comment.", field="body")
    if paper is not None and paper.series_id != series.pk:
        raise PortalError("Choose a paper of this series.", field="paper")
    with transaction.atomic():
        comment = TimetableComment.objects.create(
            series=series, centre=centre, paper=paper, body=body, written_by=by, created_at=at
        )
        audit.record(comment, "created", by=by, at=at, summary="Timetable comment")
    return comment


# Browser uploads, imported by a worker ------------------------------------------------------

PROGRESS_KEY = "entries:import:{pk}:rows"


def queue_entry_import(
    *, centre: Centre, series: Series, upload, by, accept_late_fee: bool = False
):
    """Keep an uploaded CSV under a generated key and queue its import (``entries.run_import``
    through the outbox, so that it runs exactly when this commits)."""
    import uuid

    from django.core.files.storage import default_storage

    from entries.models import EntryImport
    from portal.outbox.services import enqueue

    if not upload.name.lower().endswith(".csv"):
        raise PortalError("Choose a CSV file (.csv), saved as CSV UTF-8.", field="file")
    if not upload.size:
        raise PortalError("The file you chose is empty.", field="file")
    with transaction.atomic():
        key = default_storage.save(f"imports/{uuid.uuid4().hex}.csv", upload)
        job = EntryImport.objects.create(
            centre=centre,
            series=series,
            uploaded_by=by,
            file_key=key,
            file_name=upload.name[:200],
            size=upload.size,
            accept_late_fee=accept_late_fee,
        )
        enqueue("entries.run_import", import_id=job.pk)
    return job


def run_entry_import(job) -> None:
    """Import a queued upload: rows read so far go to the cache for the page that watches;
    the outcome (saved, or refused with every bad line) goes on the job; the file is then
    deleted, its rows being in the database or refused."""
    from django.core.cache import cache
    from django.core.files.storage import default_storage

    key = PROGRESS_KEY.format(pk=job.pk)

    def progress(rows: int) -> None:
        cache.set(key, rows, 3600)

    with default_storage.open(job.file_key, "rb") as stream:
        outcome = import_entries(
            centre=job.centre,
            series=job.series,
            stream=stream,
            by=job.uploaded_by,
            accept_late_fee=job.accept_late_fee,
            progress=progress,
        )
    job.rows = outcome.rows
    job.created = outcome.created
    job.errors = outcome.errors
    job.status = job.Status.SAVED if outcome.ok else job.Status.REFUSED
    job.finished_at = timezone.now()
    job.save(update_fields=["rows", "created", "errors", "status", "finished_at"])
    if job.uploaded_by is not None:
        subject, body = render_notice(
            "notices/entries/import.txt",
            job=job,
            ok=outcome.ok,
            saved=entries_counted(job.created),
            errors=len(outcome.errors),
            link=f"{settings.PORTAL_BASE_URL}{job.get_absolute_url()}",
        )
        notify(
            key=f"entries:import:{job.pk}",
            kind=NOTICE_KIND,
            to=[job.uploaded_by],
            subject=subject,
            body=body,
            url=job.get_absolute_url(),
        )
    transaction.on_commit(lambda: default_storage.delete(job.file_key))


def import_progress(job) -> int:
    from django.core.cache import cache

    return job.rows or cache.get(PROGRESS_KEY.format(pk=job.pk)) or 0

"""Results files loaded in the browser: kept with a row, read by a queued task, with the
progress of a large file in the cache while its transaction is still open."""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from portal.outbox.services import enqueue
from results import services
from results.models import ResultImport

State = ResultImport.State


def _progress_key(import_id: int) -> str:
    return f"results:import:{import_id}:done"


def progress_of(job: ResultImport) -> int | None:
    """Lines saved so far by a running import (None when not known)."""
    return cache.get(_progress_key(job.pk))


def start_import(*, series, file, by) -> ResultImport:
    """Keep the file and queue its loading; the page follows the row."""
    with transaction.atomic():
        job = ResultImport.objects.create(
            series=series, file=file, filename=file.name[:200], created_by=by
        )
        enqueue("results.run_import", import_id=job.pk)
    return job


def run_import(import_id: int) -> str:
    """Load a queued file once: a claimed row, the file read and checked, all rows or none."""
    claimed = ResultImport.objects.filter(pk=import_id, state=State.QUEUED).update(
        state=State.RUNNING
    )
    if not claimed:
        return "skipped"
    job = ResultImport.objects.select_related("series", "created_by").get(pk=import_id)
    key = _progress_key(job.pk)

    def progress(done: int) -> None:
        cache.set(key, done, 3600)

    try:
        with job.file.open("rb") as file:
            lines = services.read_results_csv(file)
        job.rows = len(lines)
        checked = services.check_lines(lines, series=job.series)
        with transaction.atomic():
            outcome = services.save_results(
                checked, series=job.series, by=job.created_by, progress=progress
            )
    except services.ImportRefused as refused:
        job.state, job.errors = State.FAILED, refused.errors[:1000]
    else:
        job.state, job.created, job.updated = State.DONE, outcome.created, outcome.updated
    job.finished_at = timezone.now()
    job.save(update_fields=["rows", "state", "errors", "created", "updated", "finished_at"])
    return job.state

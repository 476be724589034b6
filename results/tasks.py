from celery import shared_task
from django.utils import timezone

from results import imports, queries, read, release


@shared_task(name="results.release_notices")
def release_notices() -> int:
    # Once per series and instant whatever runs twice: a unique row is claimed first.
    return release.send_release_notices()


@shared_task(name="results.watch_release_dates")
def watch_release_dates() -> int:
    # Starting a clock twice answers the one already running: overlapping runs are harmless.
    return release.watch_release_dates()


@shared_task(name="results.run_import")
def run_import(*, import_id: int) -> str:
    return imports.run_import(import_id)


@shared_task(name="results.forget_cached")
def forget_cached(*, centre_id: int, code: str | None = None) -> None:
    """Forget a centre's cached results when the cache could not take it at the change (the
    outbox tries again until it can)."""
    queries.bump_generations(centre_id, code)


@shared_task(name="results.build_pages")
def build_pages(*, series_id: int, centre_ids: list[int]) -> int:
    """Build the first page of these centres' results of a released series, as their
    officers' systems ask for it (the release sweep queues one task for each chunk)."""
    return read.build_officers_pages(series_id, centre_ids, now=timezone.now())

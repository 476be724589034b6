from celery import shared_task
from django.utils import timezone

from results.learners import remembered, services


@shared_task(name="learners.forget")
def forget(*, user_ids: list[int] | None = None, session_keys: list[str] | None = None) -> int:
    """Forget learners' remembered sessions when Redis could not take it at the change (the
    outbox tries again until it can)."""
    remembered.write_forgetting(user_ids=user_ids or [], session_keys=session_keys or [])
    return len(user_ids or []) + len(session_keys or [])


@shared_task(name="learners.build_pages")
def build_pages(*, centre_ids: list[int]) -> int:
    """Build the pages of every learner of these centres, as at now (the release sweep
    queues one task for each chunk of centres; the outbox tries again while Redis is away)."""
    return services.build_pages(centre_ids, now=timezone.now())

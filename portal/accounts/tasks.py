from celery import shared_task

from portal.accounts import kept_permissions
from portal.api import remembered


@shared_task(name="accounts.forget_remembered_tokens")
def forget_remembered_tokens(*, digests: list[str]) -> int:
    """Mark remembered API tokens forgotten when Redis could not take it at the change (the
    outbox tries again until it can)."""
    remembered.write_marks(digests)
    return len(digests)


@shared_task(name="accounts.forget_kept_permissions")
def forget_kept_permissions() -> None:
    """Replace the generation of kept permissions when Redis could not take it at the change
    (the outbox tries again until it can)."""
    kept_permissions.new_generation()

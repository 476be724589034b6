from celery import shared_task

from portal.accounts.services import sweep_expired_api_tokens
from portal.api.idempotency import sweep_idempotency_keys
from portal.notifications.sending import forget_sent_bodies
from portal.outbox.services import purge_ran


@shared_task(name="portal.housekeeping")
def housekeeping() -> dict:
    # Each step touches only rows past their time, in batches: safe to run twice or side by side.
    return {
        "api_tokens": sweep_expired_api_tokens(),
        "idempotency_keys": sweep_idempotency_keys(),
        "outbox_tasks": purge_ran(),
        "email_bodies": forget_sent_bodies(),
    }

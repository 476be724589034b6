from celery import shared_task

from portal.accounts import services
from portal.api.idempotency import sweep_idempotency_keys


@shared_task(name="portal.accounts.sweep")
def sweep_expired() -> dict:
    # Deletes only rows past their time, in batches: safe to run twice or side by side.
    return {
        "api_tokens": services.sweep_expired_api_tokens(),
        "idempotency_keys": sweep_idempotency_keys(),
    }

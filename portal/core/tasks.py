from celery import shared_task

from portal.accounts.services import sweep_expired_api_tokens
from portal.api.idempotency import sweep_idempotency_keys
from portal.core.models import Heartbeat
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


@shared_task(name="portal.heartbeat")
def heartbeat() -> None:
    # Sent by beat, run by a worker: /readyz and /metrics read how long ago it last ran.
    Heartbeat.record("beat")

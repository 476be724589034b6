import time

from celery import shared_task

from portal.core.models import Heartbeat
from portal.sla.sweeps import sweep


@shared_task(name="portal.sla.sweep")
def sweep_clocks() -> dict:
    # Safe to run twice or side by side: every notice is claimed before it is sent.
    started = time.perf_counter()
    result = sweep().__dict__
    # For /metrics: how long a sweep takes and when the last one finished.
    Heartbeat.record("sla-sweep", duration_seconds=time.perf_counter() - started, detail=result)
    return result

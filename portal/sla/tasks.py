from celery import shared_task

from portal.sla.sweeps import sweep


@shared_task(name="portal.sla.sweep")
def sweep_clocks() -> dict:
    # Safe to run twice or side by side: every notice is claimed before it is sent.
    return sweep().__dict__

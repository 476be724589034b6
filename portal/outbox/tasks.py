from celery import shared_task

from portal.outbox import services


@shared_task(name="portal.outbox.run")
def run_queued_task(*, queued_task_id: int) -> str:
    # Delivered at least once; runs the queued task at most once (the row is claimed).
    return services.run_queued_task(queued_task_id)


@shared_task(name="portal.outbox.relay")
def relay_outbox() -> int:
    return services.relay().published

from celery import shared_task

from portal.uploads import scanning, services


@shared_task(name="portal.uploads.scan")
def scan_attachment(*, attachment_id: int) -> str:
    # Queued through the outbox when a file is attached; clamd down raises and is retried.
    return scanning.scan_attachment(attachment_id)


@shared_task(name="portal.uploads.abandon_stale")
def abandon_stale_uploads() -> int:
    return services.abandon_stale_uploads()

from celery import shared_task


@shared_task(name="entries.run_import")
def run_import(*, import_id: int) -> None:
    from entries.models import EntryImport
    from entries.services import run_entry_import

    job = EntryImport.objects.filter(pk=import_id, status=EntryImport.Status.QUEUED).first()
    if job is not None:
        run_entry_import(job)

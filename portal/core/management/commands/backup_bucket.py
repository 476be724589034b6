from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from portal.s3 import backup_bucket


class Command(BaseCommand):
    help = (
        "Copy every object of the uploads bucket into a folder (keys as paths). A second run "
        "into the same folder copies only what is new."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        if not hasattr(default_storage, "bucket_name"):
            raise CommandError(
                "No bucket (AWS_STORAGE_BUCKET_NAME is not set): back up MEDIA_ROOT."
            )
        folder.mkdir(parents=True, exist_ok=True)
        count = backup_bucket(default_storage, folder)
        self.stdout.write(
            f"{count} object(s) copied from {default_storage.bucket_name} to {folder}."
        )

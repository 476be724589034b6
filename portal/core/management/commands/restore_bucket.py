from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from portal.s3 import origins_of_portal, prepare_bucket, restore_bucket


class Command(BaseCommand):
    help = (
        "Upload a folder made by backup_bucket into the uploads bucket (created if missing), "
        "each file under its path as the key."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        if not hasattr(default_storage, "bucket_name"):
            raise CommandError("No bucket (AWS_STORAGE_BUCKET_NAME is not set).")
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        prepare_bucket(default_storage, origins=origins_of_portal())
        count = restore_bucket(default_storage, folder)
        self.stdout.write(
            f"{count} object(s) restored from {folder} to {default_storage.bucket_name}."
        )

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from portal.s3 import origins_of_portal, prepare_bucket


class Command(BaseCommand):
    help = (
        "Create the uploads bucket if it is missing and allow the portal's origins to send "
        "upload parts to it (CORS). Safe to run at every deployment."
    )

    def handle(self, *args, **options):
        if not hasattr(default_storage, "bucket_name"):
            self.stdout.write("No bucket (AWS_STORAGE_BUCKET_NAME is not set): nothing to do.")
            return
        for line in prepare_bucket(default_storage, origins=origins_of_portal()):
            self.stdout.write(line)

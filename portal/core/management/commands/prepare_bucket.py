import time

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from portal.s3 import origins_of_portal, prepare_bucket


class Command(BaseCommand):
    help = (
        "Create the uploads bucket if it is missing and allow the portal's origins to send "
        "upload parts to it (CORS). Safe to run at every deployment."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait",
            type=int,
            default=0,
            help="Seconds to keep trying while the S3 server is not answering yet.",
        )

    def handle(self, *args, wait=0, **options):
        from botocore.exceptions import BotoCoreError, ClientError

        if not hasattr(default_storage, "bucket_name"):
            self.stdout.write("No bucket (AWS_STORAGE_BUCKET_NAME is not set): nothing to do.")
            return
        give_up = time.monotonic() + wait
        while True:
            try:
                done = prepare_bucket(default_storage, origins=origins_of_portal())
                break
            except (BotoCoreError, ClientError, OSError) as error:
                if time.monotonic() >= give_up:
                    raise CommandError(f"The bucket could not be prepared: {error}") from error
                self.stdout.write(f"The S3 server is not ready ({error}); trying again.")
                time.sleep(2)
        for line in done:
            self.stdout.write(line)

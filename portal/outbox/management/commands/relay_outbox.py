from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.outbox import services
from portal.outbox.models import QueuedTask


class Command(BaseCommand):
    help = (
        "Publish the queued tasks the broker has not received (beat does this every few "
        "seconds); with --requeue-failed, first give given-up tasks their attempts again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--requeue-failed",
            action="store_true",
            help="Try the tasks that were given up again (once what made them fail is fixed).",
        )
        parser.add_argument("--batch", type=int, help="Rows published per transaction.")

    def handle(self, *args, **options):
        batch = options["batch"]
        if batch is not None and batch < 1:
            raise CommandError("--batch must be at least 1.")
        if options["requeue_failed"]:
            self.stdout.write(f"{services.requeue_failed()} given-up tasks queued again.")
        published = 0
        # Every published row falls due again only much later, so this ends.
        while True:
            run = services.relay(limit=batch)
            published += run.published
            if run.broker_error:
                due = QueuedTask.objects.due(timezone.now()).count()
                raise CommandError(
                    f"{published} published, then the broker failed ({run.broker_error}); "
                    f"{due} still due."
                )
            if not run.published:
                break
        waiting = QueuedTask.objects.pending().count()
        self.stdout.write(f"{published} published; {waiting} waiting to run.")

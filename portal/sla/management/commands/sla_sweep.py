from django.core.management.base import BaseCommand

from portal.sla.sweeps import sweep


class Command(BaseCommand):
    help = "One sweep of the service-level clocks, now: due reminders and breach notices go out."

    def handle(self, *args, **options):
        result = sweep()
        self.stdout.write(
            f"{result.breached} breached, {result.reminders} reminders queued, "
            f"{result.sent} notices sent, {result.dropped} no longer needed."
        )

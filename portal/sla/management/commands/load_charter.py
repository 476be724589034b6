from django.core.management.base import BaseCommand, CommandError

from portal.errors import PortalError
from portal.sla.charters import PRESETS
from portal.sla.services import load_charter


class Command(BaseCommand):
    help = "Load or refresh a charter preset of service levels."

    def add_arguments(self, parser):
        parser.add_argument("charter", choices=sorted(PRESETS))

    def handle(self, *args, charter, **options):
        try:
            counts = load_charter(charter)
        except PortalError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Charter {charter}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['deactivated']} deactivated."
        )

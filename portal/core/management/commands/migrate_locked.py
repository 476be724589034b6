from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

# Any fixed number: every migrate_locked of every deployment of the portal takes this one.
MIGRATE_LOCK = 7_311_200_026


class Command(BaseCommand):
    help = (
        "migrate, one run at a time: on PostgreSQL a second run (another replica, a repeated "
        "deployment) waits for the first and then finds nothing left to do."
    )
    # migrate itself runs the checks, after the lock.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database=DEFAULT_DB_ALIAS, verbosity=1, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            # SQLite takes one writer at a time anyway.
            call_command("migrate", interactive=False, database=database, verbosity=verbosity)
            return
        # A session lock rather than a transaction's: migrate commits as it goes, and
        # the lock must outlast every one of its transactions. It ends with the session
        # if the process dies, so a killed run never blocks the next.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATE_LOCK])
            if not cursor.fetchone()[0]:
                self.stdout.write("Another migrate is running: waiting for it to finish.")
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
        try:
            call_command("migrate", interactive=False, database=database, verbosity=verbosity)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])

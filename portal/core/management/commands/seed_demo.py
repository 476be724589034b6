from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.core.demo import DEMO_PASSWORD, STAFF, seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo centres, people, series and cases (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not (settings.DEBUG or force):
            raise CommandError(
                "seed_demo creates accounts with a published password; it runs only with "
                "DEBUG on, or with --force."
            )
        seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready: officer1 (GB001), officer2 (PK002), head1 (head of GB001), "
                "applicant1 (a school applying to become a centre), learner1 (a candidate's "
                "own results), staff and specialist, "
                f"each with the password {DEMO_PASSWORD}."
            )
        )
        self.stdout.write(
            "Demo staff sign in with a code from an authenticator app holding these keys "
            "(demo only; add them to the app, or run: oathtool --totp -b KEY):"
        )
        for person in STAFF:
            self.stdout.write(f"  {person['username']}: {person['totp_key']}")

"""Take in one email from standard input, as a mail server's pipe hands it over.

Exit status, as mail servers read it (sysexits.h): 0 once the message is stored, whatever
becomes of it after; 75 (EX_TEMPFAIL) when it could not be stored, so that the server
keeps it and tries again later. Postfix ``pipe``, Exim's ``pipe`` transport and
``fetchmail --mda`` all do so.
"""

import sys
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Store and route one RFC 5322 message read from standard input (exit 75: retry)."
    # call_command(..., stdin=BytesIO(...)) in tests.
    stealth_options = ("stdin",)

    def handle(self, *args: object, **options: Any) -> None:
        from portal.mailin import services

        given: Any = options.get("stdin") or sys.stdin
        stream: BinaryIO = getattr(given, "buffer", given)
        try:
            raw, size = services.read_stream(stream)
            inbound, _ = services.store_message(raw, size=size)
        except Exception as error:
            # Not stored: nothing is lost as long as the mail server keeps it and retries.
            raise CommandError(
                f"Could not store the message; try again later ({type(error).__name__}: {error})",
                returncode=EX_TEMPFAIL,
            ) from error
        inbound = services.process_message(inbound)
        self.stdout.write(f"Stored as {inbound.pk}: {inbound.get_status_display()}.")

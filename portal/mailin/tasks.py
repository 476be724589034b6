import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)

# A message stored but not processed this long ago was left by a process that stopped.
WAITING_AFTER = dt.timedelta(minutes=5)


@shared_task(name="portal.mailin.fetch")  # type: ignore[untyped-decorator]
def fetch() -> int:
    """Beat, every minute: fetch what waits in ``INBOUND_IMAP_URL`` (nothing when unset),
    and process any message stored but left unprocessed."""
    from portal.mailin.imap import fetch_mailbox
    from portal.mailin.models import InboundEmail
    from portal.mailin.services import process_message

    stored = 0
    if settings.INBOUND_IMAP_URL:
        try:
            stored = fetch_mailbox(settings.INBOUND_IMAP_URL).stored
        except Exception:
            log.exception("Could not fetch email from the IMAP mailbox")
    left = InboundEmail.objects.filter(
        status=InboundEmail.Status.RECEIVED, received_at__lt=timezone.now() - WAITING_AFTER
    ).order_by("pk")[:100]
    for inbound in left:
        process_message(inbound)
    return stored

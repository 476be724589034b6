import datetime as dt
import socket
from email import message_from_bytes

import factory
import pytest
from django.utils import timezone

from portal.notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    kind = Notification.Kind.REMINDER
    reference = factory.Sequence(lambda n: f"CMP-2026-{n:06d}")
    code = "complaint.acknowledge"
    url = factory.LazyAttribute(lambda n: f"/complaints/{n.reference}/")
    subject = factory.LazyAttribute(lambda n: f"Reminder: {n.reference} is due soon")
    key = factory.Sequence(lambda n: f"sla:notice:{n}")
    created_at = factory.Sequence(lambda n: timezone.now() - dt.timedelta(hours=100 - n))


@pytest.fixture
def notify():
    return NotificationFactory


class Sink:
    """An SMTP server's handler that keeps what it accepts and refuses chosen mailboxes."""

    def __init__(self):
        self.messages = []
        self.refused = set()
        self.busy = set()
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        if address in self.busy:
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on 127.0.0.1 that the portal's mailer sends to."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }
    yield sink
    controller.stop()


@pytest.fixture
def send_on_commit(django_capture_on_commit_callbacks):
    """Run ``work`` and then what it queued for after the commit (the sender's kick)."""

    def run(work):
        with django_capture_on_commit_callbacks(execute=True):
            return work()

    return run

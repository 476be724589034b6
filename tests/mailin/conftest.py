import io
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core.management import call_command

from portal.mailin.models import InboundEmail

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><head><script>alert(1)</script></head><body>hi</body></html>"


@pytest.fixture(autouse=True)
def _charter(charter):
    """Complaints and queries start clocks."""


def message(
    *,
    sender="officer1@example.org",
    subject="Late fees",
    body="Per entry or per candidate?",
    files=(),
    headers=None,
    message_id=None,
) -> bytes:
    """A message as a person's mail program writes it."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "help@exams-portal.example"
    mail["Subject"] = subject
    mail["Message-ID"] = message_id or make_msgid(domain="school.example")
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    for name, data, maintype, subtype in files:
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return mail.as_bytes()


def receive(raw: bytes) -> InboundEmail:
    """Pipe ``raw`` to ``manage.py receive_email`` as a mail server does; the row it stored."""
    before = set(InboundEmail.objects.values_list("pk", flat=True))
    out = io.StringIO()
    call_command("receive_email", stdin=io.BytesIO(raw), stdout=out)
    (row,) = InboundEmail.objects.exclude(pk__in=before)
    return row

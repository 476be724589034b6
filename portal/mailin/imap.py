"""Fetching messages from an IMAP mailbox (``INBOUND_IMAP_URL``).

Each message is stored (``store_message``, committed) before it is marked: only then is it
flagged ``\\Seen`` and ``\\Deleted`` (copied first to ``INBOUND_IMAP_DONE_MAILBOX`` when
that is set) and expunged. A fetcher that dies in between fetches it again next time; its
place in the mailbox (UIDVALIDITY and UID) is the row's ``source_key``, so it is not stored
twice. Over ``INBOUND_EMAIL_MAX_BYTES`` only its headers are fetched, and it is refused.
"""

import contextlib
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.mailin.models import InboundEmail
from portal.mailin.services import process_message, store_message

log = logging.getLogger(__name__)

SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass(frozen=True)
class Mailbox:
    secure: bool
    host: str
    port: int
    user: str
    password: str
    folder: str

    @classmethod
    def from_url(cls, url: str) -> "Mailbox":
        """``imaps://user:pass@host:993/INBOX`` or ``imap://user:pass@host:143/INBOX``."""
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname:
            raise ImproperlyConfigured(
                "INBOUND_IMAP_URL is imaps://user:password@host:993/INBOX (or imap://…:143)."
            )
        secure = parts.scheme == "imaps"
        return cls(
            secure=secure,
            host=parts.hostname,
            port=parts.port or (993 if secure else 143),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
        )

    def connect(self) -> imaplib.IMAP4:
        timeout = settings.INBOUND_IMAP_TIMEOUT_SECONDS
        if self.secure:
            context = ssl.create_default_context()
            return imaplib.IMAP4_SSL(self.host, self.port, ssl_context=context, timeout=timeout)
        return imaplib.IMAP4(self.host, self.port, timeout=timeout)


@dataclass
class FetchRun:
    stored: int = 0
    seen_before: int = 0


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fetch_mailbox(url: str, *, limit: int = 100) -> FetchRun:
    """Store, then mark, up to ``limit`` messages waiting in the mailbox; process each."""
    box = Mailbox.from_url(url)
    run = FetchRun()
    client = box.connect()
    try:
        client.login(box.user, box.password)
        status, _ = client.select(_quoted(box.folder))
        if status != "OK":
            raise OSError(f"The mailbox {box.folder!r} cannot be opened.")
        validity = (client.response("UIDVALIDITY")[1] or [b"0"])[0]
        validity = validity.decode() if isinstance(validity, bytes) else str(validity)
        status, data = client.uid("SEARCH", "UNDELETED")
        found = data[0] if status == "OK" and data else b""
        uids = [u.decode() for u in (found or b"").split()][:limit]
        for uid in uids:
            key = f"imap:{box.user}@{box.host}:{box.port}/{box.folder};{validity};{uid}"
            inbound, created = _store_one(client, uid, key=key)
            if inbound is None:
                continue
            _done(client, uid)
            if created:
                run.stored += 1
            else:
                run.seen_before += 1
            process_message(inbound)
        client.expunge()
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return run


def _store_one(client: imaplib.IMAP4, uid: str, *, key: str) -> tuple[InboundEmail | None, bool]:
    status, data = client.uid("FETCH", uid, "(RFC822.SIZE)")
    found = SIZE.search(b" ".join(d if isinstance(d, bytes) else b"" for d in data or []))
    if status != "OK" or found is None:
        return None, False
    size = int(found.group(1))
    # Over the limit, only the headers are fetched: they say whom to tell it was refused.
    item = "BODY.PEEK[]" if size <= settings.INBOUND_EMAIL_MAX_BYTES else "BODY.PEEK[HEADER]"
    status, data = client.uid("FETCH", uid, f"({item})")
    raw = next((d[1] for d in data or [] if isinstance(d, tuple) and len(d) > 1), None)
    if status != "OK" or raw is None:
        return None, False
    return store_message(
        raw, size=max(size, len(raw)), source=InboundEmail.Source.IMAP, source_key=key
    )


def _done(client: imaplib.IMAP4, uid: str) -> None:
    done = settings.INBOUND_IMAP_DONE_MAILBOX
    if done:
        client.uid("COPY", uid, _quoted(done))
    client.uid("STORE", uid, "+FLAGS", "(\\Seen \\Deleted)")

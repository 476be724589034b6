"""Email in development: each message kept as a file, and a few lines about it on the console.

With no mail server (``EMAIL_HOST`` unset and ``DEBUG`` on), the person running the portal is
every recipient: they need the link in the email (confirm an address, reset a password), not
the whole MIME text among the worker's log lines. So every message is saved whole under the
data folder (``data/emails/``, one ``.eml`` file each, which any mail program opens), and
the console gets a short block: who it is for, its subject, its links and the file.

The block goes to the process's own standard output, not ``sys.stdout``: a Celery worker
turns ``sys.stdout`` into log lines, and ``bin/dev`` keeps the worker's routine log quiet.
"""

import datetime as dt
import re
import sys
import threading
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.utils.text import slugify

# Links in a plain-text body end at white space or at what closes the sentence around them.
LINK = re.compile(r"https?://[^\s<>\"')\]]+")
# Characters that end a sentence rather than a link.
TRAILING = ".,;:!?"


def links_in(text: str) -> list[str]:
    """The links in ``text``, each once, in the order they come."""
    found = []
    for match in LINK.finditer(text):
        link = match.group().rstrip(TRAILING)
        if link not in found:
            found.append(link)
    return found


class EmailBackend(BaseEmailBackend):
    """Saves each message in ``folder`` and writes a short block about it to ``stream``."""

    def __init__(self, fail_silently=False, *, folder, stream=None, **kwargs):
        super().__init__(**kwargs)
        self.fail_silently = fail_silently
        self.folder = Path(folder)
        self.stream = stream
        self._lock = threading.Lock()

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            try:
                path = self._save(message)
                self._announce(message, path)
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent

    def _save(self, message) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        name = f"{stamp}-{slugify(message.subject)[:60] or 'email'}-{uuid.uuid4().hex[:6]}.eml"
        path = self.folder / name
        path.write_bytes(message.message().as_bytes())
        return path

    def _announce(self, message, path: Path) -> None:
        lines = [
            "",
            f"--- Email to {', '.join(message.to) or '(nobody)'} ---",
            f"    {message.subject}",
        ]
        lines += [f"    {link}" for link in links_in(message.body or "")]
        lines += [f"    (saved in full: {_shown(path)})", ""]
        stream = self.stream or sys.__stdout__
        with self._lock:
            # One write: two worker processes printing at once do not mix their lines.
            stream.write("\n".join(lines) + "\n")
            stream.flush()


def _shown(path: Path) -> str:
    """The file's path from the current folder when it is below it (``data/emails/…``)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)

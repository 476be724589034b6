"""The IMAP path against a real Dovecot (Debian's dovecot-imapd), started here from the
config in .ci/dovecot/ on 127.0.0.1 at a free port, with a mailbox in a temporary folder.
Skipped where Dovecot is not installed (apt-get install dovecot-imapd)."""

import imaplib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from complaints.helpdesk.models import Query
from portal.mailin.models import InboundEmail
from portal.mailin.services import store_message
from portal.mailin.tasks import fetch
from tests.mailin.conftest import PDF, message

CONFIG = Path(__file__).resolve().parents[2] / ".ci" / "dovecot" / "dovecot.conf.in"
USER, PASSWORD = "portal", "imap-test-pass"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dovecot():
    if not os.access(DOVECOT, os.X_OK):
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
    # Not under pytest's own temporary folder, which only its owner may enter: Dovecot's
    # processes run as its own accounts.
    folder = Path(tempfile.mkdtemp(prefix="portal-dovecot-"))
    folder.chmod(0o755)
    for sub in ("run", "state", "mail", "home"):
        (folder / sub).mkdir()
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    if os.geteuid() == 0:
        # Dovecot runs neither its login process nor mail as root: its own accounts.
        login, internal = "dovenull", pwd.getpwnam("dovecot")
        for sub in ("mail", "home"):
            os.chown(folder / sub, internal.pw_uid, internal.pw_gid)
        uid, gid, user, group = internal.pw_uid, internal.pw_gid, internal.pw_name, "dovecot"
    else:
        me = pwd.getpwuid(os.geteuid())
        login, uid, gid, user = me.pw_name, me.pw_uid, me.pw_gid, me.pw_name
        group = __import__("grp").getgrgid(gid).gr_name
    port = _free_port()
    config = CONFIG.read_text()
    for name, value in {
        "@DIR@": str(folder),
        "@PORT@": str(port),
        "@USER@": login,
        "@GROUP@": group,
        "@UID@": str(uid),
        "@GID@": str(gid),
    }.items():
        config = config.replace(name, value)
    config = config.replace(f"default_internal_user = {login}", f"default_internal_user = {user}")
    (folder / "dovecot.conf").write_text(config)
    server = subprocess.Popen(
        [DOVECOT, "-c", str(folder / "dovecot.conf"), "-F"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            log = folder / "dovecot.log"
            pytest.fail(f"Dovecot did not start: {log.read_text() if log.exists() else ''}")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot, settings):
    """An empty INBOX, and the portal fetching from it."""
    client = imaplib.IMAP4("127.0.0.1", dovecot)
    client.login(USER, PASSWORD)
    client.select("INBOX")
    client.store("1:*", "+FLAGS", "(\\Deleted)") if client.search(None, "ALL")[1][0] else None
    client.expunge()
    settings.INBOUND_IMAP_URL = f"imap://{USER}:{PASSWORD}@127.0.0.1:{dovecot}/INBOX"
    yield client
    client.logout()


def deliver(client, raw: bytes) -> tuple[str, str]:
    """Put a message in the INBOX as a mail server would; answer its UIDVALIDITY and UID."""
    status, data = client.append("INBOX", None, None, raw)
    assert status == "OK"
    validity, uid = re.search(rb"APPENDUID (\d+) (\d+)", data[0]).groups()
    return validity.decode(), uid.decode()


def waiting(client) -> list[bytes]:
    client.select("INBOX")
    return client.uid("SEARCH", "UNDELETED")[1][0].split()


pytestmark = pytest.mark.django_db


def test_fetch_stores_each_message_then_removes_it_from_the_mailbox(mailbox, officer_gb):
    deliver(mailbox, message(subject="By IMAP", files=[("a.pdf", PDF, "application", "pdf")]))
    deliver(mailbox, message(subject="Second"))

    stored = fetch()

    rows = list(InboundEmail.objects.order_by("pk"))
    assert stored == 2
    assert [(r.source, r.status, r.subject) for r in rows] == [
        ("imap", "opened", "By IMAP"),
        ("imap", "opened", "Second"),
    ]
    assert Query.objects.count() == 2
    assert waiting(mailbox) == []


def test_a_message_stored_before_a_crash_is_not_stored_twice(mailbox, officer_gb, settings):
    raw = message(subject="Stored, then the fetcher died")
    validity, uid = deliver(mailbox, raw)
    port = settings.INBOUND_IMAP_URL.rsplit(":", 1)[1].split("/")[0]
    store_message(
        raw,
        source=InboundEmail.Source.IMAP,
        source_key=f"imap:{USER}@127.0.0.1:{port}/INBOX;{validity};{uid}",
    )

    assert fetch() == 0

    assert (InboundEmail.objects.count(), Query.objects.count()) == (1, 1)
    assert waiting(mailbox) == []


def test_a_message_over_the_limit_is_fetched_as_headers_and_refused(mailbox, officer_gb, settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 50_000
    deliver(mailbox, message(files=[("big.pdf", PDF + b"0" * 200_000, "application", "pdf")]))

    fetch()

    row = InboundEmail.objects.get()
    assert (row.status, row.truncated, row.sender) == ("refused", True, "officer1@example.org")
    assert len(row.raw_bytes()) < 5_000 and row.size > 200_000
    assert waiting(mailbox) == []


def test_done_messages_are_copied_to_the_folder_named(mailbox, officer_gb, settings):
    mailbox.create("Processed")
    settings.INBOUND_IMAP_DONE_MAILBOX = "Processed"
    deliver(mailbox, message(subject="Keep a copy"))

    fetch()

    mailbox.select("Processed")
    assert len(mailbox.search(None, "ALL")[1][0].split()) == 1
    assert waiting(mailbox) == []


def test_nothing_is_fetched_without_a_mailbox(settings):
    settings.INBOUND_IMAP_URL = ""

    assert fetch() == 0

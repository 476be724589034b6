"""Scanning attached files for malware with ClamAV's daemon (clamd), after they are kept.

``CLAMD_URL`` names the daemon (``unix:///run/clamav/clamd.ctl`` or ``tcp://host:3310``).
Each file is streamed to it with the INSTREAM command, a megabyte at a time, straight from
storage (a file of gigabytes is never held). The answer is one of:

* ``clean``: clamd read every byte and found nothing;
* ``infected``: it found a signature (named in ``scan_detail``); the file is quarantined
  (only the security team may fetch it) and the case's centre is told;
* ``not_scanned``: it could not read the whole file (over ``CLAMD_STREAM_MAX_BYTES``, over
  clamd's own limits, or no scanner is configured). Never ``clean``. clamd stops inside an
  archive at its limits (MaxScanSize, MaxFiles, MaxRecursion) and then answers OK unless
  ``AlertExceedsMax`` is on: it must be (.ci/clamav/clamd.conf.in, docker-compose.yml).
  A file it stopped inside is a failed scan (``Attachment.failed_scan``): not delivered,
  and the centre is asked for it again.

A daemon that cannot be reached raises, so that the queued scan is tried again later; the
file stays ``pending`` meanwhile.
"""

import logging
import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal import audit
from portal.accounts.roles import SECURITY_TEAM
from portal.uploads.backends import open_stored
from portal.uploads.models import Attachment, Scan
from portal.uploads.policies import format_size

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
# What clamd answers, with AlertExceedsMax, for a file it stopped reading at a limit
# (MaxScanSize, MaxFileSize, MaxFiles, MaxRecursion …): without it, clamd answers OK.
LIMITS_EXCEEDED = "Heuristics.Limits.Exceeded"


class ScannerUnavailable(Exception):
    """clamd could not be reached or answered nonsense: try again later."""


@dataclass(frozen=True)
class Verdict:
    scan: str
    detail: str = ""
    # False for a file clamd would not take (too large): nothing was read, so nothing failed.
    taken: bool = True


def _connect(url: str, timeout: float) -> socket.socket:
    parts = urlsplit(url)
    try:
        if parts.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(parts.path)
        elif parts.scheme == "tcp":
            sock = socket.create_connection((parts.hostname, parts.port or 3310), timeout=timeout)
        else:
            raise ScannerUnavailable(f"CLAMD_URL must be unix:// or tcp://, not {url!r}.")
    except OSError as error:
        raise ScannerUnavailable(f"clamd at {url} cannot be reached: {error}") from error
    return sock


def ping(url: str | None = None) -> bool:
    try:
        with _connect(url or settings.CLAMD_URL, 5) as sock:
            sock.sendall(b"zPING\0")
            return sock.recv(64).rstrip(b"\0\n") == b"PONG"
    except (ScannerUnavailable, OSError):
        return False


def scan_stream(file, *, url: str | None = None) -> Verdict:
    """Send an open file to clamd (INSTREAM) and read its verdict."""
    url = url or settings.CLAMD_URL
    with _connect(url, settings.CLAMD_TIMEOUT_SECONDS) as sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            while chunk := file.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = _read_answer(sock)
        except (BrokenPipeError, ConnectionResetError):
            # clamd hangs up on a stream longer than its StreamMaxLength.
            return Verdict(Scan.NOT_SCANNED, "Too large for the malware scanner.", taken=False)
        except OSError as error:
            raise ScannerUnavailable(f"clamd stopped answering: {error}") from error
    return _verdict(answer)


def _read_answer(sock) -> str:
    answer = b""
    while not answer.endswith(b"\0"):
        data = sock.recv(4096)
        if not data:
            break
        answer += data
    return answer.rstrip(b"\0\n").decode("utf-8", "replace")


def _verdict(answer: str) -> Verdict:
    # "stream: OK", "stream: Eicar-Test-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    if answer.endswith(" FOUND"):
        found = answer.removeprefix("stream:").removesuffix("FOUND").strip()
        if found.startswith(LIMITS_EXCEEDED):
            # clamd stopped at one of its limits (AlertExceedsMax): it read only part.
            limit = found.removeprefix(LIMITS_EXCEEDED).strip(".") or "a limit"
            return Verdict(
                Scan.NOT_SCANNED,
                f"Could not be scanned whole: the malware scanner stopped at its {limit}.",
            )
        return Verdict(Scan.INFECTED, found)
    if answer.endswith(": OK"):
        return Verdict(Scan.CLEAN)
    if "size limit" in answer.lower() or "exceeded" in answer.lower():
        return Verdict(Scan.NOT_SCANNED, "Too large for the malware scanner.", taken=False)
    raise ScannerUnavailable(f"clamd answered {answer!r}.")


def scan_attachment(attachment_id: int) -> str:
    """Scan one attached file whose scan is pending; record and act on the verdict.

    Steps: find it (gone, or scanned already: nothing to do); refuse to send what clamd
    cannot take (not scanned); stream it to clamd; record the verdict; for malware, tell
    the case's centre and the security team. Answers the verdict.
    """
    attachment = Attachment.objects.filter(pk=attachment_id, scan=Scan.PENDING).first()
    if attachment is None:
        return "skipped"
    if attachment.size > settings.CLAMD_STREAM_MAX_BYTES:
        verdict = Verdict(
            Scan.NOT_SCANNED,
            f"Larger than the malware scanner takes "
            f"({format_size(settings.CLAMD_STREAM_MAX_BYTES)}).",
            taken=False,
        )
    else:
        with open_stored(attachment.file.name) as stored:
            verdict = scan_stream(stored)
    with transaction.atomic():
        changed = Attachment.objects.filter(pk=attachment.pk, scan=Scan.PENDING).update(
            scan=verdict.scan,
            scan_detail=verdict.detail[:200],
            scanned_at=timezone.now() if verdict.taken else None,
        )
        if not changed:
            return "skipped"
        attachment.refresh_from_db()
        audit.record(attachment, "scanned", summary=attachment.get_scan_display(),
                     data={"scan": verdict.scan, "detail": verdict.detail})  # fmt: skip
        if verdict.scan == Scan.INFECTED:
            _tell_about_malware(attachment)
        elif attachment.failed_scan:
            _tell_about_failed_scan(attachment)
    return verdict.scan


def _tell_about_malware(attachment: Attachment) -> None:
    _tell(attachment, key="infected")


def _tell_about_failed_scan(attachment: Attachment) -> None:
    _tell(attachment, key="not-scanned")


def _tell(attachment: Attachment, *, key: str) -> None:
    """Tell the case's centre (to replace the file) and the security team
    (``notices/uploads/<key>.txt``)."""
    from portal.notifications import Officers, Role, notify
    from portal.notifications.texts import render_notice

    case = attachment.case
    reference = getattr(case, "reference", "")
    subject, body = render_notice(
        f"notices/uploads/{key}.txt", attachment=attachment, reference=reference
    )
    url = case.get_absolute_url() if hasattr(case, "get_absolute_url") else ""
    to = [Role(SECURITY_TEAM)]
    if getattr(case, "centre_id", None):
        to.append(Officers(case.centre_id))
    notify(
        key=f"file:{attachment.pk}:{key}",
        kind="file",
        to=to,
        subject=subject,
        body=f"{body}\n\n{settings.PORTAL_BASE_URL}{url}",
        reference=reference,
        url=url,
    )

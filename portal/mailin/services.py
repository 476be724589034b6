"""Taking in email: store first, then read and route, then answer.

1. ``store_message`` keeps the raw bytes in one row (``InboundEmail``) and commits: from
   then on the message is never lost, whatever its content. A message over
   ``INBOUND_EMAIL_MAX_BYTES`` keeps its first ``INBOUND_EMAIL_KEEP_HEAD_BYTES`` (its
   headers) and is refused.
2. ``process_message`` reads and routes it in one transaction; any failure rolls that back
   and leaves the row ``failed`` with the reason, for staff to see and try again.
3. The sender hears back (an acknowledgement carrying the case's reference, threaded to
   their message) unless the mail is automatic, bulk, our own, or held.
"""

import datetime as dt
import hashlib
import logging
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any, BinaryIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from portal import audit
from portal.errors import UploadRefused
from portal.mailin import parsing
from portal.mailin.models import InboundEmail
from portal.mailin.policies import EMAIL_ATTACHMENTS
from portal.mailin.routing import (
    Letter,
    Outcome,
    case_handler,
    hold_reason,
    intakes,
    may_write_to,
    officers_of,
    own_addresses,
    referenced_case,
)
from portal.notifications import Address, Role, notify
from portal.notifications.texts import render_notice
from portal.storage import files_discarded_on_failure
from portal.uploads.policies import UploadPolicy, format_size
from portal.uploads.services import attach_files, check_files

log = logging.getLogger(__name__)

Status = InboundEmail.Status
CHUNK = 64 * 1024
BURST_WINDOW = dt.timedelta(hours=1)


# 1. Storing ------------------------------------------------------------------------------


def read_stream(stream: BinaryIO) -> tuple[bytes, int]:
    """The message on ``stream``: its bytes, or only its head when it is over the most
    accepted, and how many bytes came in all. The rest is read and counted, never held:
    a mail server's pipe is drained, so it never sees a broken pipe."""
    most = settings.INBOUND_EMAIL_MAX_BYTES
    kept: list[bytes] = []
    size = 0
    while chunk := stream.read(CHUNK):
        if size + len(chunk) <= most:
            kept.append(chunk)
        elif size <= most:
            kept.append(chunk[: max(0, most - size)])
        size += len(chunk)
    raw = b"".join(kept)
    if size > most:
        raw = raw[: settings.INBOUND_EMAIL_KEEP_HEAD_BYTES]
    return raw, size


def store_message(
    raw: bytes,
    *,
    size: int | None = None,
    source: str = InboundEmail.Source.PIPE,
    source_key: str | None = None,
) -> tuple[InboundEmail, bool]:
    """Keep the message's bytes in a row of its own, committed; answer it and whether it
    is new (a fetched message stored before keeps its row). Raises if it could not be
    stored: the caller tells the mail server to try again later."""
    size = len(raw) if size is None else size
    fields = dict(
        source=source,
        raw=raw,
        size=size,
        truncated=size > len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        received_at=timezone.now(),
    )
    with transaction.atomic():
        if source_key is not None:
            row, created = InboundEmail.objects.get_or_create(
                source_key=source_key, defaults=fields
            )
            return row, created
        return InboundEmail.objects.create(**fields), True


# 2. Processing ---------------------------------------------------------------------------


def process_message(inbound: InboundEmail, *, release: bool = False) -> InboundEmail:
    """Read and route a stored message, once; never raises. ``release`` (staff, from the
    admin) processes a held or failed message again, holds set aside."""
    startable = [Status.RECEIVED, *([Status.HELD, Status.FAILED] if release else [])]
    try:
        with files_discarded_on_failure(), transaction.atomic():
            row = InboundEmail.objects.select_for_update().filter(pk=inbound.pk).first()
            if row is None or row.status not in startable:
                return row or inbound
            outcome = _route(row, released=release)
            _finish(row, outcome)
    except Exception as error:
        # Whatever went wrong is rolled back; the message stays, and says why.
        log.exception("Could not process email in %s", inbound.pk)
        InboundEmail.objects.filter(pk=inbound.pk).update(
            status=Status.FAILED,
            reason=f"Could not be processed ({type(error).__name__}: {error})"[:2000],
            processed_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
    inbound.refresh_from_db()
    return inbound


def _finish(row: InboundEmail, outcome: Outcome) -> None:
    row.status = outcome.status
    # What reading it noted (a Reply-To set aside) follows the outcome.
    row.reason = " ".join(filter(None, [outcome.reason, row.reason]))[:2000]
    row.processed_at = timezone.now()
    row.attempts += 1
    if outcome.case is not None:
        row.case_type = ContentType.objects.get_for_model(outcome.case, for_concrete_model=False)
        row.case_id = outcome.case.pk
        row.case_reference = outcome.case.reference
    row.save()
    if outcome.reply and outcome.reply_to is not None:
        _answer(row, outcome)


def _route(row: InboundEmail, *, released: bool) -> Outcome:
    row.reason = ""
    raw = row.raw_bytes()
    if row.truncated:
        return _refuse_too_large(row, raw)
    try:
        read = parsing.read_message(
            raw,
            most_parts=settings.INBOUND_EMAIL_MAX_PARTS,
            authserv_id=settings.INBOUND_EMAIL_AUTHSERV_ID,
        )
    except parsing.Unreadable as unreadable:
        return _refuse_unreadable(row, raw, str(unreadable))
    _keep_what_was_read(row, read)
    if not read.sender:
        return Outcome(Status.IGNORED, "No sender address: there is nobody to answer.")
    if read.sender in own_addresses():
        return Outcome(Status.IGNORED, "From the portal's own address: never answered (a loop).")
    if read.automatic:
        return Outcome(Status.IGNORED, f"Automatic or bulk mail, never answered: {read.automatic}.")
    first = _copy_of(row)
    if first is not None:
        return Outcome(Status.IGNORED, f"A copy of email {first.pk}, already taken in.")
    officers = officers_of(read.sender)
    if officers and read.unauthenticated and not released:
        # A forged From of an officer opens nothing in their name and is not answered (the
        # answer would go to the real officer, about a message they never sent).
        return Outcome(
            Status.HELD,
            f"From an officer's address, but our mail server found it was not sent by them "
            f"({read.unauthenticated}): held for review.",
        )
    letter = Letter(inbound=row, read=read, officers=officers, released=released)
    if letter.officer is not None:
        row.sender_user = letter.officer
    held = "" if released else _burst(letter)
    if held:
        return Outcome(Status.HELD, held)
    case = referenced_case(read.subject)
    writer = may_write_to(case, letter) if case is not None else None
    if case is not None and writer is not None:
        # A new case from a restricted contact is the intake's to hold (a complaint is
        # opened held, as on the web form); a letter on a case waits here.
        held = "" if released else hold_reason(read.sender, letter.officer)
        if held:
            return Outcome(Status.HELD, held, case=case)
        handler = case_handler(type(case)) or add_to_case
        return handler(case, letter)
    for intake in intakes():
        return intake(letter)
    return Outcome(Status.HELD, "No case type takes new messages by email: held for staff.")


def _copy_of(row: InboundEmail) -> InboundEmail | None:
    """The same message taken in before (a mail server that delivered it again, not sure
    the first delivery was done): same Message-ID and sender, already processed."""
    if not row.message_id:
        return None
    return (
        InboundEmail.objects.filter(message_id=row.message_id, sender=row.sender)
        .exclude(pk=row.pk)
        .exclude(status__in=[Status.RECEIVED, Status.FAILED])
        .order_by("pk")
        .first()
    )


def _keep_what_was_read(row: InboundEmail, read: parsing.ReadMessage) -> None:
    row.sender = read.sender
    row.sender_name = read.sender_name
    row.subject = read.subject
    row.message_id = read.message_id
    row.references = " ".join(read.references)
    row.body = read.text
    row.attachments = [
        {"name": f.name, "size": len(f.data), "content_type": f.content_type, "outcome": ""}
        for f in read.files
    ]
    if read.reply_to and read.reply_to != read.sender:
        row.reason = f"Reply-To {read.reply_to} set aside: answers go to the sender."


def _headers_of(raw: bytes) -> parsing.ReadMessage:
    """The sender and threading of a message not read whole (refused): headers only."""
    read = parsing.ReadMessage()
    try:
        head = BytesHeaderParser(policy=compat32).parsebytes(raw)
        read.sender_name, read.sender = parsing.address_of(head.get("From"))
        read.subject = parsing.header_text(head.get("Subject"))[: parsing.SUBJECT_MAX]
        ids = parsing.message_ids(head.get("Message-ID"))
        read.message_id = ids[0] if ids else ""
        read.references = parsing.message_ids(head.get("References"))[-parsing.REFERENCES_KEPT :]
        read.automatic = parsing.automatic_reason(
            head, sender=read.sender, return_path=head.get("Return-Path")
        )
    except Exception as error:
        read.automatic = f"headers unreadable ({type(error).__name__})"
    return read


def _refuse_too_large(row: InboundEmail, raw: bytes) -> Outcome:
    read = _headers_of(raw)
    row.sender, row.sender_name, row.subject = read.sender, read.sender_name, read.subject
    row.message_id = read.message_id
    row.references = " ".join(read.references)
    most = format_size(settings.INBOUND_EMAIL_MAX_BYTES)
    reason = (
        f"Refused: {format_size(row.size)}, over the most accepted ({most}); its start is kept."
    )
    return _refusal(
        row,
        read,
        reason,
        f"Your email “{read.subject or '(no subject)'}” was {format_size(row.size)}, more than "
        f"the {most} we accept, so we could not take it in. Please send it again without "
        "the large files, and send those through the portal.",
    )


def _refuse_unreadable(row: InboundEmail, raw: bytes, why: str) -> Outcome:
    read = _headers_of(raw)
    row.sender, row.sender_name, row.subject = read.sender, read.sender_name, read.subject
    row.message_id = read.message_id
    row.references = " ".join(read.references)
    too_many = "parts" in why
    status = Status.REFUSED if too_many else Status.FAILED
    if not too_many:
        return Outcome(status, why)
    return _refusal(
        row,
        read,
        f"Refused: {why}",
        f"We could not take in your email “{read.subject or '(no subject)'}”: it has more "
        "parts than an email we accept. Please write again with fewer attachments.",
    )


def _refusal(row: InboundEmail, read: parsing.ReadMessage, reason: str, reply: str) -> Outcome:
    """Refused: the sender is told why, unless it is automatic mail or our own."""
    if not read.sender or read.automatic or read.sender in own_addresses():
        return Outcome(Status.REFUSED, reason)
    officers = officers_of(read.sender)
    to = officers[0] if len(officers) == 1 else address_or_none(read.sender, name=read.sender_name)
    return Outcome(Status.REFUSED, reason, reply=reply, reply_to=to)


def _burst(letter: Letter) -> str:
    """A burst from one address: past ``INBOUND_EMAIL_LIMIT_PER_HOUR`` messages in an hour
    each further one is held for review, and customer services are told once an hour, as
    multiple contacts count under the unacceptable-behaviour rules. Nothing is dropped."""
    now = timezone.now()
    recent = InboundEmail.objects.filter(
        sender=letter.sender, received_at__gte=now - BURST_WINDOW
    ).exclude(pk=letter.inbound.pk)
    count = recent.count() + 1
    if count <= settings.INBOUND_EMAIL_LIMIT_PER_HOUR:
        return ""
    digest = hashlib.sha256(letter.sender.encode()).hexdigest()[:16]
    subject, body = render_notice(
        "notices/mailin/burst_team.txt",
        sender=letter.sender,
        count=count,
        limit=settings.INBOUND_EMAIL_LIMIT_PER_HOUR,
    )
    notify(
        key=f"mailin:burst:{digest}:{now:%Y%m%d%H}",
        kind="received",
        to=[Role(settings.INBOUND_EMAIL_TEAM)],
        subject=subject,
        body=body,
        at=now,
    )
    return (
        f"{count} emails from this address in the last hour (more than "
        f"{settings.INBOUND_EMAIL_LIMIT_PER_HOUR}): held for review as multiple contacts."
    )


# 3. Adding to a case, answering ----------------------------------------------------------


def check_letter_files(letter: Letter, *, policy: UploadPolicy) -> tuple[list[Any], list[str]]:
    """The message's files that pass ``policy`` (checked by content as any upload; once
    attached they are scanned for malware), and the reasons for those refused. Each file's
    entry on the row says which."""
    accepted, refused = [], []
    for entry, file in zip(letter.inbound.attachments, letter.files(), strict=True):
        try:
            accepted += check_files([file], policy=policy)
        except UploadRefused as refusal:
            entry["outcome"] = f"Refused: {refusal}"
            refused.append(str(refusal))
        else:
            entry["outcome"] = "Attached to the case"
    return accepted, refused


def refused_files_note(refused: list[str]) -> str:
    if not refused:
        return ""
    lines = "\n".join(f"* {reason}" for reason in refused)
    return f"\n\nThese files were not accepted:\n{lines}"


def add_to_case(
    case: Any,
    letter: Letter,
    *,
    policy: UploadPolicy = EMAIL_ATTACHMENTS,
    to: list[Any] | None = None,
) -> Outcome:
    """The kit's way to add a message to a case of a type without correspondence of its
    own: the message (this row) is the case's message by email; its files that pass
    ``policy`` are attached; whoever works the case (``to``, or ``workers_of``) is told;
    the sender is answered."""
    by = letter.officer
    checked, refused = check_letter_files(letter, policy=policy)
    attach_files(case, checked, policy=policy, by=by)
    audit.record(case, "emailed", by=by, summary=f"Email from {letter.sender}"[:300])
    tell_workers(case, letter, to=to)
    return Outcome(
        Status.ADDED,
        f"Added to {case.reference}.",
        case=case,
        reply=f"Thank you: your email has been added to {case.reference}. Keep "
        f"[{case.reference}] in the subject of any email about it." + refused_files_note(refused),
        reply_to=reply_recipient(letter),
    )


def workers_of(case: Any) -> list[Any]:
    """Whoever works ``case``: the person it is assigned to, else the staff roles whose
    permissions let them change cases of its type."""
    if getattr(case, "assigned_to_id", None):
        return [case.assigned_to]
    from portal.accounts.roles import ROLES

    meta = case._meta
    wanted = f"{meta.app_label}.change_{meta.model_name}"
    return [Role(role) for role, permissions in ROLES.items() if wanted in permissions]


def tell_workers(case: Any, letter: Letter, *, to: list[Any] | None = None) -> None:
    subject, body = render_notice(
        "notices/mailin/case-email_team.txt",
        case=case,
        sender=letter.sender,
        text=letter.text()[:4000],
        link=f"{settings.PORTAL_BASE_URL}{case.get_absolute_url()}",
    )
    notify(
        key=f"mailin:{letter.inbound.pk}:case",
        kind="message",
        to=to if to is not None else workers_of(case),
        subject=subject,
        body=body,
        reference=case.reference,
        url=case.get_absolute_url(),
    )


def reply_recipient(letter: Letter) -> Any:
    """Whom an answer goes to: the account whose address on record sent it (so a forged
    From reaches the real person), else the sender's address; never a ``Reply-To``."""
    if letter.officer is not None:
        return letter.officer
    user = (
        get_user_model()
        .objects.filter(email__iexact=letter.sender, is_active=True, is_staff=False)
        .first()
    )
    return user or address_or_none(letter.sender, name=letter.read.sender_name)


def address_or_none(email: str, *, name: str = "") -> Address | None:
    """An address to answer, or None for one mail can be sent from but not to (no dot in
    its domain, say): the message is still taken in, only not answered."""
    try:
        return Address(email, name=name)
    except ValueError:
        return None


def _answer(row: InboundEmail, outcome: Outcome) -> None:
    """The answer to the sender, threaded to their message so that their reply comes back
    to the case: ``In-Reply-To`` their Message-ID, ``References`` the thread, the case's
    reference in the subject, marked as an automatic answer (RFC 3834)."""
    references = [r for r in row.references.split() if r != row.message_id][-10:]
    headers = {"Auto-Submitted": "auto-replied"}
    if row.message_id:
        headers["In-Reply-To"] = row.message_id
        headers["References"] = " ".join([*references, row.message_id])
    if settings.INBOUND_EMAIL_ADDRESSES:
        headers["Reply-To"] = settings.INBOUND_EMAIL_ADDRESSES[0]
    subject = outcome.subject or _reply_subject(row.subject, row.case_reference)
    notify(
        key=f"mailin:{row.pk}:reply",
        kind="inbound",
        to=[outcome.reply_to],
        subject=subject,
        body=outcome.reply,
        reference=row.case_reference,
        url="",
        headers=headers,
    )


def _reply_subject(subject: str, reference: str) -> str:
    subject = " ".join((subject or "").split())
    if reference and f"[{reference}]".lower() not in subject.lower():
        subject = f"[{reference}] {subject}".strip()
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}" if subject else "Re: your email"
    return subject

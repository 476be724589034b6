"""Notices: sending them (``notify``), reading them, and choosing what comes by email.

A case's steps are told through the kit (``portal.cases.notices``: ``tell``, ``tell_centre``,
``tell_team``), whose texts are templates; underneath, and for anything else::

    from portal.notifications import Address, Officers, Role, notify

    notify(
        key=f"complaint:{complaint.pk}:assigned",       # the event: once per person, ever
        kind="complaint",                               # declared in an AppConfig's notice_kinds
        to=[Officers(complaint.centre), Role("Complaints investigator"), complaint.raised_by,
            Address("parent@example.org", name="A. Parent")],
        subject=f"{complaint.reference}: assigned to an investigator",
        body=render_to_string("notices/complaints/complaint/assigned_team.txt", context),
        reference=complaint.reference,
        url=complaint.get_absolute_url(),
    )

Call it inside the transaction that takes the step: the inbox rows and the emails are rows
of that transaction, so a step rolled back notifies nobody, and an email is never lost to a
broker that is down at the commit (a sender is kicked after the commit, and a beat entry
drains whatever is waiting every few seconds anyway).

Reading: ``mark_read`` and ``mark_all_read`` are each a single conditional ``UPDATE ...
WHERE read_at IS NULL``: a notice read twice keeps the time it was first read.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.errors import PortalError
from portal.notifications.kinds import check_kind, kind_choices, kind_label
from portal.notifications.models import Email, EmailOptOut, Notification
from portal.notifications.recipients import Recipient, resolve_many
from portal.notifications.unsubscribe import unsubscribe_headers, unsubscribe_url

log = logging.getLogger(__name__)

SUBJECT_MAX = 200


@dataclass
class Event:
    """One event to tell people about: the arguments of ``notify``, for ``notify_all``."""

    key: str
    kind: str
    to: Iterable[Recipient]
    subject: str
    body: str
    reference: str = ""
    code: str = ""
    url: str = ""
    html: str | None = None
    headers: dict[str, str] | None = None
    # A mailing to many (a newsletter): each person's email carries a one-click link, in its
    # text and its headers, that stops this kind of email (portal.notifications.unsubscribe).
    unsubscribe: bool = False

    def __post_init__(self):
        check_kind(self.kind)
        self.headers = checked_headers(self.headers or {})
        if not self.key or len(self.key) > 120:
            raise ValueError(f"A notice's key names its event in 1 to 120 characters: {self.key!r}")
        for name, limit in (("reference", 40), ("code", 60), ("url", 300)):
            if len(getattr(self, name)) > limit:
                raise ValueError(f"A notice's {name} is at most {limit} characters.")
        # A subject is one line (a line break in an email header is an injection).
        subject = " ".join((self.subject or "").split())
        if not subject:
            raise ValueError("A notice needs a subject.")
        if len(subject) > SUBJECT_MAX:
            subject = subject[: SUBJECT_MAX - 1].rstrip() + "…"
        self.subject = subject


def notify(
    *,
    key: str,
    kind: str,
    to: Iterable[Recipient],
    subject: str,
    body: str,
    reference: str = "",
    code: str = "",
    url: str = "",
    html: str | None = None,
    headers: dict[str, str] | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Tell ``to`` about the event ``key``; answer how many deliveries were added (inbox
    notices plus emails). Calling it again for the same event adds nothing.

    Everyone with an account gets the notice in their inbox, and by email unless they
    chose not to for this kind; an ``Address`` gets the email only. ``url`` is the case's
    path in the portal, for the inbox; put the full link in ``body`` (and ``html``) for
    the email. ``headers`` (only those of ``THREAD_HEADERS``) go on the email as they are:
    a reply threaded to a message that came in by email.
    """
    event = Event(
        key=key, kind=kind, to=to, subject=subject, body=body, reference=reference,
        code=code, url=url, html=html, headers=headers,
    )  # fmt: skip
    return notify_all([event], at=at)


def notify_all(events: list[Event], *, at: dt.datetime | None = None) -> int:
    """``notify`` for many events at once, in a handful of queries whatever their number.

    Steps: resolve every event's recipients together; read who already has each event (a
    retry adds nothing) and who opted out of email for its kind; insert the inbox notices
    and the emails in bulk (a unique constraint stops a concurrent duplicate); after the
    commit, kick a sender.
    """
    if not events:
        return 0
    at = at or timezone.now()
    keys = {event.key for event in events}
    if len(keys) != len(events):
        raise ValueError("Each event in one call needs its own key.")
    resolved = resolve_many([event.to for event in events])
    people = {person.id for r in resolved for person in r.people}
    kinds = {event.kind for event in events}
    opted_out = set(
        EmailOptOut.objects.filter(user_id__in=people, kind__in=kinds).values_list(
            "user_id", "kind"
        )
    )
    have_notice = set(
        Notification.objects.filter(key__in=keys, user_id__in=people).values_list("user_id", "key")
    )
    have_email = {
        (address.lower(), key)
        for address, key in Email.objects.filter(key__in=keys).values_list("address", "key")
    }
    notices, emails = [], []
    for event, recipients in zip(events, resolved, strict=True):
        for person in recipients.people:
            by_email = bool(person.email) and (person.id, event.kind) not in opted_out
            if (person.id, event.key) not in have_notice:
                notices.append(
                    Notification(user_id=person.id, kind=event.kind, reference=event.reference,
                                 code=event.code, url=event.url, subject=event.subject,
                                 body=event.body, key=event.key, created_at=at,
                                 emailed_at=at if by_email else None)
                )  # fmt: skip
            if by_email and (person.email.lower(), event.key) not in have_email:
                have_email.add((person.email.lower(), event.key))
                emails.append(_email(event, person.email, user_id=person.id, at=at))
                if event.unsubscribe:
                    _add_unsubscribe(emails[-1], user_id=person.id)
        for address in recipients.addresses:
            if (address.email.lower(), event.key) not in have_email:
                have_email.add((address.email.lower(), event.key))
                emails.append(_email(event, address.email, name=address.name, at=at))
    with transaction.atomic():
        Notification.objects.bulk_create(notices, batch_size=1000, ignore_conflicts=True)
        Email.objects.bulk_create(emails, batch_size=1000, ignore_conflicts=True)
        if emails:
            transaction.on_commit(kick_sender)
    return len(notices) + len(emails)


def _email(event: Event, address: str, *, at, user_id=None, name="") -> Email:
    return Email(
        key=event.key, kind=event.kind, address=address, name=name, user_id=user_id,
        subject=event.subject, body=event.body, html=event.html or "", created_at=at,
        headers=event.headers or {},
    )  # fmt: skip


def _add_unsubscribe(email: Email, *, user_id: int) -> None:
    url = unsubscribe_url(user_id, email.kind)
    email.body += (
        f"\n\n--\nYou receive this because your email choices include "
        f"“{kind_label(email.kind)}”. To stop these emails: {url}"
    )
    email.headers = {**(email.headers or {}), **unsubscribe_headers(url)}


# The headers an email may carry besides its own: those that thread a reply to a message
# that came in (RFC 5322), point replies at the address that reads them, and mark an
# automatic answer so that other robots do not answer it (RFC 3834).
THREAD_HEADERS = ("In-Reply-To", "References", "Reply-To", "Auto-Submitted")
HEADER_MAX = 998


def checked_headers(headers: dict[str, str]) -> dict[str, str]:
    """``headers`` as they may go out: known names only, each value one printable ASCII
    line (a value from a message that came in must never write a header of its own)."""
    checked = {}
    for name, value in headers.items():
        if name not in THREAD_HEADERS:
            raise ValueError(f"{name!r} is not a header a notice may set: {THREAD_HEADERS}.")
        value = " ".join(str(value or "").split())
        if not value:
            continue
        if not value.isascii() or not value.isprintable() or len(value) > HEADER_MAX:
            raise ValueError(f"The {name} header must be one line of printable ASCII.")
        checked[name] = value
    return checked


def kick_sender() -> None:
    """Ask a worker to send what is waiting now; if the broker is down, the beat entry
    that drains pending emails sends them a little later. Never raises into a request."""
    from portal.notifications.tasks import send_emails

    try:
        with send_emails.app.producer_or_acquire() as producer:
            # One quick try: kombu would otherwise keep a request waiting for seconds on a
            # broker that is down.
            producer.connection.ensure_connection(max_retries=1, interval_start=0)
            send_emails.apply_async(retry=False, producer=producer)
    except Exception:
        log.warning("Could not kick the email sender; the beat entry will send", exc_info=True)


# Reading ----------------------------------------------------------------------------------


def mark_read(notification: Notification, *, by) -> Notification:
    """Mark one of ``by``'s notices as read; a notice already read is left as it was."""
    if notification.user_id != by.pk:
        raise PortalError("Only the person a notice was sent to can mark it as read.")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    """Mark every unread notice of ``user`` as read; answer how many changed."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.for_user(user).unread().count()


# Email preferences ------------------------------------------------------------------------


def emailed_kinds(user) -> list[str]:
    """The kinds ``user`` receives by email as well as in the inbox."""
    out = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return [code for code, _ in kind_choices() if code not in out]


def set_emailed_kinds(user, *, kinds: Iterable[str]) -> list[str]:
    """Email ``user`` the ``kinds`` given and no others; answer the kinds now emailed."""
    wanted = {check_kind(kind) for kind in kinds}
    with transaction.atomic():
        EmailOptOut.objects.filter(user=user).delete()
        EmailOptOut.objects.bulk_create(
            EmailOptOut(user=user, kind=code) for code, _ in kind_choices() if code not in wanted
        )
    return emailed_kinds(user)


def stop_emailing(user, *, kind: str) -> bool:
    """Stop emailing ``user`` notices of ``kind`` (the inbox still has them); answer whether
    anything changed. Stopping twice is harmless."""
    check_kind(kind)
    try:
        with transaction.atomic():
            _, created = EmailOptOut.objects.get_or_create(user=user, kind=kind)
    except IntegrityError:
        return False  # stopped a moment ago by the same person's other click
    return created

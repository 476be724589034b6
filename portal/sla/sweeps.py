"""The sweep: missed deadlines, reminders that are due, and the sending of their notices.

Each pass reads a bounded batch through a partial index, so a sweep costs what is due, not
what exists. Notices go out exactly once: a notice's identity is unique in the database,
a sender claims it with a conditional update (and, on PostgreSQL, skips rows another
sweep holds), and an in-portal notification is unique per person and notice. An email is
claimed before it is sent, so a retry never sends it twice.
"""

import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from portal.calendar import LONDON, local_time, working_calendar
from portal.core.models import AuditEvent
from portal.notifications.models import Notification
from portal.sla.models import Clock, Notice
from portal.sla.services import next_remind_at, reminder_schedule

log = logging.getLogger(__name__)

BATCH_SIZE = 500
# A sweep stops after this many batches per pass, well inside the beat interval; the next
# sweep carries on where it stopped.
MAX_BATCHES = 40
# A sweep stops claiming notices after this many seconds, so that it ends near the beat
# interval and its claims, all dated at the sweep's start, never look stale to the next one.
SEND_BUDGET_SECONDS = 40
# A notice claimed this long ago whose sender never finished is claimed again, up to
# MAX_ATTEMPTS claims in all; after that it stays "being sent" for staff to look into.
STALE_CLAIM = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5


@dataclass
class SweepResult:
    breached: int = 0
    reminders: int = 0
    sent: int = 0
    dropped: int = 0


def sweep(*, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> SweepResult:
    """One sweep of the clocks at ``now``.

    Steps: mark the running clocks past their due instant as breached and queue their
    breach notices; queue the reminders whose time has come (deferred to office hours of
    whoever receives them); claim and send the notices that are ready, including those
    whose earlier sender died.
    """
    now = now or timezone.now()
    result = SweepResult()
    for _ in range(MAX_BATCHES):
        done = breach_due_clocks(now=now, limit=batch_size)
        result.breached += done
        if done < batch_size:
            break
    for _ in range(MAX_BATCHES):
        done = queue_due_reminders(now=now, limit=batch_size)
        result.reminders += done
        if done < batch_size:
            break
    stop_claiming = time.monotonic() + SEND_BUDGET_SECONDS
    while time.monotonic() < stop_claiming:
        claimed = claim_notices(now=now, limit=batch_size)
        for notice_id in claimed:
            try:
                outcome = deliver_notice(notice_id, claimed_at=now)
            except Exception:
                # One notice that cannot be sent must not hold up the others; its claim goes
                # stale and a later sweep tries again, up to MAX_ATTEMPTS times.
                log.exception("Could not send notice %s", notice_id)
                continue
            result.sent += outcome == Notice.State.SENT
            result.dropped += outcome == Notice.State.DROPPED
        if len(claimed) < batch_size:
            break
    return result


def breach_due_clocks(*, now: dt.datetime, limit: int) -> int:
    """Breach one batch of due running clocks; answer how many this call took."""
    with transaction.atomic():
        # SKIP LOCKED: a concurrent sweep takes the next batch instead of waiting for this one.
        due = list(
            Clock.objects.due(now)
            .order_by("due_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", "round", "code", "due_at")[:limit]
        )
        if not due:
            return 0
        ids = [pk for pk, *_ in due]
        # The conditional update is what makes a second sweep (or SQLite) harmless.
        Clock.objects.filter(pk__in=ids, state=Clock.State.RUNNING).update(
            state=Clock.State.BREACHED, breached_at=F("due_at"), remind_at=None
        )
        Notice.objects.bulk_create(
            [
                Notice(clock_id=pk, kind=Notice.Kind.BREACH, round=round_, created_at=now,
                       send_after=now)
                for pk, round_, _, _ in due
            ],
            ignore_conflicts=True,
        )  # fmt: skip
        clock_type = ContentType.objects.get_for_model(Clock)
        AuditEvent.objects.bulk_create(
            AuditEvent(
                at=now,
                action="status",
                content_type=clock_type,
                object_id=str(pk),
                summary=f"{code}: running → breached",
                data={"from": "running", "to": "breached", "due_at": due_at.isoformat()},
            )
            for pk, _, code, due_at in due
        )
    return len(due)


def queue_due_reminders(*, now: dt.datetime, limit: int) -> int:
    """Queue the reminders of one batch of running clocks whose reminder time has come.

    When a sweep was missed, only the latest reminder that passed is queued: two reminders
    for one deadline on the same morning help nobody.
    """
    cal = working_calendar()
    with transaction.atomic():
        clocks = list(
            Clock.objects.reminders_due(now)
            .order_by("remind_at")
            .select_related("service_level", "centre")
            .select_for_update(skip_locked=True, of=("self",))[:limit]
        )
        notices = []
        for clock in clocks:
            rule = clock.service_level
            passed = [step for step, at in reminder_schedule(clock, rule) if at <= now]
            if passed:
                zone = clock.centre.zone if rule.centre_responsible and clock.centre else LONDON
                notices.append(
                    Notice(
                        clock=clock,
                        kind=Notice.Kind.REMINDER,
                        round=clock.round,
                        step=passed[-1],
                        created_at=now,
                        send_after=cal.next_office_hour(now, zone),
                    )
                )
            clock.remind_at = next_remind_at(clock, rule, after=now)
        Notice.objects.bulk_create(notices, ignore_conflicts=True)
        for notice in notices:
            # A reminder still waiting for office hours (queued on a Friday night, say) is
            # replaced by the newer one for the same deadline: one reminder on Monday
            # morning, not two. Only pending ones: a notice already claimed is a sender's.
            Notice.objects.filter(
                clock_id=notice.clock_id,
                kind=Notice.Kind.REMINDER,
                round=notice.round,
                state=Notice.State.PENDING,
            ).exclude(step=notice.step).update(state=Notice.State.DROPPED)
        Clock.objects.bulk_update(clocks, ["remind_at"])
    return len(clocks)


def claim_notices(*, now: dt.datetime, limit: int) -> list[int]:
    """Claim a batch of notices to send: ready ones, then those whose sender died."""
    claimed = []
    with transaction.atomic():
        ready = Notice.objects.ready(now).order_by("send_after")
        stale = (
            Notice.objects.stale(now - STALE_CLAIM)
            .filter(attempts__lt=MAX_ATTEMPTS)
            .order_by("claimed_at")
        )
        for candidates in (ready, stale):
            rows = candidates.select_for_update(skip_locked=True).values_list(
                "pk", "state", "claimed_at"
            )[: limit - len(claimed)]
            for pk, state, claimed_at in rows:
                # Only the sweep whose update changes the row owns the notice.
                if Notice.objects.filter(pk=pk, state=state, claimed_at=claimed_at).update(
                    state=Notice.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
                ):
                    claimed.append(pk)
            if len(claimed) >= limit:
                break
    return claimed


def deliver_notice(notice_id: int, *, claimed_at: dt.datetime) -> str | None:
    """Send a claimed notice; answer what became of it ("sent" or "dropped" when no longer
    needed), or None when the claim was lost to another sweep.

    Steps: drop a reminder whose clock stopped meanwhile; in one transaction add an
    in-portal notification for each recipient who lacks one (unique per person, so a retry
    adds nothing), claim their emails and mark the notice sent, but only while the claim is
    still ours; after commit, send the claimed emails.
    """
    notice = (
        Notice.objects.select_related("clock__service_level", "clock__centre")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        return None
    clock = notice.clock
    mine = Notice.objects.filter(pk=notice_id, state=Notice.State.SENDING, claimed_at=claimed_at)
    outdated = notice.round != clock.round or clock.state != Clock.State.RUNNING
    if notice.kind == Notice.Kind.REMINDER and outdated:
        dropped = mine.update(state=Notice.State.DROPPED, sent_at=claimed_at)
        return Notice.State.DROPPED if dropped else None
    recipients, zone = _recipients(notice)
    case = clock.case
    path = case.get_absolute_url() if case is not None else ""
    key = f"sla:notice:{notice.pk}"
    context = {
        "notice": notice,
        "clock": clock,
        "rule": clock.service_level,
        "due": local_time(clock.due_at, zone),
        "zone": zone,
        "url": f"{settings.PORTAL_BASE_URL}{path}",
        "portal_name": settings.PORTAL_NAME,
    }
    subject = " ".join(render_to_string("sla/email/notice_subject.txt", context).split())
    body = render_to_string("sla/email/notice.txt", context)
    html = render_to_string("sla/email/notice.html", context)
    with transaction.atomic():
        if not mine.update(state=Notice.State.SENT, sent_at=timezone.now()):
            return None
        # Those notified by an earlier attempt that died keep what they had; in particular
        # their email was claimed then, and is never sent twice.
        already = (
            set(Notification.objects.filter(key=key).values_list("user_id", flat=True))
            if notice.attempts > 1
            else set()
        )
        new = [user for user in recipients if user.pk not in already]
        Notification.objects.bulk_create(
            [
                Notification(user=user, kind=notice.kind, reference=clock.reference,
                             code=clock.code, url=path, subject=subject[:200], body=body,
                             key=key, created_at=claimed_at,
                             emailed_at=claimed_at if user.email else None)
                for user in new
            ]
        )  # fmt: skip
        addresses = [user.email for user in new if user.email]
        transaction.on_commit(lambda: _email(key, addresses, subject=subject, body=body, html=html))
    return Notice.State.SENT


def _recipients(notice: Notice):
    users = get_user_model().objects.filter(is_active=True)
    clock, rule = notice.clock, notice.clock.service_level
    if notice.kind == Notice.Kind.REMINDER and rule.centre_responsible:
        if clock.centre is None:
            return [], LONDON
        return list(users.filter(memberships__centre=clock.centre).distinct()), clock.centre.zone
    roles = rule.breach_roles if notice.kind == Notice.Kind.BREACH else [rule.responsible]
    return list(users.filter(is_staff=True, groups__name__in=roles).distinct()), LONDON


def _email(key: str, addresses: list[str], *, subject: str, body: str, html: str) -> None:
    # One message per person: recipients never see each other's addresses.
    for address in addresses:
        message = EmailMultiAlternatives(subject, body, to=[address])
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except Exception:
            # The in-portal notice stands; the email was claimed and is not tried again.
            log.exception("Could not email notice %s to %s", key, address)

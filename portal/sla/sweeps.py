"""The sweep: missed deadlines, reminders that are due, and the sending of their notices.

Each pass reads a bounded batch through a partial index, so a sweep costs what is due, not
what exists. Notices go out exactly once: a notice's identity is unique in the database,
a sender claims it with a conditional update (and, on PostgreSQL, skips rows another
sweep holds), and the notices are delivered through ``portal.notifications.notify_all``:
an inbox notice is unique per person and notice, an email per address and notice, and an
email is claimed by its sender before it goes out, so a retry never sends it twice.
"""

import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Min
from django.template.loader import render_to_string
from django.utils import timezone

from portal.calendar import LONDON, local_time, working_calendar
from portal.core.models import AuditEvent
from portal.notifications.recipients import Officers, Role
from portal.notifications.services import Event, notify_all
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
        outcomes = deliver_notices(claimed, claimed_at=now).values()
        result.sent += sum(outcome == Notice.State.SENT for outcome in outcomes)
        result.dropped += sum(outcome == Notice.State.DROPPED for outcome in outcomes)
        if len(claimed) < batch_size:
            break
    return result


def next_work_at() -> dt.datetime | None:
    """The first instant at which a sweep would find work as the tables stand now: a running
    clock's due instant or reminder time, a pending notice's time to send, a claim going
    stale (None: nothing waits). A sweep before it changes nothing, so whoever replays time
    (the demo's history) sweeps only from it on, and asks again after anything changes."""
    clocks = Clock.objects.filter(state=Clock.State.RUNNING).aggregate(
        due=Min("due_at"), remind=Min("remind_at")
    )
    pending = Notice.objects.filter(state=Notice.State.PENDING).aggregate(at=Min("send_after"))
    claimed = Notice.objects.filter(
        state=Notice.State.SENDING, attempts__lt=MAX_ATTEMPTS
    ).aggregate(at=Min("claimed_at"))
    instants = [clocks["due"], clocks["remind"], pending["at"]]
    if claimed["at"] is not None:
        instants.append(claimed["at"] + STALE_CLAIM)
    return min((at for at in instants if at is not None), default=None)


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
    """Send one claimed notice; answer what became of it ("sent", or "dropped" when no
    longer needed), or None when the claim was lost to another sweep."""
    return deliver_notices([notice_id], claimed_at=claimed_at).get(notice_id)


def deliver_notices(notice_ids: list[int], *, claimed_at: dt.datetime) -> dict[int, str | None]:
    """Send a batch of notices claimed at ``claimed_at``; answer each one's outcome.

    Steps: drop the reminders whose clock stopped meanwhile; write each notice's words;
    in one transaction keep only the notices whose claim is still ours, mark them sent (or
    dropped) and hand them to ``notify_all``, which adds the inbox notices and queues the
    emails (unique per person and notice, so a retry after a crash adds nothing). The
    emails go out after the commit.
    """
    notices = (
        Notice.objects.select_related("clock__service_level", "clock__centre")
        .prefetch_related("clock__case")
        .filter(pk__in=notice_ids, state=Notice.State.SENDING, claimed_at=claimed_at)
        .order_by("pk")
    )
    dropped, events = [], {}
    for notice in notices:
        clock = notice.clock
        outdated = notice.round != clock.round or clock.state != Clock.State.RUNNING
        if notice.kind == Notice.Kind.REMINDER and outdated:
            dropped.append(notice.pk)
            continue
        try:
            events[notice.pk] = _event(notice)
        except Exception:
            # One notice that cannot be written must not hold up the others; its claim
            # goes stale and a later sweep tries again, up to MAX_ATTEMPTS times.
            log.exception("Could not write notice %s", notice.pk)
    outcomes: dict[int, str | None] = {pk: None for pk in notice_ids}
    with transaction.atomic():
        # Only the sweep that still holds the claim sends; a slow one that lost it to a
        # later sweep (its claim went stale) finds nothing here.
        mine = set(
            Notice.objects.select_for_update()
            .filter(pk__in=[*dropped, *events], state=Notice.State.SENDING, claimed_at=claimed_at)
            .values_list("pk", flat=True)
        )
        gone = [pk for pk in dropped if pk in mine]
        sent = [pk for pk in events if pk in mine]
        Notice.objects.filter(pk__in=gone).update(state=Notice.State.DROPPED, sent_at=claimed_at)
        Notice.objects.filter(pk__in=sent).update(state=Notice.State.SENT, sent_at=timezone.now())
        notify_all([events[pk] for pk in sent], at=claimed_at)
    outcomes.update(dict.fromkeys(gone, Notice.State.DROPPED))
    outcomes.update(dict.fromkeys(sent, Notice.State.SENT))
    return outcomes


def _event(notice: Notice) -> Event:
    """The notice in words, to whom it goes: the centre's officers for a reminder of what
    the centre must do (in the centre's time zone), else the rule's staff roles."""
    clock, rule = notice.clock, notice.clock.service_level
    if notice.kind == Notice.Kind.REMINDER and rule.centre_responsible:
        to = [Officers(clock.centre)] if clock.centre else []
        zone = clock.centre.zone if clock.centre else LONDON
    else:
        roles = rule.breach_roles if notice.kind == Notice.Kind.BREACH else [rule.responsible]
        to, zone = [Role(name) for name in roles if name], LONDON
    case = clock.case
    path = case.get_absolute_url() if case is not None else ""
    context = {
        "notice": notice,
        "clock": clock,
        "rule": rule,
        "due": local_time(clock.due_at, zone),
        "zone": zone,
        "url": f"{settings.PORTAL_BASE_URL}{path}",
        "portal_name": settings.PORTAL_NAME,
    }
    return Event(
        key=f"sla:notice:{notice.pk}",
        kind=notice.kind,
        to=to,
        subject=render_to_string("sla/email/notice_subject.txt", context),
        body=render_to_string("sla/email/notice.txt", context),
        html=render_to_string("sla/email/notice.html", context),
        reference=clock.reference,
        code=clock.code,
        url=path,
    )

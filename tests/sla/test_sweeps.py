import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from portal.celery import app as celery_app
from portal.notifications.models import Notification
from portal.sla import tasks
from portal.sla.models import Clock, Notice
from portal.sla.services import start_clock, stop_clock
from portal.sla.sweeps import breach_due_clocks, claim_notices, deliver_notice, sweep
from tests.sla.conftest import london, make_case, run_at_once

pytestmark = pytest.mark.django_db

CHRISTMAS_EVE = london(2026, 12, 24, 10)
ACK_DUE = dt.datetime.combine(dt.date(2026, 12, 30), dt.time.max, tzinfo=CHRISTMAS_EVE.tzinfo)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Sweep at ``now`` and let the emails queued after commit go out."""

    def run(now, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep(now=now, **kwargs)

    return run


def inbox(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(user=user).values_list("kind", "code"))


# Breach -----------------------------------------------------------------------------------


def test_sweep_before_the_due_instant_breaches_nothing(case, send, investigator):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    result = send(ACK_DUE)
    assert (result.breached, Clock.objects.get().state) == (0, "running")


def test_sweep_after_the_due_instant_breaches_once_and_tells_the_rules_roles(
    case, send, investigator, customer_services, officer_gb
):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    result = send(ACK_DUE + dt.timedelta(seconds=1))
    clock = Clock.objects.get()
    assert (result.breached, result.sent) == (1, 1)
    assert (clock.state, clock.breached_at, clock.stopped_at) == ("breached", ACK_DUE, None)
    assert inbox(investigator) == inbox(customer_services) == [("breach", "complaint.acknowledge")]
    assert inbox(officer_gb) == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [investigator.email, customer_services.email]
    )

    again = send(ACK_DUE + dt.timedelta(minutes=1))
    assert (again.breached, again.sent, len(mail.outbox)) == (0, 0, 2)
    assert Notification.objects.count() == 2


def test_breach_notice_links_to_the_case_in_text_and_html(case, send, investigator):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    send(ACK_DUE + dt.timedelta(seconds=1))
    notification = Notification.objects.get()
    assert (notification.reference, notification.url) == (case.reference, case.get_absolute_url())
    message = mail.outbox[0]
    assert message.subject == f"Deadline missed: {case.reference}, acknowledge a complaint"
    assert f"http://127.0.0.1:8000/entries/{case.pk}/" in message.body
    assert "Wed 30 Dec 2026, 23:59 (Europe/London)" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="http://127.0.0.1:8000/entries/{case.pk}/"' in html


def test_sweep_of_a_clock_stopped_in_time_sends_nothing(case, send, investigator):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    stop_clock(case, code="complaint.acknowledge", at=ACK_DUE)
    result = send(ACK_DUE + dt.timedelta(days=1))
    assert (result.breached, result.sent, Notification.objects.count()) == (0, 0, 0)


# Reminders --------------------------------------------------------------------------------


def test_reminder_to_staff_waits_for_london_office_hours(case, send, customer_services):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    # Its reminder falls 24 hours before the due instant: 23:59 on Tuesday 29 December.
    queued = send(london(2026, 12, 30, 0, 1))
    assert (queued.reminders, queued.sent) == (1, 0)
    assert Notice.objects.get().send_after == london(2026, 12, 30, 9)
    assert send(london(2026, 12, 30, 8, 59)).sent == 0
    assert send(london(2026, 12, 30, 9)).sent == 1
    assert inbox(customer_services) == [("reminder", "complaint.acknowledge")]
    assert Clock.objects.get().remind_at is None


def test_reminder_to_a_centre_goes_out_in_its_own_office_hours(
    send, centre_gb, centre_pk, officer_gb, officer_pk
):
    case_gb, case_pk = make_case(centre_gb), make_case(centre_pk)
    for one in (case_gb, case_pk):
        start_clock(one, code="qa.evidence", at=london(2026, 6, 1, 12))
    # The 48-hour reminder falls at 23:59 on Thursday 4 June in London, 03:59 on Friday in
    # Karachi: neither centre hears of it at night.
    assert send(london(2026, 6, 5, 0, 1)).reminders == 2
    assert send(london(2026, 6, 5, 4, 59)).sent == 0
    assert send(london(2026, 6, 5, 5, 0)).sent == 1
    assert (inbox(officer_pk), inbox(officer_gb)) == ([("reminder", "qa.evidence")], [])
    assert send(london(2026, 6, 5, 9, 0)).sent == 1
    assert inbox(officer_gb) == [("reminder", "qa.evidence")]
    karachi = next(m for m in mail.outbox if m.to == [officer_pk.email])
    assert "Sun 7 Jun 2026, 03:59 (Asia/Karachi)" in karachi.body


def test_reminder_that_would_reach_a_centre_after_the_deadline_is_dropped(
    send, case, officer_gb, specialist
):
    start_clock(case, code="qa.evidence", at=london(2026, 6, 1, 12))
    send(london(2026, 6, 5, 9, 0))
    # The 24-hour reminder falls on Friday night; the next office hour is Monday, too late.
    assert send(london(2026, 6, 6, 0, 1)).reminders == 1
    result = send(london(2026, 6, 8, 9, 0))
    assert (result.breached, result.sent, result.dropped) == (1, 1, 1)
    assert inbox(officer_gb) == [("reminder", "qa.evidence")]
    assert inbox(specialist) == [("breach", "qa.evidence")]


def test_reminders_missed_while_the_sweep_was_down_send_only_the_latest(
    case, send, customer_services
):
    start_clock(case, code="complaint.respond", at=london(2027, 3, 19, 15))
    # Reminders at 72 and 24 hours before Tuesday 6 April; the sweep comes back on the 6th.
    result = send(london(2027, 4, 6, 10))
    assert (result.reminders, result.sent) == (1, 1)
    assert list(Notice.objects.values_list("kind", "step")) == [("reminder", 1)]


def test_reminders_deferred_to_the_same_morning_send_only_the_newer(case, send, investigator):
    start_clock(case, code="complaint.respond", at=london(2027, 3, 1, 10))
    # Due at the end of Monday 15 March: the 72-hour reminder falls on Friday night, the
    # 24-hour one on Sunday night, and both would wait for Monday 09:00.
    assert send(london(2027, 3, 13, 0, 1)).reminders == 1
    assert send(london(2027, 3, 15, 0, 1)).reminders == 1
    result = send(london(2027, 3, 15, 9, 0))
    assert result.sent == 1
    assert inbox(investigator) == [("reminder", "complaint.respond")]
    assert sorted(Notice.objects.values_list("step", "state")) == [(0, "dropped"), (1, "sent")]


# Exactly once -----------------------------------------------------------------------------


def test_stale_claim_of_a_dead_sender_is_retried_exactly_once(case, send, investigator):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    died_at = ACK_DUE + dt.timedelta(seconds=1)
    breach_due_clocks(now=died_at, limit=10)
    # A worker claims the breach notice and dies before sending it.
    assert len(claim_notices(now=died_at, limit=10)) == 1
    assert send(died_at + dt.timedelta(minutes=5)).sent == 0
    assert send(died_at + dt.timedelta(minutes=11)).sent == 1
    assert send(died_at + dt.timedelta(minutes=30)).sent == 0
    assert (Notification.objects.count(), len(mail.outbox)) == (1, 1)
    assert Notice.objects.get().attempts == 2


def test_sla_sweep_command_runs_one_sweep(case, capsys, investigator):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    with time_machine.travel(ACK_DUE + dt.timedelta(hours=1), tick=False):
        call_command("sla_sweep")
    assert capsys.readouterr().out == (
        "1 breached, 0 reminders queued, 1 notices sent, 0 no longer needed.\n"
    )


def test_sweep_task_is_registered_under_the_beat_schedules_name(case, investigator, settings):
    assert settings.CELERY_BEAT_SCHEDULE["sla-sweep"]["task"] == "portal.sla.sweep"
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    with time_machine.travel(ACK_DUE + dt.timedelta(hours=1), tick=False):
        result = celery_app.tasks["portal.sla.sweep"].delay().get()
    assert tasks.sweep_clocks.name == "portal.sla.sweep"
    assert result["breached"] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_send_each_notice_exactly_once(
    centre_gb, investigator, customer_services
):
    # Twenty clocks whose reminder is due, twenty past their deadline; four sweeps at once,
    # each run twice, as overlapping beats and retried tasks would.
    for start in [CHRISTMAS_EVE] * 20 + [london(2026, 12, 21, 10)] * 20:
        start_clock(make_case(centre_gb), code="complaint.acknowledge", at=start)
    now = london(2026, 12, 30, 10)

    _, errors = run_at_once(lambda: [sweep(now=now, batch_size=3) for _ in range(2)])

    assert errors == []
    assert Clock.objects.filter(state="breached").count() == 20
    assert set(Notice.objects.values_list("state", flat=True)) == {"sent"}
    assert (
        sorted(Notice.objects.values_list("kind", flat=True)) == ["breach"] * 20 + ["reminder"] * 20
    )
    # Breaches go to both roles of the rule, reminders to the role responsible.
    assert Notification.objects.count() == 20 * 2 + 20
    assert len(mail.outbox) == 60
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 60


def test_slow_sender_whose_claim_was_taken_over_sends_nothing(case, send, investigator):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    slow_at = ACK_DUE + dt.timedelta(seconds=1)
    breach_due_clocks(now=slow_at, limit=10)
    [notice_id] = claim_notices(now=slow_at, limit=10)
    # Another sweep takes the stale claim over and sends the notice ...
    assert send(slow_at + dt.timedelta(minutes=11)).sent == 1
    # ... so the first sender, waking up at last, finds the notice is no longer its own.
    assert deliver_notice(notice_id, claimed_at=slow_at) is None
    assert (Notification.objects.count(), len(mail.outbox)) == (1, 1)


def test_notice_claimed_too_often_is_left_for_staff(case, send, investigator):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    first_at = ACK_DUE + dt.timedelta(seconds=1)
    breach_due_clocks(now=first_at, limit=10)
    Notice.objects.update(state=Notice.State.SENDING, claimed_at=first_at, attempts=5)
    assert send(first_at + dt.timedelta(hours=1)).sent == 0
    assert Notice.objects.get().state == "sending"


# When the next sweep has work ------------------------------------------------------------


def test_next_work_is_the_first_reminder_or_deadline_and_a_sweep_before_it_changes_nothing(
    case, send, investigator
):
    from portal.sla.sweeps import next_work_at

    assert next_work_at() is None
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    clock = Clock.objects.get()
    first = min(at for at in (clock.due_at, clock.remind_at) if at is not None)
    assert next_work_at() == first

    quiet = send(first - dt.timedelta(seconds=1))
    assert (quiet.breached, quiet.reminders, quiet.sent, Notice.objects.count()) == (0, 0, 0, 0)
    assert next_work_at() == first

    busy = send(ACK_DUE + dt.timedelta(seconds=1))
    assert busy.breached + busy.reminders > 0
    assert Clock.objects.get().state == "breached"


def test_next_work_counts_pending_notices_and_claims_gone_stale(case, investigator):
    from portal.sla.sweeps import MAX_ATTEMPTS, STALE_CLAIM, next_work_at

    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    clock = Clock.objects.get()
    Clock.objects.update(state=Clock.State.MET)
    assert next_work_at() is None

    later = CHRISTMAS_EVE + dt.timedelta(days=3)
    notice = Notice.objects.create(
        clock=clock, kind=Notice.Kind.BREACH, round=clock.round, created_at=later, send_after=later
    )
    assert next_work_at() == later

    claimed_at = later + dt.timedelta(hours=1)
    Notice.objects.filter(pk=notice.pk).update(state=Notice.State.SENDING, claimed_at=claimed_at)
    assert next_work_at() == claimed_at + STALE_CLAIM
    Notice.objects.filter(pk=notice.pk).update(attempts=MAX_ATTEMPTS)
    assert next_work_at() is None  # left for staff to look into, never claimed again

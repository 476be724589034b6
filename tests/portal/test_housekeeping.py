"""The hourly housekeeping: old outbox rows go, old emails keep their row but not their words."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from portal.core.tasks import housekeeping
from portal.notifications import Address
from portal.notifications.models import Email
from portal.notifications.sending import forget_sent_bodies, send_pending
from portal.notifications.services import Event, notify_all
from portal.outbox.models import QueuedTask
from portal.outbox.services import purge_ran

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)


def task(**times) -> QueuedTask:
    return QueuedTask.objects.create(task="portal.example", due_at=NOW, **times)


def test_purge_ran_deletes_only_tasks_that_ran_before_the_keeping_time(settings):
    settings.OUTBOX_KEEP_DAYS = 30
    old = task(ran_at=NOW - dt.timedelta(days=31))
    recent = task(ran_at=NOW - dt.timedelta(days=29))
    failed = task(failed_at=NOW - dt.timedelta(days=400))
    pending = task(queued_at=NOW - dt.timedelta(days=400))

    deleted = purge_ran(now=NOW, batch=1)

    assert deleted == 1
    assert set(QueuedTask.objects.values_list("pk", flat=True)) == {
        recent.pk,
        failed.pk,
        pending.pk,
    }
    assert not QueuedTask.objects.filter(pk=old.pk).exists()


def email(key: str) -> Event:
    return Event(key=key, kind="reminder", to=[Address("head@example.org")],
                 subject="A deadline", body="Dear Head, ...", html="<p>Dear Head</p>")  # fmt: skip


def test_forget_sent_bodies_keeps_the_row_and_forgets_the_words(settings):
    settings.EMAIL_KEEP_DAYS = 180
    with time_machine.travel(NOW - dt.timedelta(days=200), tick=False):
        notify_all([email("old")])
        notify_all([email("unsent")])
        send_pending()
        Email.objects.filter(key="unsent").update(state=Email.State.PENDING, sent_at=None)
    with time_machine.travel(NOW - dt.timedelta(days=10), tick=False):
        notify_all([email("recent")])
        send_pending()

    assert forget_sent_bodies(now=NOW) == 1
    assert forget_sent_bodies(now=NOW) == 0

    words = {row.key: (row.body, row.html) for row in Email.objects.all()}
    assert words["old"] == ("", "")
    assert words["recent"] == ("Dear Head, ...", "<p>Dear Head</p>")
    assert words["unsent"] == ("Dear Head, ...", "<p>Dear Head</p>")


def test_event_repeated_after_its_words_are_forgotten_is_not_emailed_again(settings):
    settings.EMAIL_KEEP_DAYS = 1
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        notify_all([email("once")])
        send_pending()
    forget_sent_bodies(now=NOW)

    notify_all([email("once")], at=NOW)

    assert Email.objects.filter(key="once").count() == 1
    assert Email.objects.get(key="once").state == Email.State.SENT


def test_housekeeping_task_reports_each_step(settings):
    settings.OUTBOX_KEEP_DAYS = 1
    task(ran_at=timezone.now() - dt.timedelta(days=2))

    result = housekeeping.delay().get()

    assert result == {
        "api_tokens": 0,
        "idempotency_keys": 0,
        "outbox_tasks": 1,
        "email_bodies": 0,
    }

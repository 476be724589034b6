import datetime as dt
import logging
import time

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from portal.calendar.models import ClosureDay
from portal.outbox import services
from portal.outbox.models import QueuedTask
from tests.outbox.conftest import broken, close_then_fail, say

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_enqueue_runs_the_task_once_after_commit(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = services.enqueue(say, to="a@example.org", subject="Hello")
        assert mailoutbox == []
    row.refresh_from_db()
    assert [m.subject for m in mailoutbox] == ["Hello"]
    assert (row.task, row.kwargs, row.state, row.attempts) == (
        "tests.outbox.say",
        {"to": "a@example.org", "subject": "Hello"},
        "ran",
        1,
    )
    assert row.published_at is not None and row.ran_at is not None


def test_enqueue_by_name_runs_the_same_task(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.enqueue("tests.outbox.say", to="a@example.org", subject="By name")
    assert [m.subject for m in mailoutbox] == ["By name"]


def test_enqueue_rolled_back_leaves_nothing_queued(mailoutbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.enqueue(say, to="a@example.org", subject="Never")
        raise RuntimeError("the change fails")
    assert (QueuedTask.objects.count(), callbacks, mailoutbox) == (0, [], [])


def test_enqueue_unknown_task_refused():
    with pytest.raises(LookupError, match="No Celery task is registered as 'tests.nothing'"):
        services.enqueue("tests.nothing", a=1)
    assert QueuedTask.objects.count() == 0


def test_enqueue_arguments_that_are_not_json_refused():
    with pytest.raises(TypeError, match="must be JSON values"):
        services.enqueue(say, to="a@example.org", subject=timezone.now())
    assert QueuedTask.objects.count() == 0


def test_run_twice_runs_the_task_once(mailoutbox):
    row = services.enqueue(say, to="a@example.org", subject="Once")
    outcomes = [services.run_queued_task(row.pk), services.run_queued_task(row.pk)]
    row.refresh_from_db()
    assert (outcomes, len(mailoutbox), row.attempts) == (["ran", "skipped"], 1, 1)


def test_run_of_a_deleted_row_does_nothing():
    assert services.run_queued_task(987654) == "skipped"


def test_failure_undoes_the_tasks_writes_and_keeps_the_attempt():
    row = services.enqueue(close_then_fail, day="2026-03-02")
    outcome = services.run_queued_task(row.pk)
    row.refresh_from_db()
    assert (outcome, ClosureDay.objects.count()) == ("retrying", 0)
    assert (row.attempts, row.state, row.last_error) == (
        1,
        "published",
        "RuntimeError: failed after writing",
    )


def test_failure_is_tried_again_later_then_given_up(settings, caplog):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with time_machine.travel(NOW, tick=False) as traveller:
        row = services.enqueue(broken, why="SMTP refused")
        outcomes = [services.run_queued_task(row.pk)]
        row.refresh_from_db()
        assert row.due_at == NOW + dt.timedelta(seconds=30)
        assert services.relay().published == 0
        traveller.shift(dt.timedelta(seconds=30))
        # Tasks run eagerly in tests: publishing runs the second attempt.
        assert services.relay().published == 1
        row.refresh_from_db()
        outcomes.append(row.state)
        assert row.due_at == NOW + dt.timedelta(seconds=90)
        traveller.shift(dt.timedelta(seconds=60))
        with caplog.at_level(logging.ERROR, logger="portal.outbox.services"):
            services.relay()
        row.refresh_from_db()
    assert (outcomes, row.attempts, row.state, row.failed_at) == (
        ["retrying", "published"],
        3,
        "failed",
        NOW + dt.timedelta(seconds=90),
    )
    assert "failed 3 times and is given up" in caplog.text
    assert services.relay().published == 0


def test_requeue_failed_gives_the_attempts_back(settings, mailoutbox):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    row = services.enqueue(broken, why="no")
    services.run_queued_task(row.pk)
    QueuedTask.objects.filter(pk=row.pk).update(
        task="tests.outbox.say", kwargs={"to": "a@b.org", "subject": "Fixed"}
    )
    assert services.requeue_failed() == 1
    assert services.relay().published == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, [m.subject for m in mailoutbox]) == ("ran", 1, ["Fixed"])


def test_relay_leaves_new_rows_to_the_publish_after_commit():
    with time_machine.travel(NOW, tick=False) as traveller:
        services.enqueue(say, to="a@example.org", subject="New")
        assert services.relay().published == 0
        traveller.shift(dt.timedelta(seconds=10))
        assert services.relay().published == 1


def test_relay_publishes_in_bounded_batches(settings, mailoutbox):
    settings.OUTBOX_RELAY_BATCH = 2
    for n in range(5):
        services.enqueue(say, to="a@example.org", subject=f"{n}")
    QueuedTask.objects.update(due_at=timezone.now())
    assert [services.relay().published for _ in range(4)] == [2, 2, 1, 0]
    assert sorted(m.subject for m in mailoutbox) == ["0", "1", "2", "3", "4"]


def test_relay_republishes_a_row_whose_message_was_lost(settings, mailoutbox):
    settings.OUTBOX_REPUBLISH_AFTER = 600
    with time_machine.travel(NOW, tick=False) as traveller:
        row = services.enqueue(say, to="a@example.org", subject="Lost")
        # Published, then the broker lost the message (a Redis restarted without its data).
        QueuedTask.objects.filter(pk=row.pk).update(
            published_at=NOW, due_at=NOW + dt.timedelta(seconds=600)
        )
        traveller.shift(dt.timedelta(seconds=599))
        assert services.relay().published == 0
        traveller.shift(dt.timedelta(seconds=1))
        assert services.relay().published == 1
    assert [m.subject for m in mailoutbox] == ["Lost"]


def test_publish_with_the_broker_down_neither_raises_nor_waits(dead_broker, caplog):
    row = services.enqueue(say, to="a@example.org", subject="Later")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="portal.outbox.services"):
        first = services.publish(row.pk)
        second = services.publish(row.pk)
    row.refresh_from_db()
    assert (first, second, row.published_at, row.state) == (False, False, None, "queued")
    assert time.monotonic() - started < 2
    # The second request did not try: one warning, not one per request.
    assert caplog.text.count("The broker unreachable") == 1


def test_relay_command_with_the_broker_down_says_so(dead_broker):
    row = services.enqueue(say, to="a@example.org", subject="Later")
    QueuedTask.objects.filter(pk=row.pk).update(due_at=timezone.now())
    with pytest.raises(CommandError, match=r"0 published, then the broker failed .*; 1 still due"):
        call_command("relay_outbox")
    row.refresh_from_db()
    assert row.published_at is None


def test_relay_command_publishes_everything_due(capsys, mailoutbox):
    for n in range(3):
        services.enqueue(say, to="a@example.org", subject=f"{n}")
    QueuedTask.objects.update(due_at=timezone.now())
    call_command("relay_outbox", "--batch", "2")
    assert capsys.readouterr().out == "3 published; 0 waiting to run.\n"
    assert len(mailoutbox) == 3


def test_relay_command_refuses_a_batch_below_one():
    with pytest.raises(CommandError, match="--batch must be at least 1"):
        call_command("relay_outbox", "--batch", "0")

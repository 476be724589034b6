import threading

import pytest
from django.db import connection
from django.utils import timezone

from portal.outbox import services
from portal.outbox.models import QueuedTask
from tests.outbox import conftest

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_deliveries_at_once_run_the_task_once(mailoutbox):
    conftest.started.clear()
    conftest.release.clear()
    # Written directly: enqueue would publish it, and tasks run eagerly here, at once.
    row = QueuedTask.objects.create(
        task="tests.outbox.say_when_released",
        kwargs={"to": "a@example.org", "subject": "Once"},
        due_at=timezone.now(),
    )
    outcomes = {}

    def deliver(name):
        try:
            outcomes[name] = services.run_queued_task(row.pk)
        finally:
            connection.close()

    first = threading.Thread(target=deliver, args=("first",))
    first.start()
    assert conftest.started.wait(timeout=10)
    second = threading.Thread(target=deliver, args=("second",))
    second.start()
    second.join(timeout=10)
    # The second delivery skips the row while the first is running its task: it neither
    # waits (a worker tied up) nor runs it again.
    assert not second.is_alive() and outcomes == {"second": "skipped"}
    conftest.release.set()
    first.join(timeout=10)
    second.join(timeout=10)
    row.refresh_from_db()
    assert outcomes == {"first": "ran", "second": "skipped"}
    assert (row.attempts, [m.subject for m in mailoutbox]) == (1, ["Once"])

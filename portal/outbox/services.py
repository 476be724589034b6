"""Queueing tasks with the change that causes them, publishing them, and running each once."""

import datetime as dt
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from portal.celery import app
from portal.housekeeping import delete_in_batches
from portal.observability.requestid import MESSAGE_HEADER, current_request_id
from portal.outage import Outage
from portal.outbox.models import QueuedTask

logger = logging.getLogger(__name__)

RUN_TASK = "portal.outbox.run"
RUN_FIELDS = ["attempts", "published_at", "ran_at", "failed_at", "due_at", "last_error"]
# A new row belongs to the publish that follows its commit; the relay leaves it alone this
# long so that the two rarely send it both.
RELAY_GRACE = dt.timedelta(seconds=10)
# After a failure the task is tried again after 30 s, 1 min, 2 min ... never more than an hour.
RETRY_FIRST_SECONDS = 30
RETRY_MOST_SECONDS = 3600

# Once the broker has refused, requests leave their rows to the relay for a few seconds
# instead of each waiting for a connection timeout.
broker_outage = Outage("The broker", retry_after=10, logger=logger)


def enqueue(task, /, **kwargs) -> QueuedTask:
    """Queue ``task`` (a Celery task or its registered name) to run with ``kwargs`` once the
    current transaction commits; nothing is queued if it rolls back.

    Steps: check the task exists and its arguments are JSON; write the row in the caller's
    transaction; after the commit, try to publish it at once (never raising, never retrying:
    the relay publishes what this misses).
    """
    name = task if isinstance(task, str) else task.name
    if name not in app.tasks:
        # Tasks of apps the web process has not imported yet are found by autodiscovery.
        app.loader.import_default_modules()
        if name not in app.tasks:
            raise LookupError(f"No Celery task is registered as {name!r}.")
    try:
        json.dumps(kwargs, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(f"The arguments of {name} must be JSON values: {error}") from None
    now = timezone.now()
    row = QueuedTask.objects.create(
        task=name,
        kwargs=kwargs,
        queued_at=now,
        due_at=now + RELAY_GRACE,
        request_id=current_request_id.get(),
    )
    transaction.on_commit(lambda: publish(row.pk), robust=True)
    return row


def _broker():
    """A connection of our own with short timeouts and no retries: a request never waits
    long for a broker that is down (the shared pool would retry for seconds)."""
    timeout = settings.OUTBOX_PUBLISH_TIMEOUT
    return app.connection_for_write(
        connect_timeout=timeout,
        transport_options={
            "max_retries": 0,
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
        },
    )


def _send(row: QueuedTask, *, connection) -> None:
    # Marked first, in the caller's transaction: if the publish fails, the mark is rolled
    # back with it; if it succeeds, the relay will not publish the row again before it is due.
    now = timezone.now()
    republish = dt.timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER)
    QueuedTask.objects.filter(pk=row.pk).update(published_at=now, due_at=now + republish)
    # The request that queued it, whoever publishes it (the request itself, or the relay).
    headers = {MESSAGE_HEADER: row.request_id} if row.request_id else None
    app.tasks[RUN_TASK].apply_async(
        kwargs={"queued_task_id": row.pk}, connection=connection, retry=False, headers=headers
    )


def publish(pk: int) -> bool:
    """Publish one queued row now, if the broker answers; never raises. True if published."""
    if broker_outage.skipping():
        return False
    try:
        with _broker() as connection, transaction.atomic():
            # Whoever holds the row (a relay, or a worker running it) sees to it: never wait.
            row = (
                QueuedTask.objects.pending()
                .select_for_update(skip_locked=True)
                .filter(pk=pk)
                .first()
            )
            if row is None:
                return False
            _send(row, connection=connection)
    except (BrokerError, OSError) as error:
        broker_outage.failed(error)
        return False
    except Exception:
        logger.exception("Could not publish queued task %s; the relay will try again", pk)
        return False
    broker_outage.succeeded()
    return True


@dataclass(frozen=True)
class RelayRun:
    published: int
    broker_error: str = ""


def relay(*, limit: int | None = None) -> RelayRun:
    """Publish a bounded batch of the rows that are due.

    Steps: lock up to ``limit`` due rows, skipping those another relay holds; publish them
    in the order they fell due, each marked with when it is due again; stop at the first
    failure of the broker, leaving the rest due for the next run.
    """
    limit = limit or settings.OUTBOX_RELAY_BATCH
    published = 0
    with _broker() as connection, transaction.atomic():
        rows = list(
            QueuedTask.objects.due(timezone.now())
            .order_by("due_at", "pk")
            .select_for_update(skip_locked=True)[:limit]
        )
        for row in rows:
            try:
                with transaction.atomic():
                    _send(row, connection=connection)
            except (BrokerError, OSError) as error:
                broker_outage.failed(error)
                return RelayRun(published, broker_error=f"{type(error).__name__}: {error}")
            published += 1
    if published:
        broker_outage.succeeded()
    return RelayRun(published)


def run_queued_task(pk: int) -> str:
    """Run the task of a queued row unless it already ran; what happened, in one word.

    Steps: lock the row (a second delivery while it runs skips it; one after finds it
    run); run the
    task in a savepoint so that a failure undoes its writes but not the record of the
    attempt; mark it run, or due again after a pause, or given up after the last attempt.
    """
    with transaction.atomic():
        row = QueuedTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if row is None or row.ran_at is not None or row.failed_at is not None:
            return "skipped"
        row.attempts += 1
        # Delivered, so published, even when the publisher's mark lost the race.
        row.published_at = row.published_at or timezone.now()
        try:
            task = app.tasks[row.task]
            with transaction.atomic():
                task(**row.kwargs)
        except Exception as error:
            outcome = _record_failure(row, error)
        else:
            row.ran_at = timezone.now()
            row.last_error = ""
            outcome = "ran"
        row.save(update_fields=RUN_FIELDS)
    return outcome


def _record_failure(row: QueuedTask, error: Exception) -> str:
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        row.failed_at = timezone.now()
        logger.error(
            "Queued task %s %s failed %d times and is given up",
            row.pk, row.task, row.attempts, exc_info=error,
        )  # fmt: skip
        return "failed"
    pause = min(RETRY_FIRST_SECONDS * 2 ** (row.attempts - 1), RETRY_MOST_SECONDS)
    row.due_at = timezone.now() + dt.timedelta(seconds=pause)
    logger.warning(
        "Queued task %s %s failed (attempt %d of %d); trying again in %ds",
        row.pk, row.task, row.attempts, settings.OUTBOX_MAX_ATTEMPTS, pause, exc_info=error,
    )  # fmt: skip
    return "retrying"


def requeue_failed(rows=None) -> int:
    """Give given-up tasks (all, or those among ``rows``) their attempts again, once what made
    them fail is fixed; the relay publishes them at its next run. How many."""
    rows = QueuedTask.objects.all() if rows is None else rows
    return rows.filter(ran_at__isnull=True, failed_at__isnull=False).update(
        failed_at=None, attempts=0, due_at=timezone.now()
    )


def purge_ran(*, now: dt.datetime | None = None, batch: int = 1000) -> int:
    """Delete tasks that ran more than ``OUTBOX_KEEP_DAYS`` ago. Failed tasks stay until
    staff run them again: they are the record of what did not happen."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    return delete_in_batches(QueuedTask.objects.filter(ran_at__lt=cutoff), batch=batch)

"""The transactional outbox: Celery tasks queued as rows in the change that causes them.

``portal.outbox.services.enqueue(task, **kwargs)`` writes a row in the caller's transaction,
so the task exists if and only if the change commits. After the commit the row is published
to the broker at once; if the broker is unreachable (or the process dies first), the relay
(``portal.outbox.relay`` every few seconds, or ``manage.py relay_outbox``) publishes it
later. Publishing is at least once; running is exactly once: the execution locks the row and
runs the task only while the row is still pending, and marks it run in the same transaction.
"""

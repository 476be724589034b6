"""What the database and the broker say about the portal's work, for /metrics.

Each figure is (name, help, label names, [(label values, value), ...]). Every query reads
through a partial index of the rows still to do, so it costs what is waiting, not what the
tables hold.
"""

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone


def _age(now, oldest) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0


def clock_figures(now):
    from portal.sla.models import Clock

    open_rows = (
        Clock.objects.filter(state__in=[Clock.State.RUNNING, Clock.State.PAUSED])
        .values("code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    overdue = dict(
        Clock.objects.filter(state=Clock.State.RUNNING, due_at__lt=now)
        .values_list("code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    breached_open = (
        Clock.objects.filter(state=Clock.State.BREACHED, stopped_at__isnull=True)
        .values_list("code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    opened = {row["code"]: row["n"] for row in open_rows}
    for code, n in breached_open:
        # A missed deadline whose case is still open is open and overdue.
        opened[code] = opened.get(code, 0) + n
        overdue[code] = overdue.get(code, 0) + n
    yield (
        "portal_clocks_open",
        "Service-level clocks still open (running, paused, or missed with the case open).",
        ["service_level"],
        [([code], n) for code, n in sorted(opened.items())],
    )
    yield (
        "portal_clocks_overdue",
        "Open service-level clocks past their deadline.",
        ["service_level"],
        [([code], overdue.get(code, 0)) for code in sorted(opened)],
    )


def sweep_figures(now):
    from portal.core.models import Heartbeat
    from portal.sla.models import Clock, Notice

    beats = {beat.name: beat for beat in Heartbeat.objects.all()}
    sweep = beats.get("sla-sweep")
    yield (
        "portal_sla_sweep_duration_seconds",
        "How long the last sweep of the clocks took.",
        [],
        [([], sweep.duration_seconds)] if sweep else [],
    )
    yield (
        "portal_sla_sweep_last_run_age_seconds",
        "Seconds since the last sweep of the clocks finished.",
        [],
        [([], _age(now, sweep.at))] if sweep else [],
    )
    # Lag: how long the oldest piece of the sweep's work has been waiting for it (a deadline
    # passed but not yet marked missed, a notice due but not sent). 0 when it keeps up.
    oldest_due = Clock.objects.filter(state=Clock.State.RUNNING, due_at__lt=now).aggregate(
        at=Min("due_at")
    )["at"]
    oldest_notice = Notice.objects.filter(
        state=Notice.State.PENDING, send_after__lte=now
    ).aggregate(at=Min("send_after"))["at"]
    yield (
        "portal_sla_sweep_lag_seconds",
        "Age of the oldest work the sweep has not done yet (a missed deadline not yet "
        "marked, a notice due but not sent).",
        [],
        [([], max(_age(now, oldest_due), _age(now, oldest_notice)))],
    )
    yield (
        "portal_heartbeat_age_seconds",
        "Seconds since each periodic job last reported (beat's heartbeat, the sweep).",
        ["job"],
        [([name], _age(now, beat.at)) for name, beat in sorted(beats.items())],
    )


def outbox_figures(now):
    from portal.outbox.models import QueuedTask

    pending = QueuedTask.objects.pending().aggregate(n=Count("pk"), oldest=Min("queued_at"))
    failed = QueuedTask.objects.filter(ran_at__isnull=True, failed_at__isnull=False).count()
    yield ("portal_outbox_pending", "Queued tasks not run yet.", [], [([], pending["n"])])
    yield (
        "portal_outbox_oldest_pending_age_seconds",
        "Age of the oldest queued task not run yet.",
        [],
        [([], _age(now, pending["oldest"]))],
    )
    yield (
        "portal_outbox_failed",
        "Queued tasks given up after their last attempt.",
        [],
        [([], failed)],
    )


def email_figures(now):
    from portal.notifications.models import Email

    pending = Email.objects.filter(state=Email.State.PENDING).aggregate(
        n=Count("pk"), oldest=Min("created_at")
    )
    sending = Email.objects.filter(state=Email.State.SENDING).count()
    yield (
        "portal_emails_pending",
        "Emails waiting to be sent, or being sent.",
        ["state"],
        [(["pending"], pending["n"]), (["sending"], sending)],
    )
    yield (
        "portal_emails_oldest_pending_age_seconds",
        "Age of the oldest email waiting to be sent.",
        [],
        [([], _age(now, pending["oldest"]))],
    )


def scan_figures(now):
    from portal.uploads.models import Attachment, Scan

    waiting = Attachment.objects.filter(scan=Scan.PENDING).aggregate(
        n=Count("pk"), oldest=Min("uploaded_at")
    )
    yield (
        "portal_uploads_pending_scan",
        "Files attached but not yet scanned for malware.",
        [],
        [([], waiting["n"])],
    )
    yield (
        "portal_uploads_oldest_pending_scan_age_seconds",
        "Age of the oldest file waiting for its malware scan.",
        [],
        [([], _age(now, waiting["oldest"]))],
    )


def queue_figures(now):
    """Messages waiting in each Celery queue (a Redis list per queue)."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return
    import redis

    queues = [settings.CELERY_TASK_DEFAULT_QUEUE]
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        rows = [([name], client.llen(name)) for name in queues]
    except redis.RedisError:
        rows = []
    finally:
        client.close()
    yield ("portal_celery_queue_length", "Tasks waiting in each Celery queue.", ["queue"], rows)


def all_figures():
    now = timezone.now()
    for source in (clock_figures, sweep_figures, outbox_figures, email_figures, scan_figures,
                   queue_figures):  # fmt: skip
        yield from source(now)

"""Checks behind /readyz: can this portal reach everything it works with?

/healthz is liveness: the process answers. /readyz is readiness: the database, Redis (the
cache and the broker), the bucket, clamd, the SMTP server, and a recent heartbeat from beat
(sent every BEAT_HEARTBEAT_SECONDS by beat and run by a worker, so a stale one means beat or
every worker is down). A check whose service is not configured answers ``skipped``.
"""

import smtplib
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from portal.cache import ForgivingRedisCache


class Skipped(Exception):
    """The service is not part of this deployment."""


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    from portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def check_cache() -> None:
    cache = caches["default"]
    if isinstance(cache, ForgivingRedisCache):
        # Its reads answer a miss when Redis is down: only asking Redis tells the truth.
        cache.ping()
        return
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("cache returned a different value")
    cache.delete(key)


def check_storage() -> None:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                raise RuntimeError("storage returned different bytes")
    finally:
        default_storage.delete(name)


def check_clamd() -> None:
    from portal.uploads import scanning

    if not settings.CLAMD_URL:
        raise Skipped("CLAMD_URL is not set")
    if not scanning.ping():
        raise RuntimeError("clamd did not answer PING with PONG")


def check_smtp() -> None:
    mailer = settings.MAILERS["default"]
    if not mailer["BACKEND"].endswith("smtp.EmailBackend"):
        raise Skipped("email is not sent over SMTP")
    options = mailer.get("OPTIONS", {})
    host, port = options["host"], options["port"]
    # Connecting and saying NOOP; no credentials are sent (some servers limit log-ins).
    if options.get("use_ssl"):
        import ssl

        client = smtplib.SMTP_SSL(host, port, timeout=5, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=5)
    try:
        code, _ = client.noop()
        if code != 250:
            raise RuntimeError(f"the SMTP server answered NOOP with {code}")
    finally:
        try:
            client.quit()
        except smtplib.SMTPException:
            client.close()


def check_beat() -> None:
    from portal.core.models import Heartbeat

    beat = Heartbeat.objects.filter(name="beat").first()
    if beat is None:
        raise RuntimeError("no heartbeat from beat yet")
    age = (timezone.now() - beat.at).total_seconds()
    if age > settings.BEAT_HEARTBEAT_MAX_AGE_SECONDS:
        raise RuntimeError(f"beat's last heartbeat ran {age:.0f} s ago (beat or every worker down)")


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "cache": check_cache,
    "storage": check_storage,
    "clamd": check_clamd,
    "smtp": check_smtp,
    "beat": check_beat,
}
# Seconds a check's answer is reused by this process: probes come every few seconds from
# every replica, and an SMTP provider need not be greeted that often.
KEEP_ANSWER = {"smtp": 60}
_answers: dict[str, tuple[float, dict]] = {}


def run_checks() -> dict[str, dict]:
    report = {}
    for name, check in CHECKS.items():
        kept = _answers.get(name)
        if kept and time.monotonic() - kept[0] < KEEP_ANSWER.get(name, 0):
            report[name] = kept[1]
            continue
        started = time.perf_counter()
        try:
            check()
        except Skipped as why:
            report[name] = {"ok": True, "skipped": str(why)}
        except Exception as error:  # noqa: BLE001 - any failure is a failed check
            report[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
        else:
            report[name] = {"ok": True}
        report[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
        _answers[name] = (time.monotonic(), report[name])
    return report

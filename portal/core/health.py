"""Checks behind /healthz: can the portal reach its database, broker, cache and storage?"""

import time
import uuid

from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from portal.cache import ForgivingRedisCache


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


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "cache": check_cache,
    "storage": check_storage,
}


def run_checks() -> dict[str, dict]:
    report = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure is a failed check
            report[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
        else:
            report[name] = {"ok": True}
        report[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return report

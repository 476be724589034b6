"""What each of pytest-xdist's workers (``bin/test`` runs several) needs of its own.

pytest-django gives every worker a test database of its own (``test_<name>_gw0``,
``test_<name>_gw1``…). The cache is the other thing the tests share and clear between them,
so on Redis every worker takes a Redis database of its own too: worker ``gwN`` takes the
N-th database counting down from the one ``REDIS_URL`` names, passing over the Celery
broker's (``CELERY_BROKER_URL``) when it is on the same server. With the usual
``REDIS_URL=…/15`` and ``CELERY_BROKER_URL=…/14``: gw0 takes 15, gw1 13, gw2 12, and so on.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

# A Redis server has 16 databases unless it is configured otherwise.
REDIS_DATABASES = 16


def worker_index() -> int | None:
    """This process's number among the workers (``gw3`` → 3), or None without xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else None


def _server_and_db(url: str) -> tuple[tuple, int]:
    parts = urlsplit(url)
    db = parts.path.strip("/")
    return (parts.scheme, parts.hostname, parts.port or 6379), int(db) if db else 0


def worker_redis_url(url: str, *, index: int, broker_url: str = "") -> str:
    """The Redis URL worker ``index`` uses instead of ``url``: see the module's docstring."""
    server, base = _server_and_db(url)
    taken = set()
    if broker_url.startswith(("redis://", "rediss://")):
        broker_server, broker_db = _server_and_db(broker_url)
        if broker_server == server:
            taken.add(broker_db)
    free = [db for db in range(base, -1, -1) if db not in taken]
    if index >= len(free):
        raise pytest.UsageError(
            f"{index + 1} test workers need {index + 1} Redis databases counting down from "
            f"{base} (REDIS_URL), not counting the broker's: only {len(free)} are. Point "
            f"REDIS_URL at a higher database (up to {REDIS_DATABASES - 1}) or run fewer "
            "workers (-n)."
        )
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{free[index]}"))

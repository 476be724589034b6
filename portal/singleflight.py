"""A cached value that is computed again once when it grows stale, never by every request
that finds it so (single flight).

The cache holds the value with the instant it stops being fresh, and keeps it well past
that instant. The first request to find it stale takes a lock in the cache (``add``: only
one succeeds) and computes it again; every other request meanwhile serves the stale value.
With nothing cached at all (a cold start), the others wait for the one computing, a few
seconds at most, then compute it themselves rather than fail. With the cache unreachable
every request computes, as without a cache.
"""

import time
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone

# How long a stale value is kept, in multiples of its freshness, for requests to serve
# while it is computed again.
KEPT_FOR = 12
POLL_SECONDS = 0.05


def single_flight[T](
    key: str, compute: Callable[[], T], *, fresh_for: int, wait_seconds: float = 5.0
) -> T:
    """The value cached under ``key``, computed by ``compute()`` when missing or older
    than ``fresh_for`` seconds, by one request at a time."""
    entry = cache.get(key)
    if entry is not None and entry[1] > _now():
        return entry[0]
    lock = f"{key}:computing"
    # The lock outlives any computation that could still finish usefully.
    if cache.add(lock, True, timeout=max(fresh_for, 60)):
        try:
            value = compute()
            cache.set(key, (value, _now() + fresh_for), timeout=fresh_for * KEPT_FOR)
            return value
        finally:
            cache.delete(lock)
    if entry is not None:
        return entry[0]
    deadline = time.monotonic() + wait_seconds
    while cache.get(lock) is not None and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        entry = cache.get(key)
        if entry is not None:
            return entry[0]
    return compute()


def _now() -> float:
    # The application's clock, so that tests move it.
    return timezone.now().timestamp()

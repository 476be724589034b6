"""The cache backend: Redis, where an unreachable Redis is a cache miss, never an error.

Everything the portal keeps in the cache can be computed again (closure days, the charter's
figures) or only slows callers down when forgotten (rate limits). So while Redis is down or
too slow to answer within its socket timeout, reads answer as misses and writes do nothing;
the outage is logged once, then at most once a minute, and Redis is tried again every few
seconds (``OPTIONS["RETRY_AFTER"]``) rather than by every request.

What that means for what the cache holds:

* ``incr`` raises ``ValueError``, as for a key that does not exist: callers already handle it.
* Rate limits (DRF throttles, the public complaint form) let requests through while the
  cache is down; sign-in lock-outs are not among them (django-axes keeps them in the
  database).
* Errors Redis answers with (a wrong type, an unknown command) are bugs and still raise.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import (
    BusyLoadingError,
    MasterDownError,
    OutOfMemoryError,
    ReadOnlyError,
    RedisError,
    ResponseError,
)

from portal.outage import Outage

logger = logging.getLogger(__name__)

_outages: dict[tuple[str, ...], Outage] = {}


def _outage_of(servers: list[str], retry_after: float) -> Outage:
    # Django builds one backend per thread: the outage is shared by all of a process's.
    key = tuple(servers)
    if key not in _outages:
        _outages[key] = Outage("The cache", retry_after=retry_after, logger=logger)
    return _outages[key]


# A failover to a read-only replica, a full Redis, one still loading: an outage to the cache.
UNABLE_TO_SERVE = (ReadOnlyError, OutOfMemoryError, MasterDownError, BusyLoadingError)


def is_outage(error: RedisError) -> bool:
    """A failure to reach Redis, or a Redis that cannot serve (loading, read-only, full)."""
    if isinstance(error, UNABLE_TO_SERVE):
        return True
    if isinstance(error, ResponseError):
        # Redis itself unable to serve, not a mistake in the command. redis-py strips these
        # prefixes when it has a class of its own for them (above); others keep them.
        return str(error).startswith(("READONLY", "OOM", "LOADING", "MASTERDOWN"))
    return True


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client, with one redis-py client per connection pool instead of a new one
    for every command: building one sets up some hundred response callbacks, which cost
    more than the round trip to Redis itself. A redis-py client is safe to share; its pool
    holds the connections."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        retry_after = float(options.pop("RETRY_AFTER", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = SharedClientRedisCacheClient
        self.outage = _outage_of(self._servers, retry_after)

    def _guarded(self, method, fallback, *args):
        if self.outage.skipping():
            return fallback()
        try:
            result = method(*args)
        except RedisError as error:
            if not is_outage(error):
                raise
            self.outage.failed(error)
            return fallback()
        self.outage.succeeded()
        return result

    def ping(self) -> None:
        """Ask Redis itself, outage or not: /healthz must know, not be told a miss."""
        self._cache.get_client(write=True).ping()
        self.outage.succeeded()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().add, lambda: False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(super().get, lambda: default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded(super().set, lambda: None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().touch, lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(super().delete, lambda: False, key, version)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, dict, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, lambda: False, key, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")

        return self._guarded(super().incr, missing, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that could not be stored.
        return self._guarded(super().set_many, lambda: list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._guarded(super().delete_many, lambda: None, keys, version)

    def set_many_strictly(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """``set_many`` that is never skipped and raises what Redis does: for writes whose
        loss is not a miss (a forgotten API token, portal/api/remembered.py)."""
        super().set_many(data, timeout, version)
        self.outage.succeeded()

    def clear(self):
        return self._guarded(super().clear, lambda: False)

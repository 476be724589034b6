"""Remembering that a service (the cache, the broker) is unreachable, for a few seconds.

While it is down, every request that tried it would wait for its connection timeout and log
the same error. An ``Outage`` lets the first failure speak and the callers that follow skip
the service until ``retry_after`` seconds have passed; then one caller tries again. It is
shared by the threads of a process (one per service), never across processes.
"""

import logging
import threading
import time

# However long the outage, a reminder that it goes on at most this often.
REMIND_EVERY = 60.0


class Outage:
    def __init__(self, name: str, *, retry_after: float, logger: logging.Logger):
        self.name = name
        self.retry_after = retry_after
        self.logger = logger
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._skip_until = 0.0
        self._last_said = 0.0
        self._failures = 0

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def skipping(self) -> bool:
        """True while the service failed less than ``retry_after`` seconds ago."""
        return time.monotonic() < self._skip_until

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._skip_until = now + self.retry_after
            self._failures += 1
            down_since = self._down_since
            first = down_since is None
            if down_since is None:
                down_since = self._down_since = now
            speak = first or now - self._last_said >= REMIND_EVERY
            if speak:
                self._last_said = now
                failures, self._failures = self._failures, 0
        if not speak:
            return
        if first:
            self.logger.warning(
                "%s unreachable (%s: %s); carrying on without it, trying again every %gs",
                self.name, type(error).__name__, error, self.retry_after,
            )  # fmt: skip
        else:
            self.logger.warning(
                "%s still unreachable after %.0fs (%d failures since the last report; %s: %s)",
                self.name, now - down_since, failures, type(error).__name__, error,
            )  # fmt: skip

    def succeeded(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            lasted = time.monotonic() - self._down_since
            self._down_since = None
            self._skip_until = 0.0
            self._failures = 0
        self.logger.warning("%s reachable again after %.0fs", self.name, lasted)

"""The environment a test hands to a process it starts (``manage.py``, ``python -c``).

While a browser test's Chromium is open, this process carries DJANGO_ALLOW_ASYNC_UNSAFE
(see ``tests/browser/conftest.py``). Under pytest-xdist a worker may run other tests
between its browser tests, so the variable can be set when a test starts a process of its
own; such a process must meet Django's checks as a deployment would, without it."""

import os
from collections.abc import Iterable

# Variables that belong to the test run, never to a process it starts.
TEST_RUN_ONLY = frozenset({"DJANGO_ALLOW_ASYNC_UNSAFE", "PORTAL_TEST_DB_TEMPLATE"})


def environ(without: Iterable[str] = ()) -> dict[str, str]:
    """A copy of this process's environment, less the test run's own variables and
    ``without``."""
    dropped = TEST_RUN_ONLY | set(without)
    return {k: v for k, v in os.environ.items() if k not in dropped}

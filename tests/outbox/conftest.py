"""A Redis of the test's own, which the test can stop and start again, and tasks to queue."""

import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail

from portal.celery import app as celery_app
from portal.outbox import services


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A ``redis-server`` child process without persistence: stopping it loses its data,
    as a Redis restarted without an append-only file does."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 5
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server on the PATH")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@contextmanager
def _broker_at(url, monkeypatch):
    """Tasks go to the broker at ``url``, for real (not eagerly), until the block ends."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    conf.broker_url, conf.task_always_eager = url, False
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved


@pytest.fixture
def on_redis(settings, redis_server, monkeypatch):
    """The cache and the broker both on the test's own Redis; tasks go through the broker."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ForgivingRedisCache",
            "LOCATION": redis_server.url(0),
            # Tried again at every call: these tests stop and start Redis within a second.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_AFTER": 0},
        }
    }
    with _broker_at(redis_server.url(1), monkeypatch):
        yield redis_server


@pytest.fixture
def dead_broker(monkeypatch):
    """A broker address where nothing listens, and tasks that must go through it."""
    with _broker_at(f"redis://127.0.0.1:{free_port()}/0", monkeypatch):
        yield


@pytest.fixture(autouse=True)
def _broker_outage_forgotten():
    # An outage one test provoked must not make the next one skip its publishing.
    services.broker_outage.succeeded()
    yield
    services.broker_outage.succeeded()


@pytest.fixture
def worker(on_redis):
    """A real Celery worker (one thread, solo pool) consuming from the test's Redis."""

    def start():
        return start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10)

    return start


def wait_for(condition, *, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("waited too long")
        time.sleep(0.05)


@celery_app.task(name="tests.outbox.say")
def say(*, to: str, subject: str) -> None:
    mail.send_mail(subject, "", None, [to])


@celery_app.task(name="tests.outbox.broken")
def broken(*, why: str) -> None:
    raise RuntimeError(why)


@celery_app.task(name="tests.outbox.close_then_fail")
def close_then_fail(*, day: str) -> None:
    from portal.calendar.models import ClosureDay

    ClosureDay.objects.create(day=day, reason="Half-done work")
    raise RuntimeError("failed after writing")


started = threading.Event()
release = threading.Event()


@celery_app.task(name="tests.outbox.say_when_released")
def say_when_released(*, to: str, subject: str) -> None:
    started.set()
    if not release.wait(timeout=10):
        raise RuntimeError("never released")
    mail.send_mail(subject, "", None, [to])

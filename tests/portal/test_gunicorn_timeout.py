"""No request runs past gunicorn's timeout, with the threaded workers the portal runs:
a real gunicorn, started with gunicorn.conf.py as in production, cuts off a page that
never finishes and goes on answering."""

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import environ

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path):
    port = _free_port()
    env = environ(without={"DATABASE_URL", "REDIS_URL", "CACHE_URL"})
    env.update({"PORTAL_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "portal.settings"})
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "tests.portal.overrunning_site:application",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
            "--timeout",
            str(TIMEOUT),
            "--no-control-socket",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for(port, server)
        yield port, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stdout.read()
        if _get(port, "/healthz", timeout=5)[0] == 200:
            return
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def _get(port: int, path: str, *, timeout: float) -> tuple[int | None, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        status = connection.getresponse().status
    except (ConnectionError, http.client.HTTPException, OSError):
        status = None
    finally:
        connection.close()
    return status, time.monotonic() - started


def test_request_past_the_timeout_is_cut_off_and_the_server_answers_on(gunicorn):
    port, server = gunicorn
    status, took = _get(port, "/overrun/", timeout=60)
    # Cut off: the connection closed without an answer, soon after the timeout.
    assert status is None
    assert TIMEOUT <= took < TIMEOUT + 10
    # The master started another worker, which answers.
    deadline = time.monotonic() + 60
    while _get(port, "/healthz", timeout=5)[0] != 200:
        assert time.monotonic() < deadline, "no worker answered after the cut-off"
        time.sleep(0.2)
    server.terminate()
    log = server.communicate(timeout=20)[0]
    assert "GET /overrun/ ran past the 3s timeout" in log


@pytest.mark.postgres
def test_web_process_statement_cancelled_by_postgresql_before_the_timeout(db, tmp_path):
    """What gunicorn.conf.py hands each worker: a statement past its share of the timeout
    is cancelled by PostgreSQL itself, so that a slow query ends as an error page."""
    from django.db import connection

    from tests.portal.test_settings import _settings_in_subprocess

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    result = _settings_in_subprocess(
        {
            "DATABASE_URL": url,
            "DATABASE_STATEMENT_TIMEOUT_MS": "200",
            "PORTAL_DATA_DIR": str(tmp_path),
        },
        "from django.db import connection; connection.cursor().execute('SELECT pg_sleep(5)')",
        apps=True,
    )
    assert result.returncode != 0
    assert "canceling statement due to statement timeout" in result.stderr

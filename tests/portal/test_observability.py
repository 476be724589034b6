"""Watching the portal: liveness and readiness, metrics, request ids, JSON logs, Sentry."""

import datetime as dt
import gzip
import http.server
import json
import logging
import socket
import subprocess
import sys
import threading

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.core import health
from portal.core.models import Heartbeat
from portal.observability.logs import JsonFormatter
from portal.observability.requestid import current_request_id
from tests.complaints.conftest import complaint  # noqa: F401 - a case with a running clock
from tests.processes import environ

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_answers():
    health._answers.clear()
    yield
    health._answers.clear()


@pytest.fixture
def beat_alive(db):
    Heartbeat.record("beat")


def test_healthz_answers_while_a_service_is_down(client, monkeypatch):
    def broken():
        raise ConnectionError("database down")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_checks_every_service_the_portal_works_with(client, beat_alive):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert set(body["checks"]) == {
        "database", "broker", "cache", "storage", "clamd", "smtp", "beat"
    }  # fmt: skip
    # From 127.0.0.1 (the monitoring network by default) the details are shown.
    assert body["checks"]["clamd"]["skipped"] == "CLAMD_URL is not set"
    assert body["checks"]["smtp"]["skipped"] == "email is not sent over SMTP"


def test_readyz_fails_without_a_heartbeat_from_beat(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"]["error"] == "RuntimeError: no heartbeat from beat yet"


def test_readyz_fails_when_beat_s_heartbeat_is_stale(client, settings, beat_alive):
    settings.BEAT_HEARTBEAT_MAX_AGE_SECONDS = 180
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=200)):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "beat's last heartbeat ran 20" in response.json()["checks"]["beat"]["error"]


def test_readyz_tells_others_what_failed_not_why(client, settings, monkeypatch, beat_alive):
    settings.METRICS_ALLOWED_NETWORKS = []

    def broken():
        raise ConnectionError("redis.internal:6379 refused")

    monkeypatch.setitem(health.CHECKS, "broker", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"ok": False}
    assert "redis.internal" not in response.content.decode()


def test_readyz_tells_staff_why(staff_client, settings, monkeypatch, beat_alive):
    settings.METRICS_ALLOWED_NETWORKS = []

    def broken():
        raise ConnectionError("broker down")

    monkeypatch.setitem(health.CHECKS, "broker", broken)
    check = staff_client.get("/readyz").json()["checks"]["broker"]
    assert (check["ok"], check["error"]) == (False, "ConnectionError: broker down")


def test_readyz_fails_when_clamd_does_not_answer(client, settings, beat_alive):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CLAMD_URL = f"tcp://127.0.0.1:{port}"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["clamd"]["ok"] is False


def _smtp_settings(settings, port):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "use_ssl": False},
        }
    }


def test_readyz_greets_the_smtp_server(client, settings, beat_alive):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        _smtp_settings(settings, port)
        up = client.get("/readyz").json()["checks"]["smtp"]
    finally:
        controller.stop()
    health._answers.clear()
    down = client.get("/readyz").json()["checks"]["smtp"]
    assert up["ok"] is True
    assert down["ok"] is False


def test_metrics_are_not_there_for_an_address_outside_the_allowed_networks(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = []
    settings.METRICS_TOKEN = "s3cret-scraper-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scraper-token")
    assert response.status_code == 200


def test_metrics_count_requests_by_view_and_read_the_work_waiting(
    client,
    officer_gb,
    complaint,  # noqa: F811 - the fixture imported above
    settings,
):
    settings.METRICS_CACHE_SECONDS = 0
    officer = Client()
    officer.force_login(officer_gb)
    assert officer.get(reverse("complaints:list")).status_code == 200
    text = client.get("/metrics").content.decode()
    assert 'portal_http_requests_total{method="GET",status="200",view="complaints:list"}' in text
    assert 'portal_http_request_duration_seconds_count{view="complaints:list"}' in text
    assert 'portal_clocks_open{service_level="complaint.acknowledge"} 1.0' in text
    assert 'portal_clocks_overdue{service_level="complaint.acknowledge"} 0.0' in text
    for name in (
        "portal_outbox_pending",
        "portal_outbox_oldest_pending_age_seconds",
        'portal_emails_pending{state="pending"}',
        "portal_uploads_pending_scan",
        "portal_sla_sweep_lag_seconds",
    ):
        assert f"\n{name} " in text or f"\n{name}{{" in text, name


def test_metrics_read_the_last_sweep(client, settings, charter):
    from portal.sla.tasks import sweep_clocks

    settings.METRICS_CACHE_SECONDS = 0
    sweep_clocks()
    text = client.get("/metrics").content.decode()
    assert "portal_sla_sweep_duration_seconds " in text
    assert 'portal_heartbeat_age_seconds{job="sla-sweep"}' in text


def test_request_id_is_made_or_taken_and_answered(client):
    made = client.get("/healthz")["X-Request-ID"]
    taken = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-1234abcd")["X-Request-ID"]
    refused = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert len(made) == 32
    assert taken == "proxy-1234abcd"
    assert refused not in ("<script>", made)


def test_request_id_is_kept_with_the_tasks_a_request_queues():
    from django.db import transaction

    from portal.outbox.services import enqueue

    token = current_request_id.set("req-0123456789")
    try:
        with transaction.atomic():
            row = enqueue("portal.heartbeat")
    finally:
        current_request_id.reset(token)
    row.refresh_from_db()
    assert row.request_id == "req-0123456789"


def test_request_id_goes_into_the_header_of_a_published_task():
    from portal.observability.requestid import _carry_into_message

    headers = {}
    token = current_request_id.set("req-0123456789")
    try:
        _carry_into_message(headers=headers)
    finally:
        current_request_id.reset(token)
    assert headers == {"request_id": "req-0123456789"}


def test_json_log_lines_carry_the_request_id_and_extras():
    token = current_request_id.set("req-abcdef12")
    try:
        record = logging.makeLogRecord(
            {"name": "portal.requests", "levelname": "INFO", "msg": "GET %s", "args": ("home",),
             "view": "home", "status": 200}
        )  # fmt: skip
        from portal.observability.requestid import RequestIdFilter

        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET home"
    assert line["request_id"] == "req-abcdef12"
    assert (line["view"], line["status"], line["level"]) == ("home", 200, "INFO")


class _Collector(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_sentry_receives_errors_with_the_request_id_when_its_dsn_is_set(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dsn = f"http://publickey@127.0.0.1:{server.server_port}/1"
    code = (
        "import django; django.setup(); import sentry_sdk; "
        "from portal.observability.requestid import current_request_id; "
        "current_request_id.set('req-sentry-0001')\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    sentry_sdk.capture_exception()\n"
        "sentry_sdk.flush(5)"
    )
    env = {
        **environ(without=("DATABASE_URL", "REDIS_URL")),
        "SENTRY_DSN": dsn,
        "PORTAL_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    try:
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    payload = b"".join(_Collector.received)
    assert b"ZeroDivisionError" in payload
    assert b"req-sentry-0001" in payload

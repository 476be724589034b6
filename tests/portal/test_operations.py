"""What operators rely on: one migrate at a time, SMTP over implicit TLS, pooled database
connections, and JSON only from the API in production."""

import datetime as dt
import socket
import sqlite3
import ssl
import subprocess
import sys
import time

import psycopg
import pytest
from django.core import mail
from django.db import connection

from portal.core.management.commands.migrate_locked import MIGRATE_LOCK
from tests.portal.test_settings import _settings_in_subprocess
from tests.processes import environ


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_migrate_locked_waits_for_a_migrate_already_running():
    params = connection.get_connection_params()
    dsn = {k: params[k] for k in ("host", "port", "user", "dbname") if params.get(k)}
    env = {
        **environ(),
        "DATABASE_URL": (
            f"postgres://{params['user']}@{params.get('host') or '127.0.0.1'}:"
            f"{params.get('port') or 5432}/{params['dbname']}"
        ),
    }
    with psycopg.connect(**dsn, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
        run = subprocess.Popen(
            [sys.executable, "manage.py", "migrate_locked"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # However slow the machine is to start the process, its first line says it waits;
        # it must still be running (waiting) a moment after saying so.
        first = run.stdout.readline()
        time.sleep(1)
        still_waiting = run.poll() is None
        holder.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])
        rest, _ = run.communicate(timeout=300)
    output = first + rest
    assert first.strip() == "Another migrate is running: waiting for it to finish.", output
    assert still_waiting, output
    assert run.returncode == 0, output
    assert "No migrations to apply." in output


def test_migrate_locked_runs_migrate_on_sqlite(tmp_path, db):
    env = environ(without={"DATABASE_URL", "DEBUG"})
    env["PORTAL_DATA_DIR"] = str(tmp_path)
    if connection.vendor == "sqlite":
        # This run has applied every migration to its SQLite test database just now (the
        # template or this process did, tests/template_db.py): on a copy of it, what is left
        # to see is the command handing over to migrate. On PostgreSQL, no SQLite database
        # is at hand, and the command migrates an empty one.
        with sqlite3.connect(connection.settings_dict["NAME"]) as tested:
            copy = sqlite3.connect(tmp_path / "portal.sqlite3")
            tested.backup(copy)
            copy.close()
        tested.close()
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate_locked", "-v", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Running migrations:" in result.stdout
    assert (tmp_path / "portal.sqlite3").exists()


def _self_signed(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_email_goes_over_implicit_tls_with_email_use_ssl(settings, tmp_path, monkeypatch):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    cert_file, key_file = _self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_file, key_file)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port, ssl_context=server_tls)
    controller.start()
    try:
        # The server's certificate is trusted the way a deployment's CA would be.
        monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "localhost",
                    "port": port,
                    "use_ssl": True,
                    "use_tls": False,
                    "timeout": 10,
                },
            }
        }
        sent = mail.send_mail("Over TLS", "Body", "portal@example.org", ["officer@example.org"])
    finally:
        controller.stop()
    assert sent == 1
    assert [m["Subject"] for m in received] == ["Over TLS"]


def test_settings_email_use_ssl_defaults_to_port_465_without_starttls(tmp_path):
    result = _settings_in_subprocess(
        {"PORTAL_DATA_DIR": str(tmp_path), "EMAIL_HOST": "smtp.example", "EMAIL_USE_SSL": "true"},
        "o = settings.MAILERS['default']['OPTIONS']; print(o['port'], o['use_ssl'], o['use_tls'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["465", "True", "False"]


def test_settings_refuse_both_implicit_tls_and_starttls(tmp_path):
    result = _settings_in_subprocess(
        {
            "PORTAL_DATA_DIR": str(tmp_path),
            "EMAIL_HOST": "smtp.example",
            "EMAIL_USE_SSL": "true",
            "EMAIL_USE_TLS": "true",
        },
        "print(1)",
    )
    assert result.returncode != 0
    assert "EMAIL_USE_SSL (implicit TLS, port 465) and EMAIL_USE_TLS" in result.stderr


def test_settings_database_pool_uses_psycopg_pool_without_persistent_connections(tmp_path):
    result = _settings_in_subprocess(
        {
            "PORTAL_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://u:p@db.example:5432/portal",
            "DATABASE_POOL": "true",
            "DATABASE_POOL_MAX_SIZE": "6",
        },
        "d = settings.DATABASES['default']; print(d['CONN_MAX_AGE'], d['OPTIONS']['pool'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 {'min_size': 1, 'max_size': 6, 'timeout': 10}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_pool_serves_queries_on_postgresql():
    params = connection.settings_dict
    env = {
        **environ(),
        "DATABASE_URL": (
            f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:"
            f"{params['PORT'] or 5432}/{params['NAME']}"
        ),
        "DATABASE_POOL": "true",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    code = (
        "import django; django.setup(); from django.db import connection; "
        "from portal.accounts.models import User; "
        "[User.objects.count() for _ in range(3)]; connection.close(); "
        "print(connection.pool is not None, User.objects.count() >= 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_settings_production_api_answers_json_only(tmp_path):
    result = _settings_in_subprocess(
        {
            "PORTAL_DATA_DIR": str(tmp_path),
            "DEBUG": "false",
            "SECRET_KEY": "x" * 60,
            "PORTAL_BASE_URL": "https://portal.example",
        },
        "print(settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['rest_framework.renderers.JSONRenderer']"

"""A message is never lost: stored before it is read; when it cannot be stored the mail
server is told to try again (exit 75); when it cannot be processed it stays, failed."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from complaints.helpdesk.models import Query
from portal.mailin.models import InboundEmail
from portal.mailin.services import process_message
from tests.mailin.conftest import PDF, message, receive
from tests.processes import environ

ROOT = Path(__file__).resolve().parents[2]


def test_exit_75_when_the_database_cannot_be_reached(tmp_path):
    env = environ()
    # Nothing listens on port 1: the message cannot be stored.
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:1/nowhere"
    env["PORTAL_DATA_DIR"] = str(tmp_path)

    done = subprocess.run(
        [sys.executable, "manage.py", "receive_email"],
        input=message(),
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )

    assert done.returncode == 75, done.stderr.decode()[-2000:]
    assert b"try again later" in done.stderr


@pytest.mark.django_db(transaction=True)
def test_exit_0_once_stored_as_a_process(tmp_path, officer_gb):
    """The command as the mail server runs it, on the test database: 0, and the row is there."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a second process shares the test database only on PostgreSQL")
    settings_dict = connection.settings_dict
    env = environ()
    env["DATABASE_URL"] = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
        f"/{settings_dict['NAME']}"
    )
    env["PORTAL_DATA_DIR"] = str(tmp_path)
    raw = message(subject="From the pipe")

    done = subprocess.run(
        [sys.executable, "manage.py", "receive_email"],
        input=raw,
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert b"Stored as" in done.stdout


@pytest.mark.django_db(transaction=True)
def test_exit_75_when_the_row_cannot_be_written(tmp_path):
    """The database goes away under a running portal: not stored, so 75, and nothing kept."""
    from django.db import connection

    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict["PORT"] = 1  # nothing listens there
    else:
        connection.settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    try:
        with pytest.raises(CommandError) as refused:
            call_command("receive_email", stdin=io.BytesIO(message()))
    finally:
        connection.close()
        connection.settings_dict.update(saved)

    assert refused.value.returncode == 75
    assert InboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_a_message_that_cannot_be_processed_stays_failed_and_can_be_tried_again(
    settings, tmp_path, officer_gb
):
    media = tmp_path / "media"
    good = dict(settings.STORAGES["default"])
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**good, "OPTIONS": {"location": blocked}},
    }

    row = receive(message(files=[("letter.pdf", PDF, "application", "pdf")]))

    assert row.status == InboundEmail.Status.FAILED
    assert row.reason.startswith("Could not be processed")
    assert Query.objects.count() == 0  # nothing half-saved
    assert row.raw_bytes().startswith(b"Subject:") or b"From:" in row.raw_bytes()

    settings.STORAGES = {**settings.STORAGES, "default": {**good, "OPTIONS": {"location": media}}}
    row = process_message(row, release=True)
    assert (row.status, Query.objects.count()) == (InboundEmail.Status.OPENED, 1)


@pytest.mark.django_db
def test_processing_twice_does_nothing_more(officer_gb):
    row = receive(message())

    process_message(row)
    process_message(row)

    assert (Query.objects.count(), InboundEmail.objects.get().attempts) == (1, 1)

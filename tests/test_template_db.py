"""The run's migrated test database, copied into each test process (tests/template_db.py):
copied only when its builder finished, waited for while the builder runs, and never when it
failed or is gone (the process then migrates its own)."""

import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from tests import template_db


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(template_db.VARIABLE, str(tmp_path))
    # What this process's own test database was made from is not these copies' business.
    monkeypatch.setattr(template_db, "COPIED", [])
    return tmp_path


def _database(path, value: str) -> None:
    with sqlite3.connect(path) as database:
        database.execute("CREATE TABLE marks (value TEXT)")
        database.execute("INSERT INTO marks VALUES (?)", [value])
    database.close()


def _marks(path) -> list[str]:
    database = sqlite3.connect(path)
    try:
        return [row[0] for row in database.execute("SELECT value FROM marks")]
    finally:
        database.close()


def _running(folder) -> subprocess.Popen:
    """A process standing for a builder still at work."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    (folder / template_db.PID).write_text(str(process.pid))
    return process


def test_a_finished_template_is_copied_whole(folder, tmp_path_factory):
    _database(folder / template_db.DATABASE, "migrated")
    (folder / template_db.READY).write_text("")
    target = tmp_path_factory.mktemp("worker") / "test.sqlite3"

    assert template_db.copy_into(str(target)) is True
    assert _marks(target) == ["migrated"]


def test_nothing_is_copied_without_a_template_named(monkeypatch, tmp_path):
    monkeypatch.delenv(template_db.VARIABLE, raising=False)
    assert template_db.copy_into(str(tmp_path / "test.sqlite3")) is False
    assert not (tmp_path / "test.sqlite3").exists()


def test_a_failed_build_is_not_copied(folder, tmp_path_factory):
    _database(folder / template_db.DATABASE, "half migrated")
    builder = _running(folder)
    try:
        (folder / template_db.FAILED).write_text("OperationalError: no such table\n")
        target = tmp_path_factory.mktemp("worker") / "test.sqlite3"
        assert template_db.copy_into(str(target)) is False
        assert not target.exists()
    finally:
        builder.kill()
        builder.wait()


def test_a_builder_gone_without_finishing_is_not_waited_for(folder, tmp_path_factory):
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    (folder / template_db.PID).write_text(ended.stdout.strip())
    target = tmp_path_factory.mktemp("worker") / "test.sqlite3"

    started = time.monotonic()
    assert template_db.copy_into(str(target)) is False
    assert time.monotonic() - started < 5


def test_a_builder_at_work_is_waited_for(folder, tmp_path_factory):
    builder = _running(folder)

    def finish():
        time.sleep(0.5)
        _database(folder / template_db.DATABASE, "migrated meanwhile")
        (folder / template_db.READY).write_text("")

    finishing = threading.Thread(target=finish)
    finishing.start()
    try:
        target = tmp_path_factory.mktemp("worker") / "test.sqlite3"
        assert template_db.copy_into(str(target)) is True
        assert _marks(target) == ["migrated meanwhile"]
    finally:
        finishing.join()
        builder.kill()
        builder.wait()


def test_a_build_that_fails_says_so_and_exits_non_zero(tmp_path):
    from tests.processes import environ

    broken = {**environ(), "DJANGO_SETTINGS_MODULE": "portal.no_such_settings"}
    process = template_db.start(tmp_path, broken)
    assert process.wait(timeout=60) != 0
    assert "ModuleNotFoundError" in (tmp_path / template_db.FAILED).read_text()
    assert not (tmp_path / template_db.READY).exists()


def test_this_process_took_the_runs_template_where_there_is_one(db):
    """Under ``bin/test`` (or pytest-xdist) on SQLite, this process's test database is the
    template's copy: the builder did its work, and no worker migrated for itself. Elsewhere
    (PostgreSQL, one process without bin/test) nothing was copied."""
    from django.db import connection

    named = connection.vendor == "sqlite" and template_db.VARIABLE in os.environ
    copied = template_db.COPIED
    assert copied == ([True] if named else [])

"""Data that costs seconds to make (the isolation world, the whole demo), made once a test
process and copied in where it is asked for again.

On SQLite (the embedded default) a copy is the database, page by page (SQLite's backup, a
few milliseconds), the files its rows name, and the objects that were made (a copy of them
each time, so that what one module does to them in memory stays there). A copy serves the
key it was made under: the day it was made, for data whose deadlines and dates are counted
from that day.

``copied_in`` gives a module (or a single test) such data in a transaction rolled back when
it ends, each test running in a savepoint of its own: a test that changes something changes
it for itself alone. On PostgreSQL the data is made inside that transaction each time.
"""

import copy as copying
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction


@dataclass
class _Copy:
    made: Any
    database: sqlite3.Connection  # in memory
    media: Path


_COPIES: dict = {}


def london_today():
    """The key of data whose deadlines and dates are counted from the day it is made: a copy
    serves the same day only (a test that travels in time, or a run past midnight, makes it
    afresh)."""
    from django.utils import timezone

    from portal.calendar import london_date

    return london_date(timezone.now())


def storage_in(media: Path) -> dict:
    """The settings that keep uploaded files in ``media`` (where copied data has its files)."""
    from django.conf import settings

    return {
        "STORAGES": {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": media},
            },
        },
        "MEDIA_ROOT": media,
    }


def copy_of_database() -> sqlite3.Connection:
    connection.ensure_connection()
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(copy)
    return copy


def restore_database(copy: sqlite3.Connection) -> None:
    from django.contrib.contenttypes.models import ContentType

    connection.ensure_connection()
    copy.backup(connection.connection)
    # The content types of the database copied in are the ones to use (an emptied database
    # makes them again with new numbers).
    ContentType.objects.clear_cache()


def made_or_copied(key, make: Callable[[], Any], media: Path, tmp_path_factory) -> Any:
    """What ``make`` makes (committed, with its files in ``media``), made on the first call
    with ``key`` and copied in on the next ones. Work its commits would hand on (tasks,
    emails) is dropped: inside a test's transaction it would never run either."""
    copy = _COPIES.get(key)
    if copy is not None:
        restore_database(copy.database)
        shutil.copytree(copy.media, media, dirs_exist_ok=True)
        return copying.deepcopy(copy.made)
    with transaction.atomic():
        handed_on = len(connection.run_on_commit)
        made = make()
        del connection.run_on_commit[handed_on:]
    files = tmp_path_factory.mktemp("copied-media")
    if media.is_dir():
        shutil.copytree(media, files, dirs_exist_ok=True)
    _COPIES[key] = _Copy(copying.deepcopy(made), copy_of_database(), files)
    return made


@contextmanager
def copied_in(key, make: Callable[[], Any], media: Path, tmp_path_factory) -> Iterator[Any]:
    """What ``make`` makes, in a transaction rolled back at the end; on SQLite copied in
    (``made_or_copied``) and the database put back as it was before when the block ends.
    The caller unblocks the database (``django_db_blocker``) and points the storage at
    ``media``."""
    if connection.vendor != "sqlite":
        with transaction.atomic():
            yield make()
            transaction.set_rollback(True)
        return
    before = copy_of_database()
    try:
        made = made_or_copied(key, make, media, tmp_path_factory)
        with transaction.atomic():
            yield made
            transaction.set_rollback(True)
    finally:
        restore_database(before)

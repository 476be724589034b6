"""What a refused request must leave as it was: every row of the project's own tables."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection


@cache
def project_models() -> tuple:
    base = Path(settings.BASE_DIR).resolve()
    return tuple(
        model
        for config in apps.get_app_configs()
        if base in Path(config.path).resolve().parents
        for model in config.get_models()
        if not model._meta.proxy
    )


@dataclass(frozen=True)
class Snapshot:
    tables: dict
    # SQLite: the rows this connection had inserted, changed or deleted when the tables were
    # read (sqlite3's total_changes, which counts every such statement, rolled back or not).
    writes: int | None = None


# The tables as a test read them before writing anything, by the start its tests share
# (``same_start``), and that start with the count of writes when the running test began.
_AT_START: dict[object, dict] = {}
_RUNNING: list = []


@contextmanager
def same_start(start: object) -> Iterator[None]:
    """Around a test that starts from the tables every test of ``start`` starts from (a
    module's world with its people signed in, each test in a transaction rolled back): on
    SQLite, a snapshot taken before the test has written anything is read once for all of
    them (the matrix reads every table at the start of each of its 1,300 tests)."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    _RUNNING[:] = [start, connection.connection.total_changes]
    try:
        yield
    finally:
        _RUNNING.clear()


def forget_start(start: object) -> None:
    """When the tables ``start`` named are gone (the module's world put back)."""
    _AT_START.pop(start, None)


def snapshot(*, since: Snapshot | None = None) -> Snapshot:
    """Every table of the project's own apps: a digest of its rows (PostgreSQL) or the rows.

    ``since``, a snapshot taken earlier in the same test: on SQLite, when this connection
    has written no row since, its tables are this one's and are not read again (the matrix
    takes two snapshots around each of its requests, and a refused request writes nothing).
    It holds as long as no transaction begun before ``since`` was rolled back in between,
    which a test sending requests does not do: a write undone after ``since`` was counted
    when it was made, and the tables are read again."""
    models = project_models()
    if connection.vendor == "postgresql":
        # One round trip for all the tables: the matrix takes hundreds of snapshots.
        quote = connection.ops.quote_name
        parts = [
            f"SELECT %s, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
            f"FROM {quote(model._meta.db_table)} t"
            for model in models
        ]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), [m._meta.label for m in models])
            return Snapshot({label: (count, digest) for label, count, digest in cursor.fetchall()})
    connection.ensure_connection()
    database = connection.connection
    writes = database.total_changes
    if since is not None and since.writes == writes:
        return since
    unwritten = bool(_RUNNING) and _RUNNING[1] == writes
    if unwritten and _RUNNING[0] in _AT_START:
        return Snapshot(_AT_START[_RUNNING[0]], writes)
    # Each table's rows as the database holds them, read through sqlite3's own cursor without
    # building a model or a dictionary per row (a tenth of the time of the ORM's values()).
    quote = connection.ops.quote_name
    cursor = database.cursor()
    try:
        tables = {
            model._meta.label: cursor.execute(
                f"SELECT * FROM {quote(model._meta.db_table)} ORDER BY rowid"
            ).fetchall()
            for model in models
        }
    finally:
        cursor.close()
    if unwritten:
        _AT_START[_RUNNING[0]] = tables
    return Snapshot(tables, writes)


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """The tables whose rows differ."""
    return sorted(label for label in before.tables if before.tables[label] != after.tables[label])

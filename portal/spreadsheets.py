"""CSV in and out: cells safe in a spreadsheet, and the one machine every CSV import uses.

An import is all or nothing. ``run_import(spec, stream)`` reads the file once, as a stream
(memory stays flat however long it is), and

1. checks the header: the spec's required columns, and only its known ones;
2. checks each row with ``spec.check(row)`` (``RowError`` names what is wrong), counting
   lines as a spreadsheet does (the header is line 1; a quoted cell may span lines);
3. writes every good row to a temporary staging table of the spec's ``staging`` columns
   (PostgreSQL ``COPY``; batched inserts elsewhere), so that rows never pile up in memory;
4. asks the database for rows that repeat an earlier one (``duplicate_key``) and for the
   spec's own checks against what is already stored (``database_problems``);
5. when nothing is wrong, lets the spec ``save`` from the staging table with set-based SQL,
   in the same transaction; otherwise rolls everything back.

It answers ``ImportOutcome(created, errors)``: every bad row once, by line, with all that is
wrong with it. ``progress(rows_read)`` is called as the file is read (every ``every`` rows
and at the end), for a page that shows how far a large import has got.
"""

import csv
import io
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str | int | float:
    """A cell a spreadsheet shows as text: one that would start a formula gets a quote.

    Numbers stay numbers (a negative number is not a formula once written by csv)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


class RowError(Exception):
    """What is wrong with one row, in words for the person who sent the file. ``values``,
    when the row can still be staged (each value fits its column), lets the checks against
    the other rows and the stored ones report their problems with the same row too: every
    error of every row comes back at once, and nothing is saved while any remains."""

    def __init__(self, *messages: str, values: tuple | None = None):
        super().__init__("; ".join(messages))
        self.messages = list(messages)
        self.values = values


@dataclass
class ImportOutcome:
    created: int = 0
    errors: list[dict] = field(default_factory=list)  # [{"line": L, "message": "..."}]
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class CsvImport:
    """What one kind of import declares; ``run_import`` does the rest.

    * ``required`` / ``optional``: the header's column names (lower case).
    * ``staging``: ``(name, sql_type)`` of the clean values ``check`` answers, in order.
    * ``duplicate_key``: staging columns that no two rows may share; ``duplicate_message``
      says so, given the line it repeats.
    * ``prepare()``: load what the checks need (reference data) before reading: the
      connection is busy streaming while rows are read, so ``check`` must not query.
    * ``check(row) -> tuple``: the staging values of a row (``row`` maps column to the
      stripped cell, "" when absent), or ``RowError``.
    * ``database_problems(cursor, table) -> [(line, message)]``: checks against stored rows.
    * ``save(cursor, table) -> int``: write the staged rows where they belong; answer how
      many things were created.
    """

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    staging: tuple[tuple[str, str], ...] = ()
    duplicate_key: tuple[str, ...] = ()

    def prepare(self) -> None:
        pass

    def check(self, row: dict[str, str]) -> tuple:
        raise NotImplementedError

    def duplicate_message(self, first_line: int) -> str:
        return f"This row repeats line {first_line}."

    def database_problems(self, cursor, table: str) -> Iterable[tuple[int, str]]:
        return []

    def save(self, cursor, table: str) -> int:
        raise NotImplementedError


def run_import(
    spec: CsvImport,
    stream,
    *,
    progress: Callable[[int], None] | None = None,
    every: int = 5000,
) -> ImportOutcome:
    """Import the CSV in the binary ``stream`` as ``spec`` says: all rows or none."""
    outcome = ImportOutcome()
    problems: dict[int, list[str]] = {}
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    table = f"import_{uuid.uuid4().hex[:16]}"
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error):
        header = None
    columns = _check_header(spec, header, problems)
    if columns is None:
        outcome.errors = _as_errors(problems)
        return outcome
    spec.prepare()
    with transaction.atomic():
        with connection.cursor() as cursor:
            _create_staging(cursor, table, spec)
            with _Writer(cursor, table, spec) as writer:
                outcome.rows = _read(spec, reader, columns, writer, problems, progress, every)
            if connection.vendor == "postgresql":
                # Statistics for the planner: the queries below join the staged rows.
                cursor.execute(f"ANALYZE {table}")
            _find_duplicates(cursor, table, spec, problems)
            for line, message in spec.database_problems(cursor, table):
                problems.setdefault(line, []).append(message)
            if not problems:
                outcome.created = spec.save(cursor, table)
            cursor.execute(f"DROP TABLE {table}")
        if problems:
            transaction.set_rollback(True)
    if progress is not None:
        progress(outcome.rows)
    outcome.errors = _as_errors(problems)
    if outcome.errors:
        outcome.created = 0
    return outcome


def _as_errors(problems: dict[int, list[str]]) -> list[dict]:
    return [
        {"line": line, "message": " ".join(_sentence(m) for m in messages)}
        for line, messages in sorted(problems.items())
    ]


def _sentence(message: str) -> str:
    return message if message.endswith((".", "?", "!")) else message + "."


def _check_header(spec: CsvImport, header, problems) -> list[str] | None:
    wanted = ", ".join(spec.required)
    if not header:
        problems[1] = [f"The file is empty or not UTF-8 text: it needs the header {wanted}"]
        return None
    columns = [cell.strip().lower() for cell in header]
    missing = [c for c in spec.required if c not in columns]
    unknown = [c for c in columns if c not in spec.required and c not in spec.optional]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    messages = []
    if missing:
        messages.append(f"The header lacks {', '.join(missing)}: it needs {wanted}")
    if unknown:
        optional = f" (and optionally {', '.join(spec.optional)})" if spec.optional else ""
        messages.append(
            f"The header has columns this import does not take: {', '.join(unknown)}; "
            f"use {wanted}{optional}"
        )
    if repeated:
        messages.append(f"The header names {', '.join(repeated)} more than once")
    if messages:
        problems[1] = messages
        return None
    return columns


def _read(spec, reader, columns, writer, problems, progress, every) -> int:
    rows = 0
    width = len(columns)
    absent = {name: "" for name in spec.optional if name not in columns}
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except UnicodeDecodeError:
            problems.setdefault(line, []).append("This line is not UTF-8 text; save as CSV UTF-8")
            break
        except csv.Error as error:
            problems.setdefault(line, []).append(f"This line cannot be read as CSV ({error})")
            break
        if any(cell.strip() for cell in cells):
            rows += 1
            try:
                if len(cells) != width:
                    raise RowError(f"This row has {len(cells)} cells; the header has {width}")
                if "\x00" in "".join(cells):
                    raise RowError("This row holds a NUL character")
                row = dict(zip(columns, map(str.strip, cells), strict=True))
                if absent:
                    row.update(absent)
                values = spec.check(row)
            except RowError as error:
                problems.setdefault(line, []).extend(error.messages)
                if error.values is not None:
                    writer.write((line, *error.values))
            else:
                writer.write((line, *values))
            if progress is not None and rows % every == 0:
                progress(rows)
        line = reader.line_num + 1
    return rows


def _create_staging(cursor, table: str, spec: CsvImport) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind in spec.staging)
    temporary = "TEMPORARY " if connection.vendor in ("postgresql", "sqlite") else ""
    # No index: rows arrive in line order, once each, and every query reads them all.
    cursor.execute(f"CREATE {temporary}TABLE {table} (line integer NOT NULL, {columns})")


class _Writer:
    """Rows into the staging table as they are read: on PostgreSQL ``COPY`` in its CSV format
    (written by the csv module, a block at a time), else batched inserts."""

    BATCH = 2000

    def __init__(self, cursor, table: str, spec: CsvImport):
        self.cursor = cursor
        self.names = ["line", *(name for name, _ in spec.staging)]
        self.table = table
        self.batch: list[tuple] = []
        self.copy = None

    def __enter__(self):
        if connection.vendor == "postgresql":
            # An empty unquoted field is NULL; csv quotes empty strings, so "" stays "".
            sql = f"COPY {self.table} ({', '.join(self.names)}) FROM STDIN WITH (FORMAT csv)"
            self._copy_context = self.cursor.cursor.copy(sql)
            self.copy = self._copy_context.__enter__()
            self.buffer = io.StringIO()
            self.csv = csv.writer(self.buffer, lineterminator="\n", quoting=csv.QUOTE_STRINGS)
        return self

    def write(self, row: tuple) -> None:
        self.batch.append(row)
        if len(self.batch) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self.batch:
            return
        if self.copy is not None:
            self.csv.writerows(self.batch)
            self.copy.write(self.buffer.getvalue())
            self.buffer.seek(0)
            self.buffer.truncate()
        else:
            marks = ", ".join(["%s"] * len(self.names))
            self.cursor.executemany(
                f"INSERT INTO {self.table} ({', '.join(self.names)}) VALUES ({marks})", self.batch
            )
        self.batch = []

    def __exit__(self, kind, error, trace):
        if kind is None:
            self._flush()
        if self.copy is not None:
            return self._copy_context.__exit__(kind, error, trace)
        return False


def _find_duplicates(cursor, table: str, spec: CsvImport, problems) -> None:
    if not spec.duplicate_key:
        return
    key = ", ".join(spec.duplicate_key)
    cursor.execute(
        f"SELECT line, first FROM (SELECT line, MIN(line) OVER (PARTITION BY {key}) AS first "
        f"FROM {table}) AS ranked WHERE line <> first ORDER BY line"
    )
    for line, first in cursor.fetchall():
        problems.setdefault(line, []).append(spec.duplicate_message(first))

"""How many rows the database read to answer what a block of code asked: what the tests
and the scale benchmark count to show that a page reads what it shows, not the table.

Each ``SELECT`` the block ran is run again under ``EXPLAIN (ANALYZE, FORMAT JSON)``, and
every scan of a table or an index adds what it read: the rows it passed on and those its
filter removed, times its loops. PostgreSQL only (SQLite gives no such counts).
"""

import json
import re
from contextlib import contextmanager

from django.db import connections
from django.test.utils import CaptureQueriesContext

SCANS = {
    "Seq Scan",
    "Index Scan",
    "Index Only Scan",
    "Bitmap Heap Scan",
    "Tid Scan",
    "Tid Range Scan",
}


def _read(node: dict) -> int:
    own = 0
    if node["Node Type"] in SCANS:
        passed = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
        passed += node.get("Rows Removed by Index Recheck", 0)
        own = round(passed * node.get("Actual Loops", 1))
    return own + sum(_read(child) for child in node.get("Plans", ()))


# A query read through a server-side cursor (``.iterator()``) is logged as its DECLARE.
DECLARE = re.compile(
    r"^\s*DECLARE\s+\S+\s+.*?CURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+", re.I | re.S
)


def rows_read_by(sql: str, *, using: str = "default") -> int:
    """The rows one ``SELECT`` reads, run again under ``EXPLAIN ANALYZE``."""
    sql = DECLARE.sub("", sql, count=1)
    with connections[using].cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return _read(plan[0]["Plan"])


class Reads:
    """What a block asked the database: ``queries`` (their number), ``selects`` and ``rows``
    (what they read, by ``rows_read_by``, counted as the block ends: before anything else
    changes the tables)."""

    queries: int = 0
    selects: tuple[str, ...] = ()
    rows: int = 0


@contextmanager
def counting_reads(using: str = "default"):
    """``with counting_reads() as reads: ...`` then ``reads.queries``, ``reads.rows``."""
    reads = Reads()
    with CaptureQueriesContext(connections[using]) as captured:
        yield reads
    reads.queries = len(captured.captured_queries)
    reads.selects = tuple(
        q["sql"]
        for q in captured.captured_queries
        if DECLARE.sub("", q["sql"], count=1).lstrip().upper().startswith(("SELECT", "WITH"))
    )
    reads.rows = sum(rows_read_by(sql, using=using) for sql in reads.selects)

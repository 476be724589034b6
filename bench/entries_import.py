"""Importing entries from CSV against a raw ``COPY`` of the same rows, at 10,000, 100,000 and
1,000,000 rows, with the peak memory of each import.

Run against PostgreSQL (it creates, then drops, a database of its own):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/exams_portal \
        .venv/bin/python bench/entries_import.py [--rows 10000 100000 1000000]

For each size it writes a CSV file (one centre, 120 syllabuses, each candidate entered for
all of them), then, each in a fresh process so that peak memory is the import's own:

* **COPY bare**: ``COPY`` of the file as it is into a table of its columns with no index or
  constraint: the floor for moving the bytes into PostgreSQL;
* **COPY tables** (the ratio's baseline): ``COPY`` of the same rows, already shaped as the
  candidate and entry rows they become (ids resolved beforehand, untimed), into the real
  tables with their indexes and foreign keys, and the commit that checks those keys;
* **import**: ``entries.services.import_entries``, the path the API and the upload page take
  (every row checked, the staging table, the database checks, candidates and entries saved).

It prints seconds, rows per second, the ratio import / COPY tables and the peak resident
memory of each process (the table COPY holds its shaped rows in memory; the import
streams). Not part of the tests.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "exams_portal_bench_entries"
SYLLABUSES = 120
HEADER = "candidate_number,surname,forenames,date_of_birth,syllabus_code,option_code"


def bench_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("Point DATABASE_URL at PostgreSQL: the benchmark measures COPY.")
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def admin_connection(url: str):
    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def setup_django(url: str, *, migrate: bool = False) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CACHE_URL", None)
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def reference_data() -> None:
    import datetime as dt

    from django.utils import timezone

    from entries.models import Component, EntryOption, Series, Syllabus
    from portal.centres.models import Centre

    Centre.objects.get_or_create(number="GB001", defaults={"name": "Bench School"})
    options = []
    for index in range(SYLLABUSES):
        syllabus, _ = Syllabus.objects.get_or_create(
            code=f"{1000 + index:04d}",
            defaults={"title": f"Subject {index}", "qualification": "IGCSE"},
        )
        component, _ = Component.objects.get_or_create(
            syllabus=syllabus, code="42", defaults={"title": "P4"}
        )
        options.append((syllabus, component))
    for size, prefix in [(size, prefix) for size in ARGS.rows for prefix in "BC"]:
        series, _ = Series.objects.get_or_create(
            code=f"{prefix}{len(str(size))}",
            defaults={
                "name": f"Bench {prefix} {size}",
                "entry_deadline": dt.date(2099, 1, 1),
                "results_release_at": timezone.now() + dt.timedelta(days=365),
            },
        )
        for syllabus, component in options:
            option, _ = EntryOption.objects.get_or_create(
                series=series, syllabus=syllabus, code="42"
            )
            option.components.set([component])


def write_csv(path: Path, rows: int) -> None:
    with path.open("w") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            candidate = n // SYLLABUSES + 1
            out.write(
                f"{candidate:04d},Surname{candidate},Forename{candidate},2010-01-01,"
                f"{1000 + n % SYLLABUSES:04d},42\n"
            )


def _shaped_rows(path: str, series, centre):
    """The file's rows as the candidate and entry rows they become, ids given (untimed)."""
    import csv
    import io

    from django.db import connection
    from django.utils import timezone

    from entries.models import Syllabus
    from entries.uci import propose_uci

    syllabuses = dict(Syllabus.objects.values_list("code", "id"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM entries_candidate")
        next_id = cursor.fetchone()[0] + 1
    candidates, entries, ids = io.StringIO(), io.StringIO(), {}
    now = timezone.now().isoformat()
    with open(path, newline="") as source:
        for row in csv.DictReader(source):
            number = row["candidate_number"]
            if number not in ids:
                ids[number] = next_id
                next_id += 1
                uci = propose_uci(centre_number="GB001", year=2027, candidate_number=number)
                candidates.write(
                    f"{ids[number]}\t{centre.pk}\t{series.pk}\t{number}\t{uci}\t"
                    f"{row['surname']}\t{row['forenames']}\t{row['date_of_birth']}\n"
                )
            entries.write(
                f"{ids[number]}\t{centre.pk}\t{syllabuses[row['syllabus_code']]}\t"
                f"{row['option_code']}\t"
                f"provisional\t0\t{now}\n"
            )
    return candidates.getvalue(), entries.getvalue()


def child(mode: str, size: int, path: str) -> None:
    """One measurement in this process: print seconds and peak memory as JSON."""
    setup_django(os.environ["DATABASE_URL"])
    from django.db import connection, transaction

    from entries.models import Series
    from entries.services import import_entries
    from portal.centres.models import Centre

    series = Series.objects.get(code=f"{'C' if mode == 'tables' else 'B'}{len(str(size))}")
    centre = Centre.objects.get(number="GB001")
    connection.ensure_connection()
    shaped = _shaped_rows(path, series, centre) if mode == "tables" else None
    started = time.perf_counter()
    if mode == "bare":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS bench_raw (candidate_number varchar(4), "
                "surname varchar(100), forenames varchar(100), date_of_birth date, "
                "syllabus_code varchar(4), option_code varchar(4))"
            )
            cursor.execute("TRUNCATE bench_raw")
            with (
                open(path, "rb") as source,
                cursor.cursor.copy(
                    "COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)"
                ) as copy,
            ):
                while block := source.read(1 << 16):
                    copy.write(block)
    elif mode == "tables":
        candidates, entries = shaped
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(
                "COPY entries_candidate (id, centre_id, series_id, candidate_number, uci, "
                "surname, forenames, date_of_birth) FROM STDIN"
            ) as copy:
                copy.write(candidates)
            with cursor.cursor.copy(
                "COPY entries_entry (candidate_id, centre_id, syllabus_id, option_code, status, "
                "late_fee, created_at) FROM STDIN"
            ) as copy:
                copy.write(entries)
    else:
        with open(path, "rb") as source:
            outcome = import_entries(centre=centre, series=series, stream=source, by=None)
        if outcome.errors:
            sys.exit(f"The import refused rows: {outcome.errors[:3]}")
        size = outcome.created
    seconds = time.perf_counter() - started
    if mode == "tables":
        # Ids were given: move the sequence past them for the import that follows (untimed).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('entries_candidate', 'id'), "
                "(SELECT MAX(id) FROM entries_candidate))"
            )
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "created": size, "peak_mib": peak_kib / 1024}))


def measure(url: str, mode: str, size: int, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(size), str(path)],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"{mode} {size}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    url = bench_url(os.environ.get("DATABASE_URL", ""))
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    try:
        setup_django(url, migrate=True)
        reference_data()
        from django.db import connections

        connections.close_all()
        print(
            f"{'rows':>10} {'COPY bare s':>11} {'COPY tables s':>13} {'import s':>9} "
            f"{'ratio':>6} {'import rows/s':>14} {'tables MiB':>10} {'import MiB':>10}"
        )
        with tempfile.TemporaryDirectory() as folder:
            for size in ARGS.rows:
                path = Path(folder) / f"entries-{size}.csv"
                write_csv(path, size)
                bare = measure(url, "bare", size, path)
                tables = measure(url, "tables", size, path)
                imported = measure(url, "import", size, path)
                assert imported["created"] == size, imported
                ratio = imported["seconds"] / tables["seconds"]
                print(
                    f"{size:>10,} {bare['seconds']:>11.2f} {tables['seconds']:>13.2f} "
                    f"{imported['seconds']:>9.2f} {ratio:>6.2f} "
                    f"{size / imported['seconds']:>14,.0f} {tables['peak_mib']:>10.0f} "
                    f"{imported['peak_mib']:>10.0f}",
                    flush=True,
                )
                path.unlink()
    finally:
        from django.db import connections

        connections.close_all()
        with admin_connection(url) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--child", nargs=3, metavar=("MODE", "SIZE", "PATH"))
    ARGS = parser.parse_args()
    if ARGS.child:
        child(ARGS.child[0], int(ARGS.child[1]), ARGS.child[2])
    else:
        main()

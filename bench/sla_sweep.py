"""How a sweep scales: a million running clocks, of which 100, 1,000 or 10,000 are due.

Run against PostgreSQL (it creates, then drops, a database of its own):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/exams_portal \
        .venv/bin/python bench/sla_sweep.py [--clocks 1000000]

It prints the plan of the sweep's selecting query (the partial index on running clocks) and
how long each part of a sweep takes for each number of due clocks. Not part of the tests.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "exams_portal_bench"


def bench_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("Point DATABASE_URL at PostgreSQL: the sweep's plan is PostgreSQL's.")
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def admin_connection(url: str):
    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def recreate_database(url: str) -> None:
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        conn.execute(f"CREATE DATABASE {BENCH_DATABASE}")


def drop_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    # The emails a sweep queues are sent by the task kicked after each commit: here, at once.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CACHE_URL", None)
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(total: int, now) -> None:
    """``total`` running clocks, none due yet, written by the database itself."""
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from portal.accounts.models import User
    from portal.centres.models import Centre
    from portal.sla.models import ServiceLevel

    rule = ServiceLevel.objects.get(code="complaint.acknowledge")
    for name, role in [("bench-cs", "Customer services"), ("bench-ci", "Complaints investigator")]:
        user = User.objects.create(username=name, email=f"{name}@example.org", is_staff=True)
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    case_type = ContentType.objects.get_for_model(Centre)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO sla_clock (service_level_id, code, content_type_id, object_id, reference,
                                   state, started_at, due_at, paused_days, round)
            SELECT %s, %s, %s, g, 'BEN-' || g, 'running', %s - interval '1 day',
                   %s + interval '10 days' + (g %% 100000) * interval '1 minute', 0, 0
            FROM generate_series(1, %s) AS g
            """,
            [rule.pk, rule.code, case_type.pk, now, now, total],
        )
        cursor.execute("ANALYZE sla_clock")


def make_due(count: int, now) -> None:
    """Exactly ``count`` clocks running and past due; every other clock running, not due."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE sla_notice, notifications_notification, notifications_email")
        cursor.execute("DELETE FROM core_auditevent")
        cursor.execute(
            """
            UPDATE sla_clock SET state = 'running', breached_at = NULL,
                   due_at = CASE WHEN object_id <= %s THEN %s - interval '1 hour'
                                 ELSE %s + interval '10 days' + (object_id %% 100000)
                                      * interval '1 minute' END
            WHERE state <> 'running' OR object_id <= %s OR due_at < %s
            """,
            [count, now, now, count, now],
        )
        cursor.execute("VACUUM ANALYZE sla_clock")


def selecting_queries(now) -> dict:
    """The queries each pass of a sweep starts with, as the sweep builds them."""
    from portal.sla.models import Clock, Notice

    return {
        "breach pass (running clocks past due)": Clock.objects.due(now)
        .order_by("due_at")
        .select_for_update(skip_locked=True)
        .values_list("pk", "round", "code", "due_at")[:500],
        "reminder pass (running clocks whose reminder is due)": Clock.objects.reminders_due(now)
        .order_by("remind_at")
        .select_related("service_level", "centre")
        .select_for_update(skip_locked=True, of=("self",))[:500],
        "send pass (notices ready to send)": Notice.objects.ready(now)
        .order_by("send_after")
        .select_for_update(skip_locked=True)
        .values_list("pk", "state", "claimed_at")[:500],
    }


def explain(query) -> str:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def timed_sweep(now, *, send: bool = True) -> dict:
    from django.core import mail

    from portal.sla import sweeps

    mail.outbox = []
    timings, counts = {}, {}
    started = time.perf_counter()
    counts["breached"] = 0
    while True:
        done = sweeps.breach_due_clocks(now=now, limit=sweeps.BATCH_SIZE)
        counts["breached"] += done
        if done < sweeps.BATCH_SIZE:
            break
    timings["breach"] = time.perf_counter() - started
    started = time.perf_counter()
    counts["reminders"] = sweeps.queue_due_reminders(now=now, limit=sweeps.BATCH_SIZE)
    timings["reminders"] = time.perf_counter() - started
    started = time.perf_counter()
    counts["sent"] = 0
    while send and (claimed := sweeps.claim_notices(now=now, limit=sweeps.BATCH_SIZE)):
        outcomes = sweeps.deliver_notices(claimed, claimed_at=now).values()
        counts["sent"] += sum(outcome == "sent" for outcome in outcomes)
    timings["send"] = time.perf_counter() - started
    counts["emails"] = len(mail.outbox)
    return {"timings": timings, "counts": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clocks", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, nargs="*", default=[0, 100, 1_000, 10_000])
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--no-send", action="store_true", help="time the passes that select, not the sending"
    )
    args = parser.parse_args()
    source = os.environ.get("DATABASE_URL", "")
    url = bench_url(source)
    recreate_database(url)
    try:
        setup_django(url)
        from django.utils import timezone

        now = timezone.now()
        started = time.perf_counter()
        fill(args.clocks, now)
        print(f"filled {args.clocks:,} running clocks in {time.perf_counter() - started:.1f} s")
        # Timings on a shared machine mean little without knowing how busy it was.
        print("load average: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        make_due(1_000, now)
        for name, query in selecting_queries(now).items():
            print(f"\n{name}, 1,000 clocks due:\n")
            print(explain(query))
        print(f"\n{'due':>7} {'breach pass':>12} {'reminders':>10} {'send':>9} {'emails':>7}")
        for count in args.due:
            make_due(count, now)
            result = timed_sweep(now, send=not args.no_send)
            t, c = result["timings"], result["counts"]
            assert c["breached"] == count, c
            print(
                f"{count:>7,} {t['breach'] * 1000:>9.1f} ms {t['reminders'] * 1000:>7.1f} ms "
                f"{t['send']:>7.2f} s {c['emails']:>7,}"
            )
    finally:
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()

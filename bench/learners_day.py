"""Results day at learners' scale: 500,000 learners reading their own results in the first
minute after the release.

Run against PostgreSQL and Redis (it creates, then drops, a database of its own):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/exams_portal \
    REDIS_URL=redis://127.0.0.1:6379/13 \
        .venv/bin/python bench/learners_day.py [--learners 500000] [--clients 200] [--seconds 30]

It fills the database with SQL (``INSERT ... SELECT generate_series`` and ``COPY``): 2,000
centres with 250 candidates each, every candidate with a UCI, 4 results of one series (1 in
100 withheld) and a learner account (one precomputed password hash for all) signed in with
a browser session of its own (the rows of ``django_session``, each payload signed once).
The series is released ten seconds after gunicorn starts: from three seconds before the
instant, a few learners read their results again and again, and no answer finished before
the instant may hold any; from the instant, each must hold all four. Then the release sweep
runs, and, as ``bench/results_day.py`` does, with the same clients and for the same time:
the bare view, ``GET /api/v1/learner/results/`` as a random learner (their session cookie)
twice, the first pass being the first minute (almost every request a learner's first
read), the bare view again; then the bare view and the learners' read paced to ``--rate``
requests a second. Traffic goes only to 127.0.0.1. Not part of the tests.
"""

import argparse
import datetime as dt
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import results_day  # noqa: E402

BENCH_DATABASE = "exams_portal_bench_learners"
PER_CENTRE = 250
SYLLABUSES = ["0580", "0610", "0620", "0625"]
# How many learners the checks around the instant read as.
CHECKED = 5


def bench_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("Point DATABASE_URL at PostgreSQL.")
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def fill(learners: int) -> list[str]:
    """The database of the run; answers the learners' session keys."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from entries.models import Series, Syllabus
    from portal.accounts.models import User
    from portal.centres.models import Centre

    call_command("migrate", verbosity=0)
    # Released later (``release``): the checks around the instant read before it.
    series = Series.objects.create(
        code="BENCH",
        name="June 2027",
        entry_deadline=dt.date(2027, 2, 21),
        results_release_at=timezone.now() + dt.timedelta(days=30),
    )
    for code in SYLLABUSES:
        Syllabus.objects.get_or_create(code=code, defaults={"title": f"Subject {code}"})
    centres = -(-learners // PER_CENTRE)
    made = Centre.objects.bulk_create(
        Centre(number=f"{'GXYZ'[n // 1000]}B{n % 1000:03d}", name=f"Centre {n}",
               country="GB", timezone="Europe/London", status="active")
        for n in range(centres)
    )  # fmt: skip
    password = make_password("bench-learner")
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO accounts_user (password, is_superuser, username, first_name,
                   last_name, is_staff, is_active, date_joined, email, time_zone)
               SELECT %s, false, 'bench-learner-' || n, '', '', false, true, now(),
                   'learner' || n || '@example.org', ''
               FROM generate_series(0, %s - 1) AS n""",
            [password, learners],
        )
        cursor.execute(
            """INSERT INTO entries_candidate (candidate_number, uci, surname, forenames,
                   date_of_birth, centre_id, series_id)
               SELECT lpad((n %% %s + 1)::text, 4, '0'), 'U' || lpad(n::text, 12, '0'),
                   'Cand' || n, 'Alex', '2010-01-01', (%s::bigint[])[n / %s + 1], %s
               FROM generate_series(0, %s - 1) AS n""",
            [PER_CENTRE, [c.pk for c in made], PER_CENTRE, series.pk, learners],
        )
        cursor.execute(
            """INSERT INTO learners_learneraccount (uci, email, created_at, invited_at,
                   centre_id, user_id, language)
               SELECT c.uci, 'learner' || c.r || '@example.org', now(), now(), c.centre_id,
                   u.id, 'en-gb'
               FROM (SELECT id, uci, centre_id, row_number() OVER (ORDER BY id) AS r
                     FROM entries_candidate) AS c
               JOIN (SELECT id, row_number() OVER (ORDER BY id) AS r FROM accounts_user
                     WHERE username LIKE 'bench-learner-%%') AS u USING (r)"""
        )
        cursor.execute(
            """INSERT INTO results_result (status, grade, component_marks, created_at,
                   candidate_id, centre_id, series_id, syllabus_id, last_move)
               SELECT CASE WHEN w THEN 'withheld' ELSE 'issued' END,
                   CASE WHEN w THEN '' ELSE (ARRAY['A*','A','B','C','D','E'])[1 + c.id %% 6]
                   END, '{}', now(), c.id, c.centre_id, c.series_id, s.id, ''
               FROM entries_candidate AS c
               CROSS JOIN entries_syllabus AS s
               CROSS JOIN LATERAL (SELECT (c.id + s.id) %% 100 = 0 AS w) AS withheld
               WHERE s.code = ANY(%s)""",
            [SYLLABUSES],
        )
        # Each learner signed in: one session row each, its payload signed as a sign-in
        # would have (the auth hash is the same for all: one password hash).
        auth_hash = User(password=password).get_session_auth_hash()
        cursor.execute(
            "SELECT id FROM accounts_user WHERE username LIKE 'bench-learner-%%' ORDER BY id"
        )
        user_ids = [row[0] for row in cursor.fetchall()]
        store = SessionStore()
        expires = timezone.now() + dt.timedelta(hours=12)
        keys = []
        rows = io.StringIO()
        for user_id in user_ids:
            key = f"learner{user_id:025d}"
            data = store.encode(
                {
                    "_auth_user_id": str(user_id),
                    "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                    "_auth_user_hash": auth_hash,
                }
            )
            keys.append(key)
            rows.write(f"{key}\t{data}\t{expires.isoformat()}\n")
        raw = connection.connection
        with raw.cursor().copy(
            "COPY django_session (session_key, session_data, expire_date) FROM STDIN"
        ) as copy:
            copy.write(rows.getvalue())
        # As autovacuum would have by results day, rather than during a measured pass.
        cursor.execute("VACUUM ANALYZE")
    # And, as each sign-in does, each session remembered for the short way.
    signed_in(keys)
    return keys


def signed_in(keys: list[str]) -> None:
    """Each session remembered as a learner's sign-in remembers it (in chunks)."""
    from results.learners import remembered
    from results.learners.models import LearnerAccount

    accounts = dict(
        (user_id, (centre_id, uci))
        for user_id, centre_id, uci in LearnerAccount.objects.values_list(
            "user_id", "centre_id", "uci"
        ).iterator(chunk_size=10_000)
    )
    expires = time.time() + 12 * 3600
    for start in range(0, len(keys), 10_000):
        chunk = keys[start : start + 10_000]
        sessions = []
        for key in chunk:
            user_id = int(key.removeprefix("learner"))
            centre_id, uci = accounts[user_id]
            sessions.append(remembered.Session(key, user_id, centre_id, uci, expires))
        remembered.signed_in(sessions, checked=time.time())


def results_seen(port: int, key: str) -> list[dict]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    client.request("GET", "/api/v1/learner/results/", headers={"Cookie": f"sessionid={key}"})
    answer = client.getresponse()
    body = answer.read()
    if answer.status != 200:
        sys.exit(f"The learners' read answered {answer.status}: {body[:200]!r}")
    return json.loads(body)["results"]


def release(port: int, keys: list[str]) -> None:
    """The series released in a few seconds; a few learners read from three seconds before
    the instant (nothing in any answer finished before it) and after it (all of their
    results), then the release sweep runs, as beat would at the instant."""
    from django.utils import timezone

    from entries.models import Series
    from results import release

    instant = (timezone.now() + dt.timedelta(seconds=10)).replace(microsecond=0)
    Series.objects.filter(code="BENCH").update(results_release_at=instant)
    checked = keys[:: len(keys) // CHECKED][:CHECKED]
    time.sleep(max(0.0, (instant - timezone.now()).total_seconds() - 3))
    before = []
    while timezone.now() < instant - dt.timedelta(seconds=0.2):
        for key in checked:
            seen = len(results_seen(port, key))
            if timezone.now() < instant:
                before.append(seen)
    if not before or any(before):
        sys.exit(f"Results seen in answers before the instant: {before}")
    time.sleep(max(0.0, (instant - timezone.now()).total_seconds()))
    after = [len(results_seen(port, key)) for key in checked]
    if after != [len(SYLLABUSES)] * len(checked):
        sys.exit(f"Results not all seen from the instant: {after}")
    print(f"before the instant: {len(before)} answers, {sum(before)} results; "
          f"from it: {after}")  # fmt: skip
    from portal.outbox.models import QueuedTask
    from portal.outbox.services import run_queued_task

    started = time.perf_counter()
    release.send_release_notices()
    print(f"release sweep (notices, tokens) in {time.perf_counter() - started:.1f} s")
    # The learners' pages, built by the tasks the sweep queued, run here as one worker would.
    started = time.perf_counter()
    for pk in QueuedTask.objects.filter(task="learners.build_pages").values_list("pk", flat=True):
        run_queued_task(pk)
    print(f"learners' pages built by one worker in {time.perf_counter() - started:.1f} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=500_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument(
        "--rate", type=int, default=results_day.RATE, help="requests a second of the paced passes"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    database = bench_url(base)
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: the portal caches in Redis, as in production.")
    with results_day.admin_connection(base) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    server = None
    try:
        os.environ.update(results_day.environment(database))
        started = time.perf_counter()
        keys = fill(args.learners)
        print(f"filled {len(keys)} learners, {len(keys) * len(SYLLABUSES)} results "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        port = results_day.free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "3", "--threads", "4",
             "--no-control-socket", "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=results_day.environment(database), start_new_session=True,
        )  # fmt: skip
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        results_day.measure(port, "bare", keys, args.clients, 3)  # every worker and thread up
        release(port, keys)
        figures = {}
        for label, kind in (("bare", "bare"), ("learners_cold", "learner"),
                            ("learners", "learner"), ("bare_again", "bare")):  # fmt: skip
            figures[label] = results_day.measure(port, kind, keys, args.clients, args.seconds)
            print(label, json.dumps(figures[label]))
        for label, kind in (("bare_paced", "bare"), ("learners_paced", "learner")):
            figures[label] = results_day.measure(
                port, kind, keys, args.clients, args.seconds, rate=args.rate
            )
            print(label, json.dumps(figures[label]))
        bare = (figures["bare"]["rps"] + figures["bare_again"]["rps"]) / 2
        print(f"ratio learners/bare: {figures['learners']['rps'] / bare:.2f} "
              f"(first minute: {figures['learners_cold']['rps'] / bare:.2f})")  # fmt: skip
        print(f"at {args.rate} requests/s from {args.clients} clients: p99 "
              f"{figures['learners_paced']['p99_ms']} ms "
              f"(bare view {figures['bare_paced']['p99_ms']} ms)")  # fmt: skip
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with results_day.admin_connection(base) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()

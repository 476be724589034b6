"""Results day: thousands of exams officers asking for their results in the first minute.

Run against PostgreSQL and Redis (it creates, then drops, a database of its own):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/exams_portal \
    REDIS_URL=redis://127.0.0.1:6379/13 \
        .venv/bin/python bench/results_day.py [--centres 2000] [--clients 200] [--seconds 30]

It fills the database (a released series; per centre an exams officer with an API token and
25 candidates with 4 results each), runs the release sweep (notices, the officers' tokens
remembered) and the tasks it queues (each centre's first page built), starts gunicorn on
127.0.0.1 as docker-compose.yml runs it (``--workers 3 --threads 4``, DEBUG off, persistent
database connections), and then, with the same number of concurrent keep-alive clients each time (a
small asyncio HTTP/1.1 client, in two processes), measures for the same length of time:

1. a bare Django view (``bench/results_urls.py``: the same middleware, no database);
2. ``GET /api/v1/results/?series=BENCH``, each request as a random officer (their token):
   the first pass is the first minute of results day (each officer's first read), the
   second the rest; then the bare view again;
3. both again with the clients paced to ``--rate`` requests a second in all (each client
   asking every ``clients/rate`` seconds, latency counted from when it should have asked):
   results day's traffic rather than as much as the server can take.

It prints requests per second, the median and p99 latency of each, the ratio of the results
read to the bare view, and the p99 of both at the paced rate. Traffic goes only to
127.0.0.1. Not part of the tests.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import signal
import socket
import string
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE = "exams_portal_bench_results"
SYLLABUSES = ["0580", "0610", "0620", "0625"]
# Requests of one officer in a row on a connection before it serves another (--per-officer).
PER_OFFICER = 5
# The paced passes (--rate): every centre of 10,000 asking five times (its pages, a retry)
# within the first minute is 830 requests a second; the passes ask at about that rate.
RATE = 800


def bench_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("Point DATABASE_URL at PostgreSQL.")
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def admin_connection(url: str):
    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(database: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "bench.results_settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        # The address the clients ask at (the officers' first pages are built for it).
        "PORTAL_BASE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        # A measurement, not a deployment: whatever of the embedded default the run uses.
        "ALLOW_IN_PRODUCTION": "sqlite,local-cache,local-broker,local-media,unscanned-uploads",
        "CACHE_KEY_PREFIX": f"bench-{os.getpid()}",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def centre_number(n: int) -> str:
    """GB000 to GB999, then XB000, XC000 …: a well-formed number for each of 26,000 centres."""
    if n < 1000:
        return f"GB{n:03d}"
    return f"X{string.ascii_uppercase[n // 1000]}{n % 1000:03d}"


def fill(centres: int) -> list[str]:
    """The database of the run; answers the officers' tokens."""
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from entries.models import Candidate, Entry, Series, Syllabus
    from portal.accounts.models import User
    from portal.accounts.services import issue_api_token
    from portal.centres.models import Centre, Membership
    from results import release
    from results.models import Result

    call_command("migrate", verbosity=0)
    series = Series.objects.create(
        code="BENCH",
        name="June 2027",
        entry_deadline=dt.date(2027, 2, 21),
        results_release_at=timezone.now() - dt.timedelta(seconds=1),
    )
    syllabuses = [
        Syllabus.objects.get_or_create(code=c, defaults={"title": f"Subject {c}"})[0]
        for c in SYLLABUSES
    ]
    made = Centre.objects.bulk_create(
        Centre(number=centre_number(n), name=f"Centre {n}",
               country="GB", timezone="Europe/London", status="active")
        for n in range(centres)
    )  # fmt: skip
    users = User.objects.bulk_create(
        User(username=f"bench-officer-{n}", password="!") for n in range(centres)
    )
    Membership.objects.bulk_create(
        Membership(user=u, centre=c) for u, c in zip(users, made, strict=True)
    )
    candidates = Candidate.objects.bulk_create(
        Candidate(centre=c, series=series, candidate_number=f"{k:04d}", surname=f"Cand{k}",
                  forenames="Alex", date_of_birth=dt.date(2010, 1, 1))
        for c in made for k in range(1, 26)
    )  # fmt: skip
    Entry.objects.bulk_create(
        Entry(candidate=c, centre=c.centre, syllabus=s, option_code="11")
        for c in candidates
        for s in syllabuses
    )
    grades = ["A*", "A", "B", "C", "D", "E"]
    Result.objects.bulk_create(
        (
            Result(series=series, centre_id=c.centre_id, candidate=c, syllabus=s,
                   grade=random.choice(grades))
            for c in candidates for s in syllabuses
        ),
        batch_size=5000,
    )  # fmt: skip
    tokens = [issue_api_token(u, device_name="MIS", two_factor=False)[1] for u in users]
    with connection.cursor() as cursor:
        # As autovacuum would have by results day, rather than during a measured pass.
        cursor.execute("VACUUM ANALYZE")
    # What beat runs within a minute of the instant: the release notices, the officers'
    # tokens remembered; then each centre's first page built by the tasks the sweep queued,
    # run here as one worker would.
    from portal.outbox.models import QueuedTask
    from portal.outbox.services import run_queued_task

    started = time.perf_counter()
    release.send_release_notices()
    print(f"release sweep (notices, tokens) in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    for pk in QueuedTask.objects.filter(task="results.build_pages").values_list("pk", flat=True):
        run_queued_task(pk)
    print(f"centres' first pages built by one worker in {time.perf_counter() - started:.1f} s")
    return tokens


async def _client(port, path_for, until, latencies, errors, interval):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sent = 0
    # Paced (``interval``): each client asks once per interval, from a random start, and
    # its latency counts from when it should have asked (a late answer delays the next
    # request, and that wait is counted too). Unpaced: it asks again at once.
    due = time.perf_counter() + random.uniform(0, interval or 0)
    while time.perf_counter() < until:
        if interval:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
        path, headers = path_for(sent)
        sent += 1
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode()
        started = due if interval else time.perf_counter()
        due += interval or 0
        writer.write(request)
        status_line = await reader.readline()
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - started)
        if not status_line.startswith(b"HTTP/1.1 200"):
            errors.append(status_line.decode().strip())
    writer.close()


def _load(port, kind, tokens, clients, seconds, queue, per_officer, interval):
    async def main():
        latencies, errors = [], []
        until = time.perf_counter() + seconds

        def client():
            # A school's system asks for its results a few times (its pages, a retry), then
            # the connection serves another school: thousands of officers over the run.
            token = random.choice(tokens)

            def path_for(sent):
                nonlocal token
                if kind == "bare":
                    return "/bench/bare/", ""
                if kind == "learner":
                    # A learner reads their own results once or twice, from their browser.
                    return (
                        "/api/v1/learner/results/",
                        f"Cookie: sessionid={random.choice(tokens)}\r\n",
                    )
                if sent % per_officer == 0:
                    token = random.choice(tokens)
                return "/api/v1/results/?series=BENCH", f"Authorization: Token {token}\r\n"

            return _client(port, path_for, until, latencies, errors, interval)

        await asyncio.gather(*(client() for _ in range(clients)))
        return latencies, errors

    latencies, errors = asyncio.run(main())
    queue.put((latencies, errors[:5], len(errors)))


def measure(port, kind, tokens, clients, seconds, processes=2, rate=None) -> dict:
    """``clients`` concurrent keep-alive clients for ``seconds``: as fast as they are
    answered, or together asking ``rate`` times a second (each every ``clients/rate`` s)."""
    queue = multiprocessing.Queue()
    interval = clients / rate if rate else None
    workers = [
        multiprocessing.Process(
            target=_load,
            args=(port, kind, tokens, clients // processes, seconds, queue, PER_OFFICER, interval),
        )  # fmt: skip
        for _ in range(processes)
    ]
    for w in workers:
        w.start()
    latencies, samples, failed = [], [], 0
    for _ in workers:
        found, sample, count = queue.get()
        latencies += found
        samples += sample
        failed += count
    for w in workers:
        w.join()
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "rps": round(n / seconds),
        "p50_ms": round(latencies[n // 2] * 1000, 1),
        "p99_ms": round(latencies[int(n * 0.99)] * 1000, 1),
        "errors": failed,
        "error_samples": samples,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--centres", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument(
        "--per-officer", type=int, default=5, help="requests of one officer in a row"
    )
    parser.add_argument(
        "--rate", type=int, default=RATE, help="requests a second of the paced passes"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    global PER_OFFICER
    PER_OFFICER = args.per_officer
    base = os.environ.get("DATABASE_URL", "")
    database = bench_url(base)
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: the results read is cached in Redis, as in production.")
    with admin_connection(base) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    server = None
    try:
        os.environ.update(environment(database))
        started = time.perf_counter()
        tokens = fill(args.centres)
        print(f"filled {args.centres} centres, {args.centres * 100} results "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "3", "--threads", "4",
             "--no-control-socket", "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=environment(database), start_new_session=True,
        )  # fmt: skip
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        measure(port, "bare", tokens, args.clients, 3)  # every worker and thread up
        figures = {}
        for label, kind in (("bare", "bare"), ("results_cold", "results"),
                            ("results", "results"), ("bare_again", "bare")):  # fmt: skip
            figures[label] = measure(port, kind, tokens, args.clients, args.seconds)
            print(label, json.dumps(figures[label]))
        for label, kind in (("bare_paced", "bare"), ("results_paced", "results")):
            figures[label] = measure(port, kind, tokens, args.clients, args.seconds, rate=args.rate)
            print(label, json.dumps(figures[label]))
        bare = (figures["bare"]["rps"] + figures["bare_again"]["rps"]) / 2
        print(f"ratio results/bare: {figures['results']['rps'] / bare:.2f} "
              f"(first minute: {figures['results_cold']['rps'] / bare:.2f})")  # fmt: skip
        print(f"at {args.rate} requests/s from {args.clients} clients: p99 "
              f"{figures['results_paced']['p99_ms']} ms "
              f"(bare view {figures['bare_paced']['p99_ms']} ms)")  # fmt: skip
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with admin_connection(base) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()

"""An awarding body's real size, built on PostgreSQL, and every list page timed against it.

    .venv/bin/python bench/scale.py build [--scale 0.01] [--database exams_portal_scale]
    .venv/bin/python bench/scale.py run   [--database exams_portal_scale] [--repeat 7]

``build`` (re)creates the database named by ``--database`` on the server of DATABASE_URL
(default postgres://postgres@127.0.0.1:5432), migrates it and has the database write the
rows itself (``INSERT … SELECT`` over ``generate_series``): at ``--scale 1`` 10,003 centres
(one exams officer each), 255,000 candidates (one centre of 5,000, most of 5 to 60, a few of
hundreds to 2,500; each a learner with an account of their own), 1.02 M entries and 1.02 M
results (four syllabuses a candidate: the large centre has 20,000 of each), 200,000
complaints, 1 M service-level clocks on them started over 24 months (most stopped, met or
breached; those of the last weeks running) and 2 M notifications. Columns a model adds
later are filled from their defaults.

``run`` serves the portal in this process (DEBUG off, the production settings plus a bare
view, ``bench/results_settings.py``) and asks, as an exams officer of the largest centre
and as staff with every role, every page of the list below, every list of the API and every
admin changelist, and as a learner of that centre their page and their results, each
``--repeat`` times after a first ask, each ask after one of the bare view (the two in
turns), and prints a table: the page, the rows of its main table, median and p95 ms, the
ratio of the median to the bare view's, queries, rows the database read for them (each
SELECT run again under EXPLAIN ANALYZE: see portal/observability/rows_read.py), response
bytes and the peak of Python memory allocated while answering (tracemalloc, asked once
apart). CSV exports show the time to their first byte too.

``run --served`` also asks every page as a browser or a school's system is answered: from
gunicorn (``gunicorn.conf.py``, one sync worker, started by the run on a free port of
127.0.0.1 with the same settings and database), a new connection for each ask, with the
session's cookie or an API token, the bare view asked in turns with it through the same
server; two more columns give that median and its ratio to the served bare view's.

The last column judges each row against the budgets (``over_budget``): the median at most
ten times the bare view's (served, where the run serves: the ratio people meet; in the
process otherwise), at most 30,000 rows read (a list's count, exact up to 25,000, and its
page), a page at most 1 MB, at most 16 MiB of Python memory at the peak; an export (a CSV,
streamed) its first byte within a second and the same memory, whatever it reads. It
reads "within", or what is over.
"""

import argparse
import gc
import http.client
import logging
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERIES = "J26"
SYLLABUSES = 40
PER_CANDIDATE = 4
FULL = {
    "centres": 10_003,
    "candidates": 255_000,
    "large_centre": 5_000,
    "complaints": 200_000,
    "clocks": 1_000_000,
    "notifications": 2_000_000,
}


def server_url(database: str) -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("Point DATABASE_URL at PostgreSQL: the scale benchmark is PostgreSQL's.")
    return urlunsplit(parts._replace(path=f"/{database}"))


def recreate(database: str) -> None:
    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')


def setup_django(database: str, *, settings: str = "portal.settings") -> None:
    os.environ["DATABASE_URL"] = server_url(database)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-scale-" + "x" * 40)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["PORTAL_BASE_URL"] = "https://testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    # A measurement, not a deployment: the local cache (each page's first ask fills it).
    os.environ["ALLOW_IN_PRODUCTION"] = "local-cache,local-broker,local-media,unscanned-uploads"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CACHE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- build ---------------------------------------------------------------------------------


def _default(field, now):
    """The SQL for a column the builder names no value for: its default, or an empty one."""
    from django.db import models

    if field.has_default():
        value = field.get_default()
        return "%s", [field.get_db_prep_save(value, connection=_connection())]
    if field.null:
        return "NULL", []
    if isinstance(field, models.BooleanField):
        return "false", []
    if isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField)):
        return "0", []
    if isinstance(field, models.DateTimeField):
        return "%s", [now]
    if isinstance(field, models.DateField):
        return "%s", [now.date()]
    if isinstance(field, models.JSONField):
        return "'{}'::jsonb", []
    if isinstance(field, models.UUIDField):
        return "gen_random_uuid()", []
    if isinstance(field, (models.CharField, models.TextField)):
        return "''", []
    raise ValueError(f"Name a value for {field.model.__name__}.{field.name}.")


def _connection():
    from django.db import connection

    return connection


def insert(model, source: str, values: dict, params=(), *, now) -> int:
    """``INSERT INTO <model's table> SELECT … FROM <source>``: each column from ``values``
    (by field name: SQL, or SQL and its parameters) or from its default; ``params`` are
    those of ``source``. Answer how many rows."""
    columns, exprs, args = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.name not in values:
            continue
        columns.append(f'"{field.column}"')
        given = values.get(field.name)
        if given is None:
            sql, more = _default(field, now)
        elif isinstance(given, tuple):
            sql, more = given
        else:
            sql, more = given, []
        exprs.append(sql)
        args += more
    sql = (
        f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) '
        f"SELECT {', '.join(exprs)} FROM {source}"
    )
    with _connection().cursor() as cursor:
        cursor.execute(sql, [*args, *params])
        return cursor.rowcount


def centre_sizes(scale: float, rng: random.Random) -> list[int]:
    """Candidates per centre: the large one first, then most small and a few large."""
    centres = max(3, round(FULL["centres"] * scale))
    large = max(10, round(FULL["large_centre"] * scale))
    rest = max(centres - 1, 1)
    target = max(rest * 2, round(FULL["candidates"] * scale) - large)
    weights = [rng.paretovariate(1.3) for _ in range(rest)]
    total = sum(weights)
    sizes = [max(1, w / total * target) for w in weights]
    for _ in range(20):  # the few capped at 2,500 (four-digit numbers) give theirs to the rest
        sizes = [min(2_500.0, size) for size in sizes]
        short = target - sum(sizes)
        growing = sum(size for size in sizes if size < 2_500)
        if short < 1 or not growing:
            break
        sizes = [size * (1 + short / growing) if size < 2_500 else size for size in sizes]
    return [large, *(round(size) for size in sizes)]


def build(scale: float, database: str) -> None:
    started = time.monotonic()
    recreate(database)
    setup_django(database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from complaints.models import Complaint
    from entries.models import Candidate, Entry, Series, Syllabus
    from portal.accounts.models import User
    from portal.accounts.roles import ROLES
    from portal.centres.models import Centre, Membership
    from portal.notifications.models import Notification
    from portal.sla.models import Clock, ServiceLevel
    from results.learners.models import LearnerAccount
    from results.models import Result

    now = timezone.now()
    rng = random.Random(19)
    sizes = centre_sizes(scale, rng)
    steps = []

    def step(name, count):
        steps.append((name, count, time.monotonic()))
        print(f"  {name}: {count:,} ({time.monotonic() - started:.0f} s)", flush=True)

    series = Series.objects.create(
        code=SERIES,
        name="June 2026",
        entry_deadline=(now - timezone.timedelta(days=200)).date(),
        results_release_at=now - timezone.timedelta(days=30),
    )
    Syllabus.objects.bulk_create(
        Syllabus(code=f"{580 + n:04d}", title=f"Subject {n}", qualification="Cambridge IGCSE")
        for n in range(SYLLABUSES)
    )
    staff = User.objects.create_user("bench-staff", "staff@example.org", "x", is_staff=True)
    staff.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in ROLES))

    with _connection().cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_size (n int, candidates int)")
        with cursor.copy("COPY bench_size (n, candidates) FROM STDIN") as copy:
            for n, size in enumerate(sizes, start=1):
                copy.write_row((n, size))
    step(
        "centres",
        insert(
            Centre,
            "bench_size",
            {
                "number": "'C' || lpad(n::text, 5, '0')",
                "name": "'School ' || n",
                "country": "'GB'",
                "email": "'school' || n || '@example.org'",
            },
            now=now,
        ),
    )
    step(
        "officers",
        insert(
            User,
            "bench_size",
            {
                "username": "'officer' || n",
                "email": "'officer' || n || '@example.org'",
                "password": "'!'",
            },
            now=now,
        ),
    )
    insert(
        Membership,
        "bench_size JOIN centres_centre c ON c.number = 'C' || lpad(n::text, 5, '0') "
        "JOIN accounts_user u ON u.username = 'officer' || n",
        {"user": "u.id", "centre": "c.id"},
        now=now,
    )
    step(
        "candidates",
        insert(
            Candidate,
            "bench_size JOIN centres_centre c ON c.number = 'C' || lpad(n::text, 5, '0') "
            "CROSS JOIN LATERAL generate_series(1, candidates) AS g",
            {
                "centre": "c.id",
                "series": ("%s", [series.pk]),
                "candidate_number": "lpad(g::text, 4, '0')",
                "surname": "'Surname' || g",
                "forenames": "'Sam'",
                "date_of_birth": "date '2010-01-01' + (g %% 365)",
                "uci": "'GB' || lpad(c.id::text, 5, '0') || lpad(g::text, 4, '0') || 'X'",
            },
            now=now,
        ),
    )
    # Every candidate a learner with an account of their own (all with one password hash).
    step(
        "learners",
        insert(
            User,
            "entries_candidate ca",
            {
                "username": "'learner' || ca.id",
                "email": "'learner' || ca.id || '@example.org'",
                "password": ("%s", [make_password("bench-learner")]),
            },
            now=now,
        ),
    )
    insert(
        LearnerAccount,
        "entries_candidate ca JOIN accounts_user u ON u.username = 'learner' || ca.id",
        {"user": "u.id", "centre": "ca.centre_id", "uci": "ca.uci", "email": "u.email"},
        now=now,
    )
    first = Syllabus.objects.order_by("pk").values_list("pk", flat=True).first()
    chosen = (
        "entries_candidate ca CROSS JOIN generate_series(0, %s) AS k "
        "JOIN entries_syllabus s ON s.id = %s + (ca.id * 7 + k * 11) %% %s"
    )
    step(
        "entries",
        insert(
            Entry,
            chosen,
            {
                "candidate": "ca.id",
                "centre": "ca.centre_id",
                "syllabus": "s.id",
                "option_code": "'42'",
            },
            [PER_CANDIDATE - 1, first, SYLLABUSES],
            now=now,
        ),
    )
    grades = "(ARRAY['A*','A','B','C','D','E','F','G','U'])[1 + (ca.id + k) %% 9]"
    step(
        "results",
        insert(
            Result,
            chosen,
            {
                "series": ("%s", [series.pk]),
                "centre": "ca.centre_id",
                "candidate": "ca.id",
                "syllabus": "s.id",
                "status": "CASE WHEN (ca.id + k) %% 97 = 0 THEN 'pending' ELSE 'issued' END",
                "grade": f"CASE WHEN (ca.id + k) %% 97 = 0 THEN '' ELSE {grades} END",
                "component_marks": "jsonb_build_object('1', (ca.id + k) %% 80)",
            },
            [PER_CANDIDATE - 1, first, SYLLABUSES],
            now=now,
        ),
    )
    complaints = round(FULL["complaints"] * scale)
    centres = len(sizes)
    statuses = ["received", "acknowledged", "investigating", "answered", "closed"]
    step(
        "complaints",
        insert(
            Complaint,
            "generate_series(1, %s) AS g JOIN centres_centre c "
            "ON c.number = 'C' || lpad((1 + (g::bigint * 7919) %% %s)::text, 5, '0')",
            {
                "reference": "'CMP-BENCH-' || lpad(g::text, 7, '0')",
                "centre": "c.id",
                "created_at": ("%s - (g %% 730) * interval '1 day'", [now]),
                "status": f"(ARRAY{statuses!r})[1 + g %% {len(statuses)}]",
                "subject": "'Papers arrived late ' || g",
                "description": "'The papers arrived late.'",
                "category": "'service'",
                "contact_name": "'Officer'",
                "contact_email": "'officer@example.org'",
            },
            [complaints, centres],
            now=now,
        ),
    )
    codes = list(ServiceLevel.objects.order_by("code").values_list("pk", "code"))
    # What a clock's stop stores (portal.sla.services): the time taken in its rule's unit
    # (a rule with no fixed limit counts days) and in hours; here each stopped 5 days on.
    units = [
        unit or "days"
        for unit in ServiceLevel.objects.order_by("code").values_list("limit_unit", flat=True)
    ]
    five_days = {"working_days": 3, "days": 5, "weeks": 5 / 7, "months": 5 / 30}
    complaint_type = ContentType.objects.get_for_model(Complaint).pk
    first_complaint = Complaint.objects.order_by("pk").values_list("pk", flat=True).first()
    clocks = round(FULL["clocks"] * scale)
    # Started over 24 months; those of the last three weeks still running (one per case
    # and code at most: the first round of cases only), the others met or breached.
    running = f"(g <= {complaints} AND g %% 730 < 21)"
    # A met clock stops five days after it started, five days early; a breached one
    # fifteen days after, five days late (marked missed at its due instant).
    breached = f"(NOT {running} AND g %% 9 = 0)"
    step(
        "clocks",
        insert(
            Clock,
            "generate_series(1, %s) AS g",
            {
                "service_level": f"(ARRAY{[pk for pk, _ in codes]!r})[1 + (g / {complaints}) "
                f"%% {len(codes)}]",
                "code": f"(ARRAY{[code for _, code in codes]!r})[1 + (g / {complaints}) "
                f"%% {len(codes)}]",
                "content_type": str(complaint_type),
                "object_id": f"{first_complaint} + (g - 1) %% {complaints}",
                "reference": f"'CMP-BENCH-' || lpad((1 + (g - 1) %% {complaints})::text, 7, '0')",
                "state": f"CASE WHEN {running} THEN 'running' WHEN g %% 9 = 0 THEN 'breached' "
                "ELSE 'met' END",
                "started_at": ("%s - (g %% 730) * interval '1 day'", [now]),
                "due_at": ("%s - (g %% 730) * interval '1 day' + interval '10 days'", [now]),
                "stopped_at": (
                    f"CASE WHEN {running} THEN NULL ELSE %s - (g %% 730) * interval '1 day' "
                    f"+ CASE WHEN {breached} THEN interval '15 days' ELSE interval '5 days' "
                    "END END",
                    [now],
                ),
                "breached_at": (
                    f"CASE WHEN {breached} THEN %s - (g %% 730) * interval '1 day' "
                    "+ interval '10 days' END",
                    [now],
                ),
                "time_taken": f"CASE WHEN {running} THEN NULL ELSE "
                f"(ARRAY{[float(five_days[u]) for u in units]!r})[1 + (g / {complaints}) "
                f"%% {len(codes)}] * CASE WHEN {breached} THEN 3 ELSE 1 END END",
                "time_taken_unit": f"CASE WHEN {running} THEN '' ELSE "
                f"(ARRAY{units!r})[1 + (g / {complaints}) %% {len(codes)}] END",
                "hours_taken": f"CASE WHEN {running} THEN NULL WHEN {breached} THEN 360.0 "
                "ELSE 120.0 END",
            },
            [clocks],
            now=now,
        ),
    )
    notifications = round(FULL["notifications"] * scale)
    step(
        "notifications",
        insert(
            Notification,
            "generate_series(1, %s) AS g JOIN accounts_user u "
            "ON u.username = 'officer' || (1 + (g::bigint * 7919) %% %s)",
            {
                "user": "u.id",
                "kind": "'reminder'",
                "reference": "'CMP-BENCH-' || g",
                "subject": "'A reminder ' || g",
                "body": "'Something is due.'",
                "key": "'bench:' || g",
                "created_at": ("%s - (g %% 730) * interval '1 day'", [now]),
                "read_at": ("CASE WHEN g %% 3 = 0 THEN NULL ELSE %s END", [now]),
            },
            [notifications, centres],
            now=now,
        ),
    )
    with psycopg.connect(server_url(database), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"built {database} at scale {scale} in {time.monotonic() - started:.0f} s")


# --- run -----------------------------------------------------------------------------------

OFFICER_PAGES = [
    "/",
    "/results/",
    f"/results/{SERIES}/",
    f"/results/{SERIES}/?grade=A",
    f"/results/{SERIES}/?page=40",
    f"/results/{SERIES}/results.csv",
    "/complaints/",
    "/arrangements/",
    "/enquiries/",
    "/qa/",
    "/post-results/",
    "/entries/",
    f"/entries/{SERIES}/",
    f"/entries/{SERIES}/candidates/",
    "/learner-accounts/",
    "/notifications/",
]
LEARNER_PAGES = ["/learner/", "/api/v1/learner/results/"]

# A page asked for as its "Next" link asks (the URL read from the page before it).
BY_NEXT_LINK = " (by its Next link)"

STAFF_PAGES = [
    "/",
    f"/results/{SERIES}/",
    f"/results/{SERIES}/?centre=C00001",
    f"/results/{SERIES}/?grade=A&page=20",
    f"/results/{SERIES}/?page=2000",
    # The same page as people reach it: by the "Next" link of the page before it.
    f"/results/{SERIES}/?page=2000{BY_NEXT_LINK}",
    f"/results/{SERIES}/results.csv",
    "/complaints/",
    "/arrangements/",
    "/enquiries/",
    "/qa/",
    "/notifications/",
    f"/entries/{SERIES}/",
    f"/entries/{SERIES}/candidates/",
    "/learner-accounts/",
    "/service-standards/",
    "/admin/service-levels/",
]
# Changelists as staff filter and search them: a filtered list is counted too (a state of a
# million clocks, a kind of two million notices); a centre is found by its number.
FILTERED_CHANGELISTS = [
    "/admin/sla/clock/?state__exact=met",
    "/admin/notifications/notification/?kind=reminder",
    "/admin/complaints/complaint/?status__exact=answered",
    "/admin/results/result/?q=C00001",
    "/admin/sla/clock/?q=C00001",
    "/admin/complaints/complaint/?q=C00001",
]
BARE = "/bench/bare/"
# A learner's session opens only the learner's own pages (results/learners/middleware.py):
# their bare view is one of them, or it would be measured as a refusal.
LEARNER_BARE = "/learner/bench-bare/"


def _api_lists() -> list[tuple[str, object]]:
    from django.urls import get_resolver, resolve

    from portal.api.router import router

    get_resolver().resolve("/api/v1/")
    found = []
    for prefix, _, _ in router.registry:
        url = f"/api/v1/{prefix}/" + (f"?series={SERIES}" if prefix == "results" else "")
        cls = getattr(resolve(url.split("?")[0]).func, "cls", None)
        queryset = getattr(cls, "queryset", None)
        found.append((url, getattr(cls, "model", None) or getattr(queryset, "model", None)))
    return found


def _changelists() -> list[tuple[str, object]]:
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    found = []
    for model in admin.site._registry:
        meta = model._meta
        try:
            found.append((reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"), model))
        except NoReverseMatch:
            continue
    return sorted(found, key=lambda item: item[0])


def _by_next_link(client, url: str) -> str:
    """``url`` (a page number and ``BY_NEXT_LINK``) as the "Next" link of the page before it
    gives it: that page reached by its number, or, past the pages opened by number, by the
    Next links from the last of them, page after page."""
    import re
    from html import unescape

    from results import queries, views

    base, number = re.fullmatch(r"(.*[?&]page=)(\d+)" + re.escape(BY_NEXT_LINK), url).groups()
    wanted = int(number)
    path = base.split("?")[0]
    link = f"{base}{min(wanted - 1, queries.MOST_SKIPPED // views.PAGE_SIZE + 1)}"
    while True:
        before = client.get(link, secure=True)
        found = re.search(r'href="\?([^"]+)" rel="next"', before.content.decode())
        if before.status_code != 200 or found is None:
            sys.exit(f"no Next link on {link}, on the way to {url}")
        link = f"{path}?{unescape(found.group(1))}"
        if int(re.search(r"[?&]page=(\d+)", link).group(1)) == wanted:
            return link


def _rows_in(model) -> str:
    if model is None:
        return ""
    with _connection().cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        return f"{max(cursor.fetchone()[0], 0):,}"


def _ask(client, url):
    """One ask, the whole body read: (status, ms, ms to the first byte, bytes)."""
    started = time.perf_counter()
    response = client.get(url, secure=True)
    first = None
    size = 0
    if response.streaming:
        for chunk in response.streaming_content:
            if first is None:
                first = time.perf_counter()
            size += len(chunk)
    else:
        size = len(response.content)
    ended = time.perf_counter()
    first_ms = (first - started) * 1000 if first is not None else None
    return response.status_code, (ended - started) * 1000, first_ms, size


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Served:
    """The portal answering from gunicorn in a process of its own, as in production; the
    pages asked one after another, each on a new connection (a sync worker keeps none)."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application",
             "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--timeout", "120", "--log-level", "warning"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True,
            # Each request's log line is written, as in production, where no one reads it here.
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit("gunicorn did not start")

    def ask(self, url: str, headers: dict) -> tuple[int, float]:
        """One ask, the whole body read: (status, ms)."""
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.request(
            "GET", url, headers={"Host": "testserver", "X-Forwarded-Proto": "https", **headers}
        )
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status, (time.perf_counter() - started) * 1000

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def served_headers(client) -> dict:
    """How the server is asked as ``client``'s person: the session's cookie of a signed-in
    page client, the API token an API client carries (``credentials``)."""
    token = getattr(client, "served_token", None)
    if token is not None:
        return {"Authorization": f"Token {token}"}
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


def _side_by_side(bare, page, repeat: int) -> tuple[list, list]:
    """``repeat`` asks of the bare view and of the page, taken in turns: a machine that
    slows down or speeds up in the middle of a row slows both alike, and their ratio holds."""
    bare_asks, page_asks = [], []
    for _ in range(repeat):
        bare_asks.append(bare())
        page_asks.append(page())
    return bare_asks, page_asks


def measure(
    client, url: str, *, repeat: int, served: Served | None = None, bare_url: str = BARE
) -> dict:
    from portal.observability.rows_read import counting_reads

    status, *_ = _ask(client, url)
    if status != 200:
        return {"status": status}
    served_figures = {}
    if served is not None:
        headers = served_headers(client)
        answered, _ = served.ask(url, headers)  # the worker's first ask of the page
        if answered != 200:
            sys.exit(f"{url} answered {answered} from the server, 200 in the process")
        served_bare, served_asks = _side_by_side(
            lambda: served.ask(bare_url, headers), lambda: served.ask(url, headers), repeat
        )
        if {status for status, _ in served_asks + served_bare} != {200}:
            sys.exit(f"{url} or the bare view answered other than 200 from the server")
        served_figures = {
            "served": statistics.median(ms for _, ms in served_asks),
            "served_bare": statistics.median(ms for _, ms in served_bare),
        }
    bare_asks, asks = _side_by_side(
        lambda: _ask(client, bare_url), lambda: _ask(client, url), repeat
    )
    if {status for status, *_ in bare_asks} != {200}:
        sys.exit(f"the bare view answered other than 200 beside {url}")
    bare = [ms for _, ms, *_ in bare_asks]
    with counting_reads() as reads:
        _ask(client, url)
    tracemalloc.start()
    _ask(client, url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times = [a[1] for a in asks]
    firsts = [a[2] for a in asks if a[2] is not None]
    return {
        "status": status,
        "median": statistics.median(times),
        "p95": _p95(times),
        "bare": statistics.median(bare),
        "first": statistics.median(firsts) if firsts else None,
        "queries": reads.queries,
        "rows_read": reads.rows,
        "bytes": asks[-1][3],
        "peak": peak,
        **served_figures,
    }


# The budgets every row is judged by (issue: "every page bounded at full size").
MOST_RATIO = 10
# The longest exact count of a list (``BoundedCountPaginator.EXACT_UP_TO``: 25,001 rows,
# so that a centre's own list of 20,000 entries is counted exactly), and the page's rows.
MOST_ROWS_READ = 30_000
MOST_PAGE_BYTES = 2**20
MOST_PEAK_BYTES = 16 * 2**20
MOST_FIRST_BYTE_MS = 1000


def over_budget(found: dict) -> list[str]:
    """What of a measured row is over its budget (none: it is within). An export (a streamed
    answer) reads and writes every row asked for: it is judged by its first byte and its
    memory."""
    over = []
    if found["first"] is not None:
        if found["first"] > MOST_FIRST_BYTE_MS:
            over.append(f"first byte {found['first']:.0f} ms")
        if found["peak"] > MOST_PEAK_BYTES:
            over.append(f"peak {found['peak'] / 2**20:.0f} MiB")
        return over
    if "served" in found:
        ratio, where = found["served"] / found["served_bare"], "served ratio"
    else:
        ratio, where = found["median"] / found["bare"], "ratio"
    if ratio > MOST_RATIO:
        over.append(f"{where} {ratio:.1f}")
    if found["rows_read"] > MOST_ROWS_READ:
        over.append(f"{found['rows_read']:,} rows read")
    if found["bytes"] > MOST_PAGE_BYTES:
        over.append(f"{found['bytes'] / 2**20:.1f} MB")
    if found["peak"] > MOST_PEAK_BYTES:
        over.append(f"peak {found['peak'] / 2**20:.0f} MiB")
    return over


def _wanted(url: str, only: str) -> bool:
    return any(_matches(url, part) for part in only.split(","))


def _matches(url: str, part: str) -> bool:
    """``part`` is in ``url``, or is ``url`` itself when it ends with ``$``."""
    return url == part[:-1] if part.endswith("$") else part in url


def run(database: str, *, repeat: int, only: str, served: bool = False) -> None:
    setup_django(database, settings="bench.results_settings")
    from django.conf import settings
    from django.test import Client
    from knox.settings import CONSTANTS
    from rest_framework.test import APIClient

    from portal.accounts.models import ApiToken, User
    from portal.accounts.services import issue_api_token
    from results.models import Result
    from tests.signing_in import sign_in

    logging.disable(logging.WARNING)  # a line per request would be most of the output
    # The stylesheet's hashed names need collectstatic; a page's cost does not.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    officer = User.objects.get(username="officer1")  # of the largest centre
    staff = User.objects.get(username="bench-staff")
    learner = sign_in(
        Client(raise_request_exception=False),
        User.objects.filter(learner_account__centre__number="C00001").order_by("pk").first(),
    )
    pages, api = {}, {}
    for name, user in (("officer", officer), ("staff", staff)):
        pages[name] = sign_in(Client(raise_request_exception=False), user)
        api[name] = APIClient(raise_request_exception=False)
        api[name].force_authenticate(user)
        if served:
            _, api[name].served_token = issue_api_token(
                user, device_name="scale benchmark", two_factor=True
            )
    results_rows = _rows_in(Result)
    # As each production worker does once the application is loaded (gunicorn.conf.py): what
    # is loaded by now is left out of the garbage collector's later passes, which would
    # otherwise walk it all, in the middle of a page, again and again.
    gc.collect()
    gc.freeze()
    plan = []
    for who, urls in (("officer", OFFICER_PAGES), ("staff", STAFF_PAGES)):
        for url in urls:
            if url.endswith(BY_NEXT_LINK) and not (only and not _wanted(url, only)):
                url = _by_next_link(pages[who], url)  # the page before it read once, here
            plan.append((who, url, pages[who], results_rows if "/results/" in url else ""))
    for who in ("officer", "staff"):
        plan += [(who, url, api[who], _rows_in(model)) for url, model in _api_lists()]
    # A learner of the largest centre, signed in in a browser, as learners read.
    plan += [
        ("learner", url, learner, results_rows if "results" in url else "") for url in LEARNER_PAGES
    ]
    plan += [("staff", url, pages["staff"], _rows_in(model)) for url, model in _changelists()]
    tables = {url: model for url, model in _changelists()}
    plan += [
        ("staff", url, pages["staff"], _rows_in(tables[url.split("?")[0]]))
        for url in FILTERED_CHANGELISTS
    ]

    server = Served() if served else None
    extra = " served ms | served ratio |" if served else ""
    print(
        "| who | page | rows in its table | median ms | p95 ms | bare ms | ratio | queries "
        "| rows read | bytes | peak MiB | first byte ms |" + extra + " budget |"
    )
    print(
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * (2 * served)
        + "---|"
    )  # fmt: skip
    over_rows = 0
    try:
        for who, url, client, rows in plan:
            if only and not _wanted(url, only):
                continue
            bare_url = LEARNER_BARE if who == "learner" else BARE
            found = measure(client, url, repeat=repeat, served=server, bare_url=bare_url)
            if found["status"] != 200:
                print(f"| {who} | `{url}` | {rows} | answered {found['status']} |||||||||")
                continue
            over = over_budget(found)
            over_rows += bool(over)
            first = f"{found['first']:.0f}" if found["first"] is not None else ""
            through = (
                f" {found['served']:.1f} | {found['served'] / found['served_bare']:.1f} |"
                if server is not None
                else ""
            )
            print(
                f"| {who} | `{url}` | {rows} | {found['median']:.1f} | {found['p95']:.1f} "
                f"| {found['bare']:.2f} | {found['median'] / found['bare']:.1f} "
                f"| {found['queries']} | {found['rows_read']:,} | {found['bytes']:,} "
                f"| {found['peak'] / 2**20:.1f} | {first} |{through} "
                f"{'over: ' + ', '.join(over) if over else 'within'} |",
                flush=True,
            )
        print(f"\n{over_rows} rows over budget")
    finally:
        if server is not None:
            server.stop()
        for client in api.values():
            if getattr(client, "served_token", None):
                ApiToken.objects.filter(
                    token_key=client.served_token[: CONSTANTS.TOKEN_KEY_LENGTH]
                ).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "run"])
    parser.add_argument("--scale", type=float, default=1.0, help="1 is the full size")
    parser.add_argument("--database", default="exams_portal_scale")
    parser.add_argument("--repeat", type=int, default=7, help="timed asks of each page")
    parser.add_argument(
        "--only",
        default="",
        help="only the pages whose path holds one of these (comma-separated; PATH$: that path)",
    )
    parser.add_argument(
        "--served",
        action="store_true",
        help="also ask every page from gunicorn, as browsers and schools' systems are answered",
    )
    args = parser.parse_args()
    if args.command == "build":
        build(args.scale, args.database)
    else:
        run(args.database, repeat=args.repeat, only=args.only, served=args.served)


if __name__ == "__main__":
    main()

"""Results-day delivery: N notices to 2N people, in the inbox and by email, exactly once.

Run against PostgreSQL (it creates, then drops, a database of its own):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/exams_portal \
        .venv/bin/python bench/notices.py [--notices 10000]

N centres with two exams officers each; one notice per centre (``Officers(centre)``), so N
notices reach 2N people. It measures:

1. the inbox: ``notify_all`` in chunks of 1,000 events, each chunk one transaction, until
   every inbox notice and every email row is written;
2. the email: two sender processes (``send_pending``, what the Celery task runs) against an
   SMTP server on 127.0.0.1 (aiosmtpd, in a process of its own), until every email is sent;
3. the same again with one sender killed (SIGKILL) a third of the way through: the other
   takes over the dead one's claim once it is stale, and the SMTP server's log is counted
   by Message-ID and by address: every recipient must have exactly one email.

Not part of the tests.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "exams_portal_bench_notices"
CHUNK = 1_000
# Short, so that the killed sender's claim is taken over within the run; still well above
# the time one batch takes to send (a sender hands a batch back after half of it).
CLAIM_TIMEOUT = 10
BODY = (
    "Dear exams officer,\n\nThe results of the June 2026 series for your centre are ready.\n"
    "Read them at http://127.0.0.1:8000/results/ and tell your candidates.\n\n"
    "Exams Portal\n"
) * 3
HTML = "<p>" + BODY.replace("\n\n", "</p><p>") + "</p>"


def bench_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("Point DATABASE_URL at PostgreSQL: the claims use SKIP LOCKED.")
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def admin_connection(url: str):
    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(url: str, smtp_port: int) -> dict:
    """What the bench and its senders run with: the bench database, the SMTP sink, and an
    in-memory broker (the after-commit kick goes nowhere; the senders are started here)."""
    env = dict(os.environ)
    for name in ("REDIS_URL", "CACHE_URL", "EMAIL_BACKEND"):
        env.pop(name, None)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="portal.settings",
        CELERY_BROKER_URL="memory://",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="false",
        NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT=str(CLAIM_TIMEOUT),
        LOG_LEVEL="ERROR",
        PYTHONPATH=str(ROOT),
    )
    return env


def setup_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# The SMTP server and the senders run as processes of their own --------------------------


def run_sink(port: int, log_path: str) -> None:
    """An SMTP server that accepts everything and writes "Message-ID<TAB>To" per message."""
    from email.parser import BytesHeaderParser

    from aiosmtpd.controller import Controller

    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - open while the server runs

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            headers = BytesHeaderParser().parsebytes(envelope.content)
            log.write(f"{headers['Message-ID']}\t{','.join(envelope.rcpt_tos)}\n")
            return "250 Message accepted for delivery"

    # Blocked before the server's thread starts, so that only sigwait below receives them.
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM, signal.SIGINT])
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait([signal.SIGTERM, signal.SIGINT])
    controller.stop()


def run_sender() -> None:
    """Send until nothing is left to send, taking over stale claims as they come."""
    from portal.notifications.models import Email
    from portal.notifications.sending import send_pending

    unsent = Email.objects.filter(state__in=[Email.State.PENDING, Email.State.SENDING])
    while True:
        result = send_pending(budget_seconds=5)
        if result.sent or result.retry:
            continue
        if not unsent.exists():
            return
        # What is left is another sender's claim: wait for it to finish or go stale.
        time.sleep(0.5)


def start(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, *args], env=env, cwd=ROOT)


# The bench itself -------------------------------------------------------------------------


def fill(count: int) -> list[int]:
    """``count`` centres with two active exams officers each; answer the centres' ids."""
    from portal.accounts.models import User
    from portal.centres.models import Centre, Membership

    centres = Centre.objects.bulk_create(
        Centre(number=f"BN{n:06d}", name=f"Bench School {n}", country="GB") for n in range(count)
    )
    users = User.objects.bulk_create(
        User(username=f"officer{n}", email=f"officer{n}@example.org", password="!")
        for n in range(2 * count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, centre=centres[n // 2]) for n, user in enumerate(users)
    )
    return [centre.pk for centre in centres]


def write_notices(centre_ids: list[int], *, run: str) -> float:
    """Notify every centre's officers; answer the seconds it took."""
    from django.db import transaction

    from portal.notifications import Event, Officers, notify_all

    started = time.perf_counter()
    for first in range(0, len(centre_ids), CHUNK):
        events = [
            Event(key=f"results:2026-06:{run}:{pk}", kind="reminder", to=[Officers(pk)],
                  subject="Results of the June 2026 series are ready", body=BODY, html=HTML,
                  reference=f"RES-{pk}", url="/results/")
            for pk in centre_ids[first : first + CHUNK]
        ]  # fmt: skip
        with transaction.atomic():
            notify_all(events)
    return time.perf_counter() - started


def wait_until_sent(total: int, *, kill: subprocess.Popen | None = None) -> float:
    from portal.notifications.models import Email

    started = time.perf_counter()
    done = Email.objects.exclude(state__in=[Email.State.PENDING, Email.State.SENDING])
    while (finished := done.count()) < total:
        if kill is not None and finished >= total // 3:
            kill.send_signal(signal.SIGKILL)
            kill.wait()
            print(f"  killed one sender after {finished:,} emails")
            kill = None
        time.sleep(0.1)
    return time.perf_counter() - started


def sink_counts(log_path: Path) -> tuple[int, int, int, int]:
    """Messages received, distinct Message-IDs, addresses reached, addresses reached twice."""
    ids, addresses = [], {}
    for line in log_path.read_text().splitlines():
        message_id, to = line.split("\t")
        ids.append(message_id)
        addresses[to] = addresses.get(to, 0) + 1
    twice = sum(1 for n in addresses.values() if n > 1)
    return len(ids), len(set(ids)), len(addresses), twice


def email_run(env: dict, log_path: Path, total: int, *, kill_one: bool) -> float:
    senders = [start(env, "--sender"), start(env, "--sender")]
    seconds = wait_until_sent(total, kill=senders[0] if kill_one else None)
    for sender in senders:
        sender.wait(timeout=60)
    return seconds


def reset(log_path: Path) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE notifications_notification, notifications_email")
    log_path.write_text("")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--sink", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--sender", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        return run_sink(int(args.sink[0]), args.sink[1])
    if args.sender:
        import django

        django.setup()
        return run_sender()

    url = bench_url(os.environ.get("DATABASE_URL", ""))
    port = free_port()
    log_path = Path(f"/tmp/{BENCH_DATABASE}-smtp.log")
    log_path.write_text("")
    env = environment(url, port)
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        conn.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    sink = start(env, "--sink", str(port), str(log_path))
    try:
        setup_django(env)
        from django.core.management import call_command

        from portal.notifications.models import Email, Notification

        call_command("migrate", verbosity=0)
        centre_ids = fill(args.notices)
        n, people = args.notices, 2 * args.notices
        # Timings on a shared machine mean little without knowing how busy it was.
        print("load average: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        print(f"{n:,} notices to {people:,} people (two officers at each of {n:,} centres)")

        for run, kill_one in (("a", False), ("b", True)):
            reset(log_path)
            label = "one sender killed mid-batch" if kill_one else "two senders"
            print(f"\nrun {run}: {label}")
            inbox = write_notices(centre_ids, run=run)
            assert Notification.objects.count() == people
            assert Email.objects.count() == people
            print(f"  inbox: {people:,} notices and {people:,} queued emails in {inbox:.1f} s "
                  f"({n / inbox:,.0f} notices/s)")  # fmt: skip
            seconds = email_run(env, log_path, people, kill_one=kill_one)
            received, distinct, reached, twice = sink_counts(log_path)
            sent = Email.objects.filter(state=Email.State.SENT).count()
            print(f"  email: {sent:,} sent in {seconds:.1f} s ({n / seconds:,.0f} notices/s, "
                  f"{sent / seconds:,.0f} emails/s)")  # fmt: skip
            print(f"  SMTP server: {received:,} messages, {distinct:,} distinct Message-IDs, "
                  f"{reached:,} addresses, {twice} reached twice")  # fmt: skip
            assert sent == distinct == reached == people, "an email went missing"
            assert received - distinct == twice, "a duplicate without its Message-ID"
            if twice:
                print("  (a duplicate: the killed sender died between the server's acceptance "
                      "and the row's update; it carries the first one's Message-ID)")  # fmt: skip
    finally:
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=10)
        if not args.keep:
            from django.db import connections

            connections.close_all()
            with admin_connection(url) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()

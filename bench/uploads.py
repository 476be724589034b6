"""Resumable uploads of a 5 GB file, on the embedded default and on S3 (moto), and uploads
cut at random points then resumed.

Run against PostgreSQL (it creates, then drops, a database of its own):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/exams_portal \
        .venv/bin/python bench/uploads.py [--size-gib 5] [--cuts 20] [--cut-size-mib 64]

The portal is served as production serves it: gunicorn (3 workers of 4 threads) on
127.0.0.1, ``DEBUG=false``, ``MALLOC_ARENA_MAX=2`` as in the Dockerfile (set it in the
environment to compare), with the test-only case type that starts uploads
(``bench/uploads_settings.py``). The client is this process: it signs in with an API token
and sends parts in parallel (``--parallel``, 6) over plain HTTP, each part's body streamed
from the source file, never read whole.

1. **Embedded default** (local storage): a file of ``--size-gib`` GiB of random bytes (after
   a PDF header, so that the content check passes; random, so that the SHA-256 compared
   means something) is uploaded, and completed (the server checks the content and streams
   the file once to hash it). Side by side: ``dd`` writes the same number of bytes from
   /dev/zero to the same disk (``conv=fdatasync``, as each part is fsynced) before and after
   the upload. The server's memory is the resident size (VmRSS) of gunicorn's master and
   workers together, sampled every 0.2 s: before (after a warm-up), at its peak, and after.
2. **S3**: a file of ``--s3-size-gib`` GiB (1 by default) through moto's server
   (``moto_server``, a process of its own): parts go straight to moto on presigned URLs, the
   portal only signs, lists, completes and hashes (one streaming GET). moto assembles the
   object in memory, in Python (a 5 GiB object would take 10 to 15 GiB of moto's memory),
   so its throughput and its memory are moto's, not S3's: only the portal's memory means
   something here.
3. **Cut and resumed**: ``--cuts`` uploads on each backend of ``--cut-size-mib`` MiB of
   fresh random bytes: the parts before a random byte are sent, the part holding it is cut
   off at that byte (the connection closed mid-body), the rest is not sent; then the upload
   is resumed from ``GET /api/v1/uploads/{id}/`` alone (as a client after a reload: parts
   missing or of the wrong size are sent again) and completed, and the SHA-256 the portal
   answers is compared with the source's.

The generated files live in ``--workdir`` (the system's temporary directory by default)
and are deleted at the end. Not part of the tests.
"""

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BENCH_DATABASE = "exams_portal_bench_uploads"
MiB = 1024 * 1024
GiB = 1024 * MiB
CHUNK = MiB
PDF_HEADER = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
PASSWORD = "bench-uploads-password-1"
BUCKET = "bench-uploads"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def bench_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("Point DATABASE_URL at PostgreSQL.")
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def admin_connection(url: str):
    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(database_url: str, media_root: Path, s3_endpoint: str | None = None) -> dict:
    env = dict(os.environ)
    for name in ("REDIS_URL", "CACHE_URL", "CLAMD_URL", "AWS_STORAGE_BUCKET_NAME"):
        env.pop(name, None)
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-uploads-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        # A measurement, not a deployment: local media, a memory broker and no clamd.
        ALLOW_IN_PRODUCTION="local-cache,local-broker,local-media,unscanned-uploads",
        PORTAL_BASE_URL="http://127.0.0.1",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.uploads_settings",
        CELERY_BROKER_URL="memory://",
        MEDIA_ROOT=str(media_root),
        LOG_LEVEL="ERROR",
        PYTHONPATH=str(ROOT),
        # As the Dockerfile sets it for production (bench/README.md says why).
        MALLOC_ARENA_MAX=os.environ.get("MALLOC_ARENA_MAX", "2"),
    )
    if s3_endpoint:
        env.update(
            AWS_STORAGE_BUCKET_NAME=BUCKET,
            AWS_S3_ENDPOINT_URL=s3_endpoint,
            AWS_S3_REGION_NAME="us-east-1",
            **S3_KEYS,
        )
    return env


# Files --------------------------------------------------------------------------------------


def make_source(path: Path, size: int) -> str:
    """``size`` bytes: a PDF header, then random bytes. Answers the SHA-256."""
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        head = PDF_HEADER[:size]
        out.write(head)
        digest.update(head)
        left = size - len(head)
        while left:
            block = os.urandom(min(16 * MiB, left))
            out.write(block)
            digest.update(block)
            left -= len(block)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def dd(directory: Path, size: int) -> float:
    """Seconds for dd to write ``size`` bytes to the disk and flush them."""
    target = directory / "dd.bin"
    block = 8 * MiB
    began = time.monotonic()
    subprocess.run(
        [
            "dd",
            "if=/dev/zero",
            f"of={target}",
            f"bs={block}",
            f"count={size // block}",
            "conv=fdatasync",
            "status=none",
        ],
        check=True,
    )
    took = time.monotonic() - began
    target.unlink()
    return took


# Processes and their memory -------------------------------------------------------------


def rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    return 0


def tree(pid: int) -> list[int]:
    """``pid`` and its children (gunicorn's workers)."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(FileNotFoundError):
            pids += [int(c) for c in (task / "children").read_text().split()]
    return pids


class Memory(threading.Thread):
    """Samples the resident size of a process and its children every 0.2 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def now(self) -> int:
        return sum(rss(p) for p in tree(self.pid))

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.now())
            time.sleep(0.2)

    def stop(self) -> int:
        self.running = False
        self.join()
        return self.peak


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--threads",
            "4",
            "--no-control-socket",
            "--timeout",
            "600",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    wait_for(port, "/healthz")
    return server


def wait_for(port: int, path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"Nothing answered on 127.0.0.1:{port}{path}")


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


# The client -------------------------------------------------------------------------------


class Client:
    """The protocol over HTTP, as a school's system or the browser drives it."""

    def __init__(self, port: int, token: str | None = None):
        self.port, self.token = port, token

    def call(self, method: str, path: str, body=None) -> tuple[int, dict | None]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=headers)
        answer = connection.getresponse()
        raw = answer.read()
        connection.close()
        return answer.status, json.loads(raw) if raw else None

    def ok(self, method: str, path: str, body=None) -> dict:
        status, data = self.call(method, path, body)
        if status >= 300:
            raise RuntimeError(f"{method} {path} answered {status}: {data}")
        return data

    def sign_in(self, username: str) -> None:
        answer = self.ok(
            "POST", "/api/v1/auth/token/", {"username": username, "password": PASSWORD}
        )
        self.token = answer["token"]

    def start(self, reference: str, filename: str, size: int) -> dict:
        body = {"filename": filename, "size": size, "kind": "task"}
        return self.ok("POST", f"/api/v1/test-cases/{reference}/uploads/", body)

    def part_urls(self, upload_id: str, numbers: list[int]) -> dict[int, str]:
        answer = self.ok("POST", f"/api/v1/uploads/{upload_id}/parts/", {"numbers": numbers})
        return {part["number"]: part["url"] for part in answer["parts"]}

    def status(self, upload_id: str) -> dict:
        return self.ok("GET", f"/api/v1/uploads/{upload_id}/")

    def complete(self, upload_id: str, parts: dict[int, str]) -> dict:
        body = {"parts": [{"number": n, "etag": e} for n, e in sorted(parts.items())]}
        return self.ok("POST", f"/api/v1/uploads/{upload_id}/complete/", body)


def put_part(url: str, path: Path, offset: int, length: int, *, cut_at: int | None = None):
    """PUT ``length`` bytes of ``path`` from ``offset`` to a part's URL, streamed, with no
    credentials. With ``cut_at``, announce the whole part but close the connection after
    that many bytes. Answers the ETag (None when cut)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=900)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.putrequest("PUT", target, skip_accept_encoding=True)
    connection.putheader("Content-Length", str(length))
    connection.putheader("Content-Type", "application/octet-stream")
    connection.endheaders()
    sending = length if cut_at is None else cut_at
    fd = os.open(path, os.O_RDONLY)
    try:
        sent = 0
        while sent < sending:
            block = os.pread(fd, min(CHUNK, sending - sent), offset + sent)
            connection.send(block)
            sent += len(block)
    finally:
        os.close(fd)
    if cut_at is not None:
        connection.sock.shutdown(socket.SHUT_RDWR)
        connection.close()
        return None
    answer = connection.getresponse()
    answer.read()
    connection.close()
    if answer.status != 200:
        raise RuntimeError(f"part at {offset} answered {answer.status}")
    return answer.getheader("ETag")


def spans(size: int, part_size: int) -> dict[int, tuple[int, int]]:
    """Each part's number: its offset and length."""
    return {i // part_size + 1: (i, min(part_size, size - i)) for i in range(0, size, part_size)}


def send_parts(client, upload_id, path, pieces, numbers, parallel) -> dict[int, str]:
    urls = client.part_urls(upload_id, numbers)
    with ThreadPoolExecutor(parallel) as pool:
        etags = pool.map(lambda n: (n, put_part(urls[n], path, *pieces[n])), numbers)
        return dict(etags)


def upload_whole(client, reference, path, size, parallel) -> dict:
    began = time.monotonic()
    started = client.start(reference, path.name, size)
    pieces = spans(size, started["part_size"])
    etags = send_parts(client, started["id"], path, pieces, sorted(pieces), parallel)
    sent = time.monotonic()
    answer = client.complete(started["id"], etags)
    done = time.monotonic()
    return {
        "answer": answer,
        "part_size": started["part_size"],
        "parts": len(pieces),
        "parts_seconds": sent - began,
        "complete_seconds": done - sent,
        "seconds": done - began,
    }


def cut_and_resume(client, reference, path, size, sha256, parallel, rng) -> dict:
    started = client.start(reference, path.name, size)
    upload_id, part_size = started["id"], started["part_size"]
    pieces = spans(size, part_size)
    cut = rng.randrange(1, size)
    cut_part = cut // part_size + 1
    before = [n for n in pieces if n < cut_part]
    if before:
        send_parts(client, upload_id, path, pieces, before, parallel)
    offset, length = pieces[cut_part]
    url = client.part_urls(upload_id, [cut_part])[cut_part]
    put_part(url, path, offset, length, cut_at=cut - offset)
    time.sleep(0.05)
    # Resumed as a client that kept only the upload's id: what arrived whole is kept.
    arrived = {p["number"]: p for p in client.status(upload_id)["parts"]}
    whole = {n: p["etag"] for n, p in arrived.items() if p["size"] == pieces[n][1]}
    missing = [n for n in pieces if n not in whole]
    etags = {**whole, **send_parts(client, upload_id, path, pieces, missing, parallel)}
    answer = client.complete(upload_id, etags)
    return {
        "cut_at": cut,
        "cut_part": cut_part,
        "parts": len(pieces),
        "kept": len(whole),
        "resent": len(missing),
        "same_sha256": answer["sha256"] == sha256,
    }


# The bench itself ---------------------------------------------------------------------


def prepare_database(url: str) -> None:
    with admin_connection(url) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")


def drop_database(url: str) -> None:
    with admin_connection(url) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def seed(env: dict) -> str:
    """Migrate, and make an officer with a complaint to upload to. Answers its reference."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )
    code = f"""
import django; django.setup()
from complaints import services
from portal.centres.models import Centre
from tests.complaints.conftest import SERVICE
from tests.factories import OfficerFactory
centre = Centre.objects.create(number="GB001", name="Bench School", country="GB",
                               timezone="Europe/London")
officer = OfficerFactory(username="bench", membership__centre=centre, password={PASSWORD!r})
complaint = services.submit_complaint(data=dict(SERVICE), centre=centre, submitted_by=officer)
print(complaint.reference)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def serve_and_measure(env, reference, source, size, sha256, args, *, backend, disk_dir=None):
    """One backend: the whole file with the server's memory watched, then the cut uploads."""
    port = free_port()
    server = start_gunicorn(env, port)
    result = {"backend": backend}
    try:
        client = Client(port)
        client.sign_in("bench")
        # Every worker warmed up (imports, connections, libmagic, first queries) by a small
        # upload of its own, so that what is measured is what grows with the file.
        warm = source.with_name("warm-up.pdf")
        make_source(warm, 64 * MiB)
        for _ in range(2):
            upload_whole(client, reference, warm, 64 * MiB, args.parallel)
        warm.unlink()
        memory = Memory(server.pid)
        result["rss_before"] = memory.now()
        result["rss_before_each"] = {p: rss(p) for p in tree(server.pid)}
        if disk_dir is not None:
            result["dd_before_seconds"] = dd(disk_dir, size)
        memory.start()
        result["upload"] = upload_whole(client, reference, source, size, args.parallel)
        result["rss_peak"] = memory.stop()
        result["rss_after"] = memory.now()
        result["rss_after_each"] = {p: rss(p) for p in tree(server.pid)}
        if disk_dir is not None:
            result["dd_after_seconds"] = dd(disk_dir, size)
        answer = result["upload"].pop("answer")
        result["upload"]["same_sha256"] = answer["sha256"] == sha256
        result["upload"]["scan"] = answer["scan"]
        rng = random.Random(args.seed)
        cuts = []
        cut_source = source.with_name(f"cut-{backend}.pdf")
        for _ in range(args.cuts):
            cut_size = args.cut_size_mib * MiB
            cut_sha = make_source(cut_source, cut_size)
            cuts.append(
                cut_and_resume(client, reference, cut_source, cut_size, cut_sha, args.parallel, rng)
            )
        cut_source.unlink(missing_ok=True)
        result["cuts"] = cuts
    finally:
        stop(server)
    return result


def report(result: dict, size: int) -> None:
    upload = result["upload"]
    mb = size / 1e6
    print(
        f"\n== {result['backend']}: {size / GiB:g} GiB in {upload['parts']} parts of "
        f"{upload['part_size'] // MiB} MiB, {ARGS.parallel} in parallel"
    )
    print(
        f"   parts sent in {upload['parts_seconds']:.1f} s, completed (content check and "
        f"SHA-256) in {upload['complete_seconds']:.1f} s: {upload['seconds']:.1f} s, "
        f"{mb / upload['seconds']:.0f} MB/s; SHA-256 equal: {upload['same_sha256']}"
    )
    if "dd_before_seconds" in result:
        raw = 2 * mb / (result["dd_before_seconds"] + result["dd_after_seconds"])
        print(
            f"   dd: {mb / result['dd_before_seconds']:.0f} MB/s before, "
            f"{mb / result['dd_after_seconds']:.0f} MB/s after; the upload reached "
            f"{100 * (mb / upload['seconds']) / raw:.0f} % of their mean ({raw:.0f} MB/s), "
            f"{100 * (mb / upload['parts_seconds']) / raw:.0f} % counting the parts alone"
        )
    grow = (result["rss_peak"] - result["rss_before"]) / MiB
    print(
        f"   server memory (gunicorn, 1 master + 3 workers): {result['rss_before'] / MiB:.0f} "
        f"MiB before, {result['rss_peak'] / MiB:.0f} MiB at its peak (+{grow:.0f} MiB), "
        f"{result['rss_after'] / MiB:.0f} MiB after"
    )
    each = [
        f"{(result['rss_after_each'].get(p, 0) - before) / MiB:+.0f}"
        for p, before in result["rss_before_each"].items()
    ]
    print(f"   after - before, per process (master first): {', '.join(each)} MiB")
    if "moto_rss_peak" in result:
        print(f"   moto's own memory at its peak: {result['moto_rss_peak'] / MiB:.0f} MiB")
    cuts = result["cuts"]
    if cuts:
        same = sum(c["same_sha256"] for c in cuts)
        print(
            f"   {len(cuts)} uploads of {ARGS.cut_size_mib} MiB cut and resumed: {same} with "
            f"the source's SHA-256; parts kept {sum(c['kept'] for c in cuts)}, sent again "
            f"{sum(c['resent'] for c in cuts)}"
        )


def main() -> None:
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-gib", type=float, default=5)
    # moto assembles a multipart object in memory (twice over): 5 GiB would need 10 to 15 GiB
    # of moto's own memory on a machine shared with others.
    parser.add_argument("--s3-size-gib", type=float, default=1)
    parser.add_argument("--cuts", type=int, default=20)
    parser.add_argument("--cut-size-mib", type=int, default=64)
    parser.add_argument("--parallel", type=int, default=6)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    parser.add_argument("--skip-s3", action="store_true")
    ARGS = args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or sys.exit("Set DATABASE_URL (PostgreSQL).")
    database_url = bench_url(url)
    size = int(args.size_gib * GiB)
    s3_size = int(args.s3_size_gib * GiB)
    work = Path(tempfile.mkdtemp(prefix="bench-uploads-", dir=args.workdir))
    media = work / "media"
    media.mkdir()
    moto = None
    results = []
    try:
        prepare_database(url)
        env = environment(database_url, media)
        reference = seed(env)
        source = work / "evidence.pdf"
        print(f"Writing {size / GiB:g} GiB of random bytes to {source} …", flush=True)
        sha256 = make_source(source, size)
        local = serve_and_measure(
            env, reference, source, size, sha256, args, backend="local storage", disk_dir=media
        )
        results.append(local)
        report(local, size)
        shutil.rmtree(media / "uploads", ignore_errors=True)

        if not args.skip_s3:
            import boto3

            if s3_size != size:
                sha256 = make_source(source, s3_size)
            moto_port = free_port()
            moto = subprocess.Popen(
                [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            endpoint = f"http://127.0.0.1:{moto_port}"
            wait_for(moto_port, "/")
            boto3.client(
                "s3",
                endpoint_url=endpoint,
                region_name="us-east-1",
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            ).create_bucket(Bucket=BUCKET)
            moto_memory = Memory(moto.pid)
            moto_memory.start()
            s3 = serve_and_measure(
                environment(database_url, media, endpoint),
                reference,
                source,
                s3_size,
                sha256,
                args,
                backend="S3 (moto)",
            )
            s3["moto_rss_peak"] = moto_memory.stop()
            results.append(s3)
            report(s3, s3_size)
    finally:
        stop(moto)
        shutil.rmtree(work, ignore_errors=True)
        drop_database(url)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"uploads-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(results, indent=2)
    )


ARGS = None

if __name__ == "__main__":
    main()

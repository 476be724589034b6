"""gunicorn's settings for the portal, read from the working directory by every start
(docker-compose.yml, the Dockerfile, .ci/production-smoke, bench/results_day.py); the command
line adds the rest.

Python's cyclic garbage collector stops a whole worker while it runs, and its full
collections walk every object the process holds, most of them the code and settings loaded
at start (some 115,000 objects). Frozen once the application is loaded, those are left out
of every later collection: on results day a full collection had stopped a worker for up to
200 ms, the tail of the officers' read (bench/README.md).

No request runs past ``--timeout``. gunicorn's own timeout stops a sync worker that stopped
answering its master, but a threaded worker (``--threads``) answers from its main thread
while a request runs on in another, so the timeout never fires for it. Two limits hold
instead, whatever the worker class:

* PostgreSQL cancels any statement of a web process that runs past nine tenths of the
  timeout (``statement_timeout``, through ``DATABASE_STATEMENT_TIMEOUT_MS``, which
  portal/settings.py reads): a slow query ends as an error page, the worker lives on;
* each worker watches its requests (``pre_request``/``post_request``), and one still running
  at the timeout, in Python or anywhere else, stops the worker at once, as the master stops
  a sync worker; the master starts another. Its other requests under way end with it.
"""

import gc
import os
import tempfile
import threading
import time
from pathlib import Path

# Prometheus metrics of every worker in one scrape (portal/observability/metrics.py): each
# worker writes its figures to files in this folder, set before any worker imports
# prometheus_client; emptied at each start so that a restart begins from zero.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="portal-metrics-"))


def on_starting(server):
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_fork(server, worker):
    # Read by portal/settings.py when the application loads in this worker, just after.
    timeout_ms = int(server.cfg.timeout * 1000 * STATEMENT_SHARE)
    if timeout_ms > 0:
        os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_MS", str(timeout_ms))


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    if worker.cfg.timeout > 0:
        worker.running_requests = {}
        threading.Thread(
            target=_stop_when_a_request_overruns,
            args=(worker,),
            name="request-deadline",
            daemon=True,
        ).start()


def pre_request(worker, req):
    requests = getattr(worker, "running_requests", None)
    if requests is not None:
        requests[threading.get_ident()] = (time.monotonic(), req.method, req.path)


def post_request(worker, req, environ, resp):
    requests = getattr(worker, "running_requests", None)
    if requests is not None:
        requests.pop(threading.get_ident(), None)


# A statement may take this share of the timeout; the rest is the page's own time.
STATEMENT_SHARE = 0.9
WATCH_EVERY_SECONDS = 0.5


def _stop_when_a_request_overruns(worker):
    limit = worker.cfg.timeout
    while True:
        time.sleep(WATCH_EVERY_SECONDS)
        now = time.monotonic()
        for started, method, path in list(worker.running_requests.values()):
            if now - started > limit:
                worker.log.critical(
                    "%s %s ran past the %ss timeout: stopping worker %s",
                    method, path, limit, worker.pid,
                )  # fmt: skip
                # At once: an orderly exit would wait for the request's thread to finish.
                os._exit(1)

"""gunicorn's settings for the portal, read from the working directory by every start
(docker-compose.yml, the Dockerfile, .ci/production-smoke, bench/results_day.py); the command
line adds the rest.

Python's cyclic garbage collector stops a whole worker while it runs, and its full
collections walk every object the process holds, most of them the code and settings loaded
at start (some 115,000 objects). Frozen once the application is loaded, those are left out
of every later collection: on results day a full collection had stopped a worker for up to
200 ms, the tail of the officers' read (bench/README.md).
"""

import gc
import os
import tempfile
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


def post_worker_init(worker):
    gc.collect()
    gc.freeze()

"""gunicorn's settings for the portal, read from the working directory by every start
(docker-compose.yml, the Dockerfile, bench/results_day.py); the command line adds the rest.

Python's cyclic garbage collector stops a whole worker while it runs, and its full
collections walk every object the process holds, most of them the code and settings loaded
at start (some 115,000 objects). Frozen once the application is loaded, those are left out
of every later collection: on results day a full collection had stopped a worker for up to
200 ms, the tail of the officers' read (bench/README.md).
"""

import gc


def post_worker_init(worker):
    gc.collect()
    gc.freeze()

"""The production settings plus one bare view, so that the benchmark compares the results
read with the cheapest Django answer through the same server, middleware and run."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.results_urls"

# The stylesheet's hashed names need collectstatic; a page's cost does not (bench/scale.py
# serves its pages from gunicorn with these settings).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# bench/scale.py measures with no Redis (it removes REDIS_URL): each process's memory, as
# before the embedded default's cache became files, whose every write (a throttle's count
# at each API ask) renames a file.
if not CACHE_URL:  # noqa: F405
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # As the embedded default's: Django's 300 would cull pages and generations.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

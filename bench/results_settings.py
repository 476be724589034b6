"""The production settings plus one bare view, so that the benchmark compares the results
read with the cheapest Django answer through the same server, middleware and run."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.results_urls"

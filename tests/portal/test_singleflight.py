"""A cached value computed again once when stale, however many requests find it so; the
others serve the stale value meanwhile, or wait for the first value on a cold start."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.core.cache import cache

from portal.singleflight import single_flight

START = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _local_cache(settings):
    # A cache in this process, whose clock time_machine moves, shared by the threads.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


class Figures:
    """A computation that counts its runs and, when asked, holds until released."""

    def __init__(self):
        self.runs = 0
        self.started = threading.Event()
        self.release = threading.Event()
        self.release.set()
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            self.runs += 1
            run = self.runs
        self.started.set()
        assert self.release.wait(10)
        return f"figures {run}"


def test_cold_start_computed_once_for_requests_arriving_together():
    figures = Figures()
    figures.release.clear()
    with time_machine.travel(START, tick=False), ThreadPoolExecutor(8) as pool:
        answers = [pool.submit(single_flight, "k", figures, fresh_for=300) for _ in range(8)]
        assert figures.started.wait(10)
        figures.release.set()
        values = [a.result(timeout=10) for a in answers]
    assert figures.runs == 1
    assert values == ["figures 1"] * 8


def test_fresh_value_served_without_computing():
    figures = Figures()
    with time_machine.travel(START, tick=False):
        assert single_flight("k", figures, fresh_for=300) == "figures 1"
    with time_machine.travel(START + dt.timedelta(seconds=299), tick=False):
        assert single_flight("k", figures, fresh_for=300) == "figures 1"
    assert figures.runs == 1


def test_stale_value_served_while_one_request_computes_it_again():
    figures = Figures()
    with time_machine.travel(START, tick=False):
        single_flight("k", figures, fresh_for=300)
    figures.started.clear()
    figures.release.clear()
    later = START + dt.timedelta(seconds=301)
    with time_machine.travel(later, tick=False), ThreadPoolExecutor(1) as pool:
        first = pool.submit(single_flight, "k", figures, fresh_for=300)
        assert figures.started.wait(10)
        # Meanwhile every other request answers at once, with the stale figures.
        others = [single_flight("k", figures, fresh_for=300) for _ in range(5)]
        figures.release.set()
        assert first.result(timeout=10) == "figures 2"
    assert others == ["figures 1"] * 5
    assert figures.runs == 2
    with time_machine.travel(START + dt.timedelta(seconds=302), tick=False):
        assert single_flight("k", figures, fresh_for=300) == "figures 2"


def test_failed_computation_leaves_the_way_open_to_the_next_request():
    def broken():
        raise RuntimeError("database gone")

    with time_machine.travel(START, tick=False):
        with pytest.raises(RuntimeError):
            single_flight("k", broken, fresh_for=300)
        assert single_flight("k", Figures(), fresh_for=300) == "figures 1"

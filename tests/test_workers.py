"""Each test worker's Redis database (tests/workers.py): never another worker's, never the
broker's; and the tests that must share a worker share one."""

import pytest

from tests.workers import worker_index, worker_redis_url

CACHE = "redis://127.0.0.1:6379/15"
BROKER = "redis://127.0.0.1:6379/14"


def test_workers_count_down_from_the_given_database_passing_over_the_brokers():
    urls = [worker_redis_url(CACHE, index=n, broker_url=BROKER) for n in range(4)]
    assert urls == [
        "redis://127.0.0.1:6379/15",
        "redis://127.0.0.1:6379/13",
        "redis://127.0.0.1:6379/12",
        "redis://127.0.0.1:6379/11",
    ]


def test_a_broker_on_another_server_takes_no_database_from_the_workers():
    elsewhere = "redis://127.0.0.1:6380/14"
    assert worker_redis_url(CACHE, index=1, broker_url=elsewhere) == "redis://127.0.0.1:6379/14"
    assert worker_redis_url(CACHE, index=1, broker_url="filesystem://").endswith("/14")


def test_no_database_in_the_url_is_database_0():
    assert worker_redis_url("redis://h:6379", index=0) == "redis://h:6379/0"
    with pytest.raises(pytest.UsageError, match="2 test workers need 2 Redis databases"):
        worker_redis_url("redis://h:6379", index=1)


def test_more_workers_than_databases_left_is_refused_with_what_to_do():
    with pytest.raises(pytest.UsageError, match=r"only 2 are\. Point REDIS_URL at a higher"):
        worker_redis_url("redis://h/2", index=2, broker_url="redis://h/1")


def test_the_worker_is_known_by_its_number(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")
    assert worker_index() == 3
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    assert worker_index() is None


@pytest.mark.xdist_group("workers")
def test_a_test_of_a_group_is_sent_with_its_group(request):
    """Under bin/test (pytest-xdist's --dist loadgroup) the tests of a group (tests/conftest.py)
    are sent to one worker by the group in their names: a test named without it runs on any
    worker, and the group's rule (one race of the PostgreSQL tests at a time, the whole demo
    and the fuzzing's schema made once) is silently broken."""
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run by pytest-xdist's workers with --dist loadgroup")
    assert request.node.nodeid.endswith("@workers")

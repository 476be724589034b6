"""What the forgiving cache takes for an outage: the errors redis-py raises when Redis cannot
serve (a read-only replica after a failover, a full Redis, one still loading)."""

import pytest
from redis._parsers.base import BaseParser
from redis.exceptions import ResponseError

from portal.cache import is_outage


@pytest.mark.parametrize(
    "reply",
    [
        "READONLY You can't write against a read only replica.",
        "OOM command not allowed when used memory > 'maxmemory'.",
        "LOADING Redis is loading the dataset in memory",
        "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
    ],
)
def test_redis_unable_to_serve_is_an_outage(reply):
    assert is_outage(BaseParser.parse_error(reply)) is True


def test_a_mistake_in_the_command_is_not_an_outage():
    error = BaseParser.parse_error("WRONGTYPE Operation against a key holding the wrong kind")
    assert isinstance(error, ResponseError)
    assert is_outage(error) is False

"""The sessions' Redis cache keeps one client per server (transition.lib.redis_cache), against the local Redis."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from transition.lib.redis_cache import ReusingRedisCache

LOCATION = "redis://127.0.0.1:6379/0"


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(LOCATION, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    found = ReusingRedisCache(LOCATION, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield found
    found.clear()


def test_every_call_uses_the_same_client(cache):
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("c", write=True) is first  # one server: reads and writes alike
    # Django's own client makes a new one each time: the cost this saves.
    plain = RedisCache(LOCATION, {})
    assert plain._cache.get_client("a") is not plain._cache.get_client("a")


def test_it_stores_reads_and_deletes_like_djangos(cache):
    assert cache.get("missing") is None
    cache.set("key", {"a": 1}, 30)
    assert cache.get("key") == {"a": 1}
    assert cache.add("key", "other") is False
    cache.delete("key")
    assert cache.get("key") is None

"""Django's Redis cache, keeping one client per server instead of making one for every call.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` on each cache call, over a shared
connection pool; building one fills a table of about 170 reply handlers. The sessions are read from
Redis on every signed-in request, so that was a tenth of the smallest page's CPU. A ``redis.Redis``
is safe to share between threads: it takes a connection from its pool for each command.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django: Any = self  # the parts of Django's client used here are private, so not in its type stubs
        index = django._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = django._client(connection_pool=django._get_connection_pool(write))
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient

"""A Redis cache that fails soft: when Redis is down or hung, the cache is empty, not an error.

Everything the portal keeps in the cache can be lost: sessions are kept in the database
too (``cached_db``), cached pages are rebuilt, and rate limits start counting again. So a
Redis error is logged and answered as a miss (``get``), a no-op (``set``, ``delete``) or
``False`` (``add``, ``has_key``, ``touch``). After an error this process leaves Redis
alone for ``RETRY_AFTER`` seconds, so a hung Redis costs one socket timeout per process
and window, not one per cache call. ``ping()`` raises, for the readiness check.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Seconds a process leaves Redis alone after an error before it tries again.
RETRY_AFTER = 5.0

_lock = threading.Lock()
_down_until: dict[str, float] = {}


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, with one redis-py client per connection pool instead of a new one
    per cache call: building a ``redis.Redis`` (its response callbacks) cost about 0.1 ms, paid twice
    by every cached page (the session, the page cache's lookup). The client is thread-safe; the
    pool hands each call its own connection, and after a fork its connections are made again."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._breaker_key = str(server)

    def _attempt(self, fallback, method, *args):
        if time.monotonic() < _down_until.get(self._breaker_key, 0.0):
            return fallback
        try:
            return method(self, *args)
        except (RedisError, OSError) as error:
            with _lock:
                already_down = time.monotonic() < _down_until.get(self._breaker_key, 0.0)
                _down_until[self._breaker_key] = time.monotonic() + RETRY_AFTER
            if not already_down:
                logger.warning("Cache unreachable, answering as empty for %.0fs: %r", RETRY_AFTER, error)
            return fallback

    def fail_soft(self, fallback, function):
        """``function(client)`` on the raw Redis client (a pipeline, a hash), under the same breaker:
        an error or an open breaker answers ``fallback`` (``pagecache.store``)."""
        return self._attempt(fallback, lambda backend: function(backend._cache.get_client(write=True)))

    def ping(self) -> bool:
        """Ask Redis directly, bypassing the fail-soft answers; raises when it is unreachable."""
        return self._cache.get_client(write=True).ping()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(False, RedisCache.add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._attempt(default, RedisCache.get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(None, RedisCache.set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(False, RedisCache.touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(False, RedisCache.delete, key, version)

    def get_many(self, keys, version=None):
        return self._attempt({}, RedisCache.get_many, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(False, RedisCache.has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # A counter that cannot be read is treated as a missing key, as Django's caches do.
        result = self._attempt(None, RedisCache.incr, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (cache unreachable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(list(data), RedisCache.set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._attempt(None, RedisCache.delete_many, keys, version)

    def clear(self):
        return self._attempt(False, RedisCache.clear)

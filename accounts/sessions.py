"""Sessions: the database row is the truth, Redis only its accelerator.

Django's ``cached_db`` store keeps a copy of each session in the cache for as long as the
session lives. If a sign-out (or an ended session) happens while Redis is away or hung,
deleting that copy fails softly (``health.cache.FailSoftRedisCache``) and the copy would
come back with Redis and keep the person signed in. Here every copy lives at most
``SESSION_CACHE_SECONDS``: after an outage a stale copy outlives the truth by no more.
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db


class _CappedCache:
    """The session cache, with every timeout capped; everything else passes through."""

    def __init__(self, cache, cap: int):
        self._cache = cache
        self._cap = cap

    def _timeout(self, timeout):
        return self._cap if timeout is None else min(timeout, self._cap)

    def set(self, key, value, timeout=None, **kwargs):
        return self._cache.set(key, value, self._timeout(timeout), **kwargs)

    async def aset(self, key, value, timeout=None, **kwargs):
        return await self._cache.aset(key, value, self._timeout(timeout), **kwargs)

    def __contains__(self, key):
        return key in self._cache

    def __getattr__(self, name):
        return getattr(self._cache, name)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _CappedCache(self._cache, settings.SESSION_CACHE_SECONDS)

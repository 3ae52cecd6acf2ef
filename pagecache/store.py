"""The page cache's Redis: one hash of table versions, and entries that record the versions they were made at.

Every call goes through the default cache's fail-soft breaker (``health.cache``) when it
has one: with Redis away, a lookup is a miss, a store does nothing, and a bump that could
not be made is kept in this process and made before its next lookup. Without Redis (the
embedded ``make run``), nothing is cached.
"""

import logging
import os
import pickle  # noqa: S403 - our own Redis, our own entries, as Django's Redis cache does
import threading

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

EPOCH = "*epoch"
_unsent_lock = threading.Lock()
_unsent_bumps: set[str] = set()


def _versions_key() -> str:
    return cache.make_key("pagecache:versions")


def entry_key(kind: str, digest: str) -> str:
    return cache.make_key(f"pagecache:{kind}:{digest}")


def _redis(fallback, function):
    """``function(client)`` against the cache's Redis; ``fallback`` when there is none or it fails."""
    fail_soft = getattr(cache, "fail_soft", None)
    if fail_soft is not None:
        return fail_soft(fallback, function)
    inner = getattr(cache, "_cache", None)
    if inner is None or not hasattr(inner, "get_client"):
        return fallback
    try:
        return function(inner.get_client(write=True))
    except (RedisError, OSError) as error:
        logger.warning("Page cache unreachable: %r", error)
        return fallback


def enabled() -> bool:
    return getattr(settings, "PAGECACHE_ENABLED", True) and hasattr(getattr(cache, "_cache", None), "get_client")


def bump(tables) -> None:
    """Move the version of each table (after the commit that wrote them)."""
    tables = set(tables)
    if not tables or not enabled():
        return

    def send(client):
        pipeline = client.pipeline(transaction=False)
        for table in tables:
            pipeline.hincrby(_versions_key(), table, 1)
        pipeline.execute()
        return True

    if not _redis(False, send):
        with _unsent_lock:
            _unsent_bumps.update(tables)


def lookup(key: str, *, body: bool = False):
    """(entry or None, {table: version}) in one round trip; (None, None) when Redis cannot answer.

    With ``body``, the entry's ``body`` (kept under its own key, so a 304 never fetches it) comes
    in the same round trip. Bumps this process could not make earlier are made first.
    """
    with _unsent_lock:
        unsent = set(_unsent_bumps)

    def read(client):
        pipeline = client.pipeline(transaction=False)
        for table in unsent:
            pipeline.hincrby(_versions_key(), table, 1)
        pipeline.get(key)
        if body:
            pipeline.get(key + ":body")
        pipeline.hgetall(_versions_key())
        answers = pipeline.execute()[len(unsent) :]
        versions = answers[-1]
        if EPOCH.encode() not in versions:
            # An epoch, made when the hash is: should Redis lose the hash (eviction, flush), every
            # entry made before is stale with it, not valid again at version 0.
            client.hsetnx(_versions_key(), EPOCH, os.urandom(8).hex())
            versions = client.hgetall(_versions_key())
        return answers[0], (answers[1] if body else None), versions

    answer = _redis(None, read)
    if answer is None:
        return None, None
    if unsent:
        with _unsent_lock:
            _unsent_bumps.difference_update(unsent)
    raw, raw_body, versions = answer
    versions = {table.decode(): version.decode() for table, version in versions.items()}
    entry = pickle.loads(raw) if raw else None  # noqa: S301 - written by store() below
    if entry is not None and body:
        if raw_body is None:
            return None, versions  # the body was evicted: as good as no entry
        entry["body"] = raw_body
    return entry, versions


def body_of(key: str) -> bytes | None:
    """An entry's body alone (after a lookup without it, when a 304 was not enough)."""
    return _redis(None, lambda client: client.get(key + ":body"))


def current(entry: dict, versions: dict) -> bool:
    """Whether none of the tables the entry was made from has been written since."""
    return all(versions.get(table, "0") == version for table, version in entry["tables"].items())


def versions_of(tables, versions: dict) -> dict:
    """What an entry made now from ``tables`` records: their versions, and the hash's epoch."""
    recorded = {table: versions.get(table, "0") for table in tables}
    recorded[EPOCH] = versions.get(EPOCH, "0")
    return recorded


def store(key: str, entry: dict) -> None:
    """Keep an entry; a ``body`` goes under its own key beside it."""
    timeout = getattr(settings, "PAGECACHE_TIMEOUT", 3600)
    entry = dict(entry)
    body = entry.pop("body", None)
    data = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)

    def write(client):
        pipeline = client.pipeline(transaction=False)
        pipeline.set(key, data, ex=timeout)
        if body is not None:
            pipeline.set(key + ":body", body, ex=timeout)
        pipeline.execute()

    _redis(None, write)


def clear() -> int:
    """Forget every entry and version (after writes made outside Django, e.g. a bulk load)."""

    def delete(client):
        count = 0
        for found in client.scan_iter(match=cache.make_key("pagecache:*"), count=1000):
            count += client.delete(found)
        return count

    return _redis(0, delete)

"""Which tables a request reads and writes, and a version per table that moves after every commit that wrote it.

An execute wrapper (installed on every database connection, ``apps.py``) sees each
statement Django sends: the ORM's, ``QuerySet.update()`` and bulk writes, and raw SQL
through ``connection.cursor()``. The names after ``INSERT INTO``, ``UPDATE``,
``DELETE FROM`` and ``TRUNCATE`` are written tables: their versions are bumped in Redis
once the transaction commits (at once in autocommit), and never on a rollback, because the
bump is an ``on_commit`` callback that Django drops with the transaction. The names after
``FROM`` and ``JOIN`` are read tables, noted while a :func:`recording` is open (a page's or
a fragment's cold render), so that its cache entry knows what it depends on.

Writes that do not go through Django (psql by hand, another program, ``COPY`` through the
raw driver) move no version: whoever makes them must bump the tables (``bump``) or clear
the cache.
"""

import re
import threading
from contextlib import contextmanager
from functools import lru_cache

_WRITTEN = re.compile(r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?"?([A-Za-z_][\w$]*)', re.IGNORECASE)
_READ = re.compile(r'\b(?:FROM|JOIN)\s+(?:ONLY\s+)?"?([A-Za-z_][\w$]*)', re.IGNORECASE)
_QUOTED = re.compile(r'"([^"]+)"')

_local = threading.local()


class Recording:
    """What one render read (table names) and whether it wrote anything."""

    __slots__ = ("read", "wrote")

    def __init__(self):
        self.read: set[str] = set()
        self.wrote = False


def _stack() -> list[Recording]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


@contextmanager
def recording():
    """Note the tables read (and any write) by the statements run inside; an outer recording gets them too."""
    stack = _stack()
    current = Recording()
    stack.append(current)
    try:
        yield current
    finally:
        stack.pop()
        if stack:
            stack[-1].read |= current.read
            stack[-1].wrote |= current.wrote


def note_read(tables) -> None:
    """A render took something from the cache that depends on ``tables``: its recording depends on them too."""
    stack = _stack()
    if stack:
        stack[-1].read.update(tables)


@lru_cache(maxsize=8192)
def statement_tables(sql: str) -> tuple[frozenset, frozenset]:
    """(tables read, tables written) by one SQL statement."""
    if sql.lstrip()[:8].upper() == "TRUNCATE":
        return frozenset(), frozenset(name.lower() for name in _QUOTED.findall(sql))
    written = frozenset(name.lower() for name in _WRITTEN.findall(sql))
    read = frozenset(name.lower() for name in _READ.findall(sql))
    return read, written


class _Bump:
    """The on-commit callback that moves the versions of the tables a transaction wrote."""

    __slots__ = ("tables",)

    def __init__(self, tables):
        self.tables = set(tables)

    def __call__(self):
        from .store import bump

        bump(self.tables)


def _settled(connection) -> bool:
    """Whether what this connection wrote is as good as committed: no transaction is open but
    the test case's own blocks (Django's ``TestCase`` wraps each test in atomic blocks that
    never commit; its durable check makes the same exception)."""
    return all(block._from_testcase for block in connection.atomic_blocks)


def _written(connection, tables: frozenset) -> None:
    if not connection.in_atomic_block or _settled(connection):
        # Autocommit: the statement is committed already. (Manual transactions have no hook to wait for.)
        _Bump(tables)()
        return
    callbacks = connection.run_on_commit
    savepoints = set(connection.savepoint_ids)
    if callbacks and isinstance(callbacks[-1][1], _Bump) and callbacks[-1][0] == savepoints:
        callbacks[-1][1].tables |= tables
    else:
        connection.on_commit(_Bump(tables), robust=True)


def uncommitted_writes(connection) -> set[str]:
    """Tables this connection wrote in its open transaction: it sees data no cache entry holds."""
    if not connection.in_atomic_block:
        return set()
    if _settled(connection):
        # Inside a test case: what its inner blocks wrote is committed as far as the test goes.
        settled = [entry for entry in connection.run_on_commit if isinstance(entry[1], _Bump)]
        if settled:
            connection.run_on_commit[:] = [entry for entry in connection.run_on_commit if entry not in settled]
            _Bump(set().union(*(entry[1].tables for entry in settled)))()
        return set()
    tables = set()
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _Bump):
            tables |= callback.tables
    return tables


def _execute(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    read, written = statement_tables(sql) if isinstance(sql, str) else (frozenset(), frozenset())
    stack = getattr(_local, "stack", None)
    if stack:
        stack[-1].read |= read
        if written:
            stack[-1].wrote = True
    if written:
        _written(context["connection"], written)
    return result


def install(sender=None, connection=None, **kwargs) -> None:
    """Watch every statement of ``connection`` (on ``connection_created``; once per connection object)."""
    if _execute not in connection.execute_wrappers:
        connection.execute_wrappers.append(_execute)


def without_version_bumps(callbacks: list) -> list:
    """On-commit callbacks (``captureOnCommitCallbacks``) other than the page cache's version bumps."""
    return [callback for callback in callbacks if not isinstance(callback, _Bump)]

"""A small per-worker cache of computed page parts that stays correct across workers.

Every entry is stored under the database's *change count* (tracker.changes) at the moment it
was computed, and served only while the count has not moved, so a change written by any worker
(or the CLI) is seen by the next request everywhere. The writes that reading makes (audit rows,
last-seen times) do not move it. It is cheap to read:

- SQLite: ``PRAGMA data_version`` on a connection of our own that never writes changes whenever
  any other connection commits to the file; only then is the count itself read.
- PostgreSQL: the count each worker hears (tracker.change_feed), or else the count's row.

Either is read once per GET (`one_version_per_request`).

Entries also expire after ``MAX_AGE`` seconds, a bound on staleness even if a version read
misses something, and the cache holds at most ``MAX_ENTRIES`` (oldest dropped first).
Keys must hold everything else the value depends on (today, the person's scope, the filters).

`request_memo()` / `memoised()` are a second, narrower tool: within one read-only request (a
block the handler opens), a read made by several parts of a page (the inspection's events, its
stored milestones, the calendar) runs once and the parts share the rows (each gets its own
shallow copies, so one part adding a key to a row does not show in another's).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from tracker import change_feed, changes

MAX_ENTRIES = 512
MAX_AGE = 30.0

_entries: OrderedDict[Hashable, tuple[Any, float, Any]] = OrderedDict()
_lock = threading.Lock()
# per SQLite file: [file identity, watching connection, last data_version, the count then]
_watchers: dict[str, list] = {}
_in_flight: dict[Hashable, asyncio.Future] = {}


def _sqlite_version(path: str) -> tuple:
    """(file identity, change count) for a SQLite file, from a connection kept for this. The
    count is read again only when ``PRAGMA data_version`` says something was committed."""
    stat = os.stat(path)
    identity = (stat.st_dev, stat.st_ino)
    with _lock:
        known = _watchers.get(path)
        if known is None or known[0] != identity:
            if known is not None:
                known[1].close()
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            known = _watchers[path] = [identity, connection, None, None]
        (committed,) = known[1].execute("PRAGMA data_version").fetchone()
        if committed != known[2]:
            known[2], known[3] = committed, _sqlite_count(known[1], committed)
        count = known[3]
    return (path, identity, count)


def _sqlite_count(connection: sqlite3.Connection, committed: int) -> object:
    try:
        (count,) = connection.execute(changes.READ).fetchone()
    except sqlite3.OperationalError:  # not migrated since the count came: every commit counts
        return ("commit", committed)
    return count


async def data_version() -> tuple:
    """Moves whenever a change that a page could show is committed (tracker.changes)."""
    from tracker.db import is_sqlite
    from tracker.tables import AppUser

    seen = _request_version.get()
    if seen:
        return seen[0]
    engine = AppUser._meta.db  # every table is on the one engine (tracker.db.bind_engine)
    if is_sqlite(engine):
        version = _sqlite_version(engine.connection_kwargs["database"])
    else:
        version = (id(engine), await change_feed.count(engine, _ask_postgres))
    if seen is not None:
        seen.append(version)
    return version


async def _ask_postgres() -> int:
    from tracker.tables import AppUser

    rows = await AppUser.raw(changes.READ)
    return rows[0]["n"]


async def count_after_write() -> int | None:
    """After a request that may have written (tracker.middleware): see change_feed.after_write."""
    from tracker.db import is_sqlite
    from tracker.tables import AppUser

    engine = AppUser._meta.db
    return None if is_sqlite(engine) else await change_feed.after_write(engine, _ask_postgres)


_request_version: ContextVar[list | None] = ContextVar("tracker_request_version", default=None)


@contextmanager
def one_version_per_request() -> Iterator[None]:
    """Inside a GET, the change count is read once: the session, the person and the page then
    ask once, not three times. A GET writes nothing a page shows (its audit rows, a session's
    last-seen time), so what it reads at the count it began with is what it would have shown
    a moment earlier; anything it keeps is only ever served at that count."""
    token = _request_version.set([])
    try:
        yield
    finally:
        _request_version.reset(token)


async def cached(key: Hashable, make: Callable[[], Awaitable[Any]]) -> Any:
    """The value for ``key`` computed at the current data version, made when there is none.

    While one request makes it, others asking for the same key at the same version wait for
    that answer instead of each making their own (after a write, sixteen clients on one page
    would otherwise build it sixteen times at once)."""
    version = await data_version()
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
        if entry is not None and entry[0] == version and now - entry[1] < MAX_AGE:
            _entries.move_to_end(key)
            return entry[2]
    loop = asyncio.get_running_loop()
    flight = (key, version, id(loop))
    pending = _in_flight.get(flight)
    if pending is not None:
        try:
            return await asyncio.shield(pending)
        except asyncio.CancelledError:
            if not pending.cancelled():
                raise  # this request was cancelled, not the one making the value
        return await cached(key, make)  # the one making it went away: make it here
    future = loop.create_future()
    _in_flight[flight] = future
    try:
        value = await make()
    except asyncio.CancelledError:
        future.cancel()
        raise
    except Exception as error:
        future.set_exception(error)
        future.exception()  # the waiters (if any) get it; nobody else needs to look
        raise
    finally:
        _in_flight.pop(flight, None)
    future.set_result(value)
    with _lock:
        _entries[key] = (version, now, value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


_slow: dict[Hashable, tuple[float, Any]] = {}


async def kept_for(key: Hashable, seconds: float, make: Callable[[], Awaitable[Any]]) -> Any:
    """A value made at most ``seconds`` ago, whatever has been written since. Only for figures that
    by their nature move slowly (a median over a business year that has ended), never for what a
    page lists: an audited read, or any write, would otherwise make every request build it again."""
    now = time.monotonic()
    entry = _slow.get(key)
    if entry is not None and now - entry[0] < seconds:
        return entry[1]
    value = await make()
    _slow[key] = (now, value)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()
        _slow.clear()


# -- one request's reads ----------------------------------------------------------------------------

_memo: ContextVar[dict | None] = ContextVar("tracker_request_memo", default=None)


@contextmanager
def request_memo() -> Iterator[None]:
    """Within this block, `memoised(key, make)` makes each key at most once. Open it only around
    reads: nothing written inside the block is seen by a key already made."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    if isinstance(value, dict):
        return dict(value)
    return value


async def memoised(key: Hashable, make: Callable[[], Awaitable[Any]]) -> Any:
    """``await make()``, once per key inside `request_memo()`; outside one, every time."""
    store = _memo.get()
    if store is None:
        return await make()
    if key not in store:
        store[key] = await make()
    return _copy(store[key])

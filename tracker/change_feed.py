"""Hearing the change count (tracker.changes) from PostgreSQL instead of asking for it.

Asking costs a round trip on every page (about 0.3 ms, as much as the rest of a page with no
data work). So each worker LISTENs: the count's trigger sends the new count with `pg_notify`,
which PostgreSQL delivers when, and only when, the change is committed, in commit order. The
worker keeps the highest count heard, and reading it costs nothing.

A notice can arrive a moment after the next request, and a page must never miss a change its
reader made. So a request asks the database instead of trusting what was heard when:
- this worker has written since at a count not yet heard (after every POST, PUT, PATCH or
  DELETE the worker reads the count: its "floor");
- the browser has written through another worker: that count rides back in a cookie set on
  the response to the write (`seen_cookie_name`), and a request carrying a count not yet heard
  asks;
- nothing is heard: not listening (DB_LISTEN off, SQLite, the connection lost and not yet back).

What others write (another person, a command, another worker for someone else) is seen as soon
as its notice is heard: a request lets any notice already waiting in first. The listener asks for
the count every RESYNC_SECONDS too, which also finds a connection that died without a word.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from tracker import changes

CHANNEL = changes.CHANNEL  # tests may point one app elsewhere
APPLICATION_NAME = "tracker change feed"  # as pg_stat_activity shows it
RESYNC_SECONDS = 10.0
RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)

logger = logging.getLogger(__name__)


class _Feed:
    """One worker's listening connection to one database, and the highest count it has heard."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.heard: int | None = None  # None: not listening now, so ask
        self.task: asyncio.Task | None = None
        self.connections = 0  # made so far


_feeds: dict[int, _Feed] = {}  # by id(engine)
_floors: dict[int, int] = {}  # by id(engine): the count after this worker's latest write
_wanted: ContextVar[int] = ContextVar("tracker_change_wanted", default=0)


async def start(engine: Any) -> None:
    """Listen for this engine's changes until `stop` (the app's lifespan)."""
    feed = _feeds[id(engine)] = _Feed(engine.config["dsn"])
    feed.task = asyncio.create_task(_keep_listening(feed), name="tracker change feed")


async def stop(engine: Any) -> None:
    feed = _feeds.pop(id(engine), None)
    if feed is not None and feed.task is not None:
        feed.task.cancel()
        await asyncio.gather(feed.task, return_exceptions=True)


def heard(engine: Any) -> int | None:
    feed = _feeds.get(id(engine))
    return feed.heard if feed is not None else None


def state(engine: Any) -> str:
    """For /health: "listening", "reconnecting" (pages ask meanwhile) or "off" (pages ask)."""
    feed = _feeds.get(id(engine))
    if feed is None:
        return "off"
    return "listening" if feed.heard is not None else "reconnecting"


def connections(engine: Any) -> int:
    feed = _feeds.get(id(engine))
    return feed.connections if feed is not None else 0


async def _keep_listening(feed: _Feed) -> None:
    import asyncpg

    failures = 0
    while True:
        try:
            connection = await asyncpg.connect(
                feed.dsn, server_settings={"application_name": APPLICATION_NAME}
            )
            try:
                feed.connections += 1
                await _listen(feed, connection)
                failures, reason = 0, "the connection closed"
            finally:
                feed.heard = None
                connection.terminate()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            reason = str(error)
        await _wait_to_retry(feed, failures, reason)
        failures += 1


async def _listen(feed: _Feed, connection: Any) -> None:
    noticed = 0  # the highest count heard on this connection

    def on_notice(_connection, _pid, _channel, payload: str) -> None:
        nonlocal noticed
        noticed = max(noticed, int(payload))
        if feed.heard is not None:
            feed.heard = max(feed.heard, noticed)

    closed = asyncio.Event()
    connection.add_termination_listener(lambda _connection: closed.set())
    await connection.add_listener(CHANNEL, on_notice)
    # Read after LISTEN, so no change committed from here on goes unheard, nor one whose notice
    # came while reading. A fresh connection takes the count as it is (a restored database's
    # count may be lower than one heard before).
    feed.heard = max(await connection.fetchval(changes.READ), noticed)
    while not closed.is_set():
        try:
            await asyncio.wait_for(closed.wait(), RESYNC_SECONDS)
        except TimeoutError:
            before = feed.heard or 0
            now = await connection.fetchval(changes.READ)
            # Lower than a count heard before asking only when the count went back (a restore).
            feed.heard = now if now < before else max(feed.heard or 0, now)


async def _wait_to_retry(feed: _Feed, failures: int, reason: str) -> None:
    feed.heard = None
    delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
    logger.warning("change feed: not listening (%s); trying again in %s s", reason, delay)
    await asyncio.sleep(delay)


# -- one request ------------------------------------------------------------------------------


@contextmanager
def wanting(count: int) -> Any:
    """Within this block (a request), a count below ``count`` is not trusted: the browser's own
    write was committed at ``count``."""
    token = _wanted.set(count)
    try:
        yield
    finally:
        _wanted.reset(token)


async def count(engine: Any, ask: Any) -> int:
    """The change count: the one heard when it can be trusted, else ``await ask()``."""
    key = id(engine)
    feed = _feeds.get(key)
    if feed is not None:
        await asyncio.sleep(0)  # a notice already waiting on the socket is heard first
        wanted = max(_floors.get(key, 0), _wanted.get())
        if feed.heard is not None and feed.heard >= wanted:
            return feed.heard
    asked = await ask()
    if asked < _floors.get(key, 0):  # the count went back (a restored database)
        _floors[key] = asked
    return asked


async def after_write(engine: Any, ask: Any) -> int | None:
    """After a request that may have written: the count now, which this worker's next requests
    wait to hear (its floor), for the response's cookie. None when not listening."""
    key = id(engine)
    if key not in _feeds:
        return None
    now = await ask()
    _floors[key] = max(_floors.get(key, 0), now)
    return now


def seen_cookie_name(secure: bool) -> str:
    return "__Host-seen" if secure else "tracker_seen"


def forget() -> None:
    """Drop this worker's floors (tests: each has a database of its own)."""
    _floors.clear()

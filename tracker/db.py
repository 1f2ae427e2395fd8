"""The database engine: SQLite by default, PostgreSQL in production, chosen by DATABASE_URL."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlparse

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

SQLITE_BUSY_TIMEOUT_S = 10


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine opens a new connection (and thread) for every query, about ten
    times the cost of the query itself. While the app runs, queries outside a transaction borrow
    one of a few long-lived connections instead. Transactions still get their own connection.
    The pool serves the event loop that started it; code on another loop (a command, a test's
    helper beside a running app) opens its own connections as before."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: asyncio.LifoQueue | None = None
        self._pool_loop: asyncio.AbstractEventLoop | None = None
        self._open: list = []
        self._max_size = 0

    async def start_connection_pool(self, max_size: int = 8, **_: Any) -> None:
        self._idle = asyncio.LifoQueue()
        self._pool_loop = _running_loop()
        self._max_size = max_size

    async def close_connection_pool(self) -> None:
        idle, self._idle = self._idle, None
        for connection in self._open:
            await connection.close()
        self._open = []
        del idle

    async def _run_in_new_connection(self, query: str, args=None, query_type: str = "generic", table=None):
        if self._idle is None or _running_loop() is not self._pool_loop:
            return await super()._run_in_new_connection(query, args, query_type, table)
        connection = await self._borrow()
        try:
            return await self._run_in_existing_connection(connection, query, args, query_type, table)
        finally:
            self._idle.put_nowait(connection)

    async def _borrow(self):
        if self._idle.empty() and len(self._open) < self._max_size:
            connection = await self.get_connection()
            self._open.append(connection)
            return connection
        return await self._idle.get()


class LoopPooledPostgresEngine(PostgresEngine):
    """Piccolo's PostgreSQL engine with a pool per event loop. A query on a new connection costs
    25 to 100 times one on a pooled connection (bench/connection_cost.py), so the running app
    keeps a pool (its lifespan), and so does each `tracker.aio.run_sync` (a command, a job) and
    the tests' helpers, each on its own loop: a pool's connections serve only the loop that made them."""

    @property
    def pool(self) -> Any:
        return self.__dict__.get("_pools", {}).get(_running_loop())

    @pool.setter
    def pool(self, value: Any) -> None:
        pools = self.__dict__.setdefault("_pools", {})
        if value is None:
            pools.pop(_running_loop(), None)
        else:
            pools[_running_loop()] = value


async def open_pool_here() -> LoopPooledPostgresEngine | None:
    """Open a small pool (0 to 4 connections, opened on first use) for the bound PostgreSQL
    engine on this event loop, unless it has one here. The engine when a pool was opened."""
    import piccolo_conf

    engine = piccolo_conf.DB
    if not isinstance(engine, LoopPooledPostgresEngine) or engine.pool is not None:
        return None
    await engine.start_connection_pool(min_size=0, max_size=4)
    return engine


@asynccontextmanager
async def pooled_connections() -> AsyncIterator[None]:
    """Within this block, on this event loop, PostgreSQL queries share a small pool (when none
    is running here yet). SQLite connections are cheap enough: nothing changes."""
    opened = await open_pool_here()
    try:
        yield
    finally:
        if opened is not None:
            await opened.close_connection_pool()


def engine_from_url(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        _enable_wal(path)
        return PooledSQLiteEngine(path=path, timeout=SQLITE_BUSY_TIMEOUT_S)
    if url.startswith(("postgres://", "postgresql://")):
        return LoopPooledPostgresEngine(config={"dsn": url})
    raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {url!r}")


def _enable_wal(path: str) -> None:
    """WAL lets readers work while one writer writes; the mode is stored in the file."""
    from pathlib import Path

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def is_unique_violation(error: BaseException) -> bool:
    """A row broke a unique constraint (on either engine)."""
    import asyncpg

    if isinstance(error, asyncpg.UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and str(error).startswith("UNIQUE constraint failed")


def is_sqlite(engine: Engine) -> bool:
    return isinstance(engine, SQLiteEngine)


def all_tables() -> list[type[Table]]:
    from piccolo.conf.apps import Finder

    return Finder().get_table_classes()


def bind_engine(engine: Engine) -> None:
    """Point every table at one engine (tests give each test its own database)."""
    import piccolo_conf

    piccolo_conf.DB = engine
    for table in all_tables():
        table._meta.db = engine


def write_transaction(engine: Engine):
    """A transaction that takes the write lock up front on SQLite (no lock upgrade deadlocks)."""
    if is_sqlite(engine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


async def hold_row(table: type[Table], row_id: int) -> None:
    """Inside a write transaction: other transactions that hold the same row wait until this one
    ends (for "the next number" and other read-then-write steps). PostgreSQL locks the row;
    SQLite's write transaction already holds the whole database."""
    if is_sqlite(table._meta.db):
        return
    name = table._meta.tablename
    query = f'SELECT id FROM "{name}" WHERE id = {{}} FOR UPDATE'  # noqa: S608 - a table of ours  # nosec B608
    await table.raw(query, row_id)  # the id is a parameter


def database_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


async def migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    import piccolo_conf
    from tracker import changes

    response = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not response.success:
        raise RuntimeError(f"Migration failed: {response.message}")
    await changes.install(piccolo_conf.DB)  # after every migration: a new table is counted too


def contains_words(column, words: str):
    """A Where: the column holds these words, in any capitals (SQLite's LIKE already ignores
    them; PostgreSQL needs ILIKE, which SQLite lacks)."""
    pattern = f"%{words}%"
    return column.ilike(pattern) if column._meta.engine_type == "postgres" else column.like(pattern)

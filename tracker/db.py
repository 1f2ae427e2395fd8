"""The database engine: SQLite by default, PostgreSQL in production, chosen by DATABASE_URL."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlparse

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

SQLITE_BUSY_TIMEOUT_S = 10


def engine_from_url(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        _enable_wal(path)
        return SQLiteEngine(path=path, timeout=SQLITE_BUSY_TIMEOUT_S)
    if url.startswith(("postgres://", "postgresql://")):
        return PostgresEngine(config={"dsn": url})
    raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {url!r}")


def _enable_wal(path: str) -> None:
    """WAL lets readers work while one writer writes; the mode is stored in the file."""
    from pathlib import Path

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


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


def database_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


async def migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    response = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not response.success:
        raise RuntimeError(f"Migration failed: {response.message}")

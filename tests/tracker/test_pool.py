"""Pooled connections: while the app runs, its queries reuse a few long-lived connections; on
PostgreSQL each `run_sync` (a command, a job, a test's helper) has a small pool of its own."""

import pytest

from tests.support import make_settings, make_user, sign_in
from tracker.aio import run_sync as run
from tracker.roles import Role


def test_pages_work_on_pooled_connections(db, database_url):
    from litestar.testing import TestClient

    from tracker.app import create_app
    from tracker.db import PooledSQLiteEngine

    if not isinstance(db, PooledSQLiteEngine):
        pytest.skip("the SQLite pool; PostgreSQL uses asyncpg's pool")
    make_user("sam", Role.HMPPS_SCRUTINY)
    app = create_app(make_settings(database_url, db_pool=True), engine=db)
    with TestClient(app=app, base_url="http://testserver.local") as client:
        sign_in(client, "sam")
        for _ in range(20):
            assert client.get("/").status_code == 200
        assert 1 <= len(db._open) <= 10
    assert db._open == [] and db._idle is None


def _postgres_only(db):
    from tracker.db import LoopPooledPostgresEngine

    if not isinstance(db, LoopPooledPostgresEngine):
        pytest.skip("PostgreSQL's pools")


def _backend_ids(db, times: int) -> set[int]:
    async def go():
        return {(await db.run_ddl("SELECT pg_backend_pid() AS pid"))[0]["pid"] for _ in range(times)}

    return run(go())


def _connections_to_this_database(db) -> int:
    rows = run(db.run_ddl("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()"))
    return rows[0]["n"]


def test_queries_in_one_run_share_a_connection_and_leave_none_open(db):
    _postgres_only(db)
    assert len(_backend_ids(db, 5)) == 1  # without a pool, each query had a connection of its own
    for _ in range(10):
        _backend_ids(db, 3)
    assert _connections_to_this_database(db) == 1  # only the one counting


def test_a_helper_beside_the_running_app_uses_its_own_connections(db, client):
    _postgres_only(db)
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    before = _connections_to_this_database(db)
    assert client.get("/").status_code == 200
    assert len(_backend_ids(db, 3)) == 1
    assert client.get("/").status_code == 200
    assert _connections_to_this_database(db) <= before + 1

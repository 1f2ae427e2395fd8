"""While the app runs, SQLite queries reuse a few long-lived connections (the pool)."""

import pytest

from tests.support import make_settings, make_user, sign_in
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

"""Test fixtures: a fresh, migrated database for every test (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), the app, an HTTP client, and a live server for browser tests.

Tests are plain synchronous functions. `run(coroutine)` sets up data on an event loop of its own
(with its own small PostgreSQL pool) while the app serves requests on the test client's loop with
the app's pool, as `tracker serve` does (decision 0006: a pool serves only the loop that made it).
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from urllib.parse import urlparse

import pytest

from tests.support import CONFIDENTIAL_CANARY, PASSWORD, TEST_SECRET_KEY, make_settings

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def pytest_configure(config):
    from tracker import twofactor
    from tracker.passwords import use_cheap_hashing_for_tests
    from tracker.wiring import wire

    use_cheap_hashing_for_tests()
    twofactor.use_secret_key(TEST_SECRET_KEY)  # as the tests' apps and servers are given
    wire()  # as the app and the `tracker` command do: tests call the shell's functions directly


def pytest_collection_modifyitems(config, items):
    """Every test that touches the database is marked `db`, so it runs again on PostgreSQL.
    Tests marked `slow` go first: with `--maxschedchunk 1` (scripts/test.sh) a worker takes the
    next test when it is free, so the long ones do not end up last on one worker."""
    db_fixtures = {"db", "app", "client", "live_server"}
    for item in items:
        if db_fixtures & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: order kept otherwise


from tests.support import close_test_pool, run  # noqa: E402


class _Collect(logging.Handler):
    """Keeps every log line the suite produces, as the JSON lines a server writes, to search for
    secrets that must never be logged."""

    def __init__(self) -> None:
        from tracker.logs import json_formatter, use_structlog

        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        use_structlog()
        self.setFormatter(json_formatter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 - a log line that cannot be formatted holds no secret
            pass


_LOG = _Collect()
logging.getLogger().addHandler(_LOG)
logging.getLogger().setLevel(logging.INFO)


CANARIES = (PASSWORD, CONFIDENTIAL_CANARY)


@pytest.fixture(autouse=True)
def no_secret_in_logs_or_audit():
    """After every test: no password or confidential canary in any log line (the audit log is
    checked by the `db` fixture, before the test's database goes)."""
    start = len(_LOG.lines)
    yield
    leaked = [line for line in _LOG.lines[start:] for c in CANARIES if c in line]
    del _LOG.lines[start:]
    assert not leaked, f"secret in the logs: {leaked[:3]}"


@pytest.fixture
def log_lines():
    """A function giving this test's log lines so far, each a JSON object."""
    import json

    start = len(_LOG.lines)
    return lambda: [json.loads(line) for line in _LOG.lines[start:]]


def _no_secret_in_audit() -> None:
    from tracker.tables import AuditEvent

    for canary in CANARIES:
        hits = run(AuditEvent.count().where(AuditEvent.detail.like(f"%{canary}%")))
        assert hits == 0, f"secret in the audit log: {canary}"


@pytest.fixture(name="run")
def run_fixture():
    return run


async def _migrate(engine) -> None:
    from tracker.db import bind_engine, migrate

    bind_engine(engine)
    await migrate()


def _quiet_migrate(engine) -> None:
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        run(_migrate(engine))
    close_test_pool(engine)  # a template database must have no connections to be copied


@pytest.fixture(scope="session")
def template_database(tmp_path_factory, worker_id):
    """A migrated database that each test copies (SQLite file) or clones (PostgreSQL template)."""
    from tracker.db import engine_from_url

    if PG_URL:
        from tracker.dbroles import grant_app_role

        name = f"tracker_template_{worker_id}"
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(f'CREATE DATABASE "{name}"')
        _pg_admin(CREATE_APP_ROLE)
        owner_engine = engine_from_url(_pg_url_for(name))
        _quiet_migrate(owner_engine)
        run(grant_app_role(owner_engine, APP_ROLE))  # as `tracker migrate` does in production
        close_test_pool(owner_engine)
        yield name
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        _quiet_migrate(engine_from_url(f"sqlite:///{path}"))
        yield path


@pytest.fixture(scope="session")
def worker_id(request):
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


def _pg_url_for(name: str, user: str = "") -> str:
    """The URL of database NAME as the owner (who made the tables), or as USER."""
    base, _, _old = PG_URL.rpartition("/")
    url = f"{base}/{name}"
    return url.replace(f"//{urlparse(PG_URL).username}@", f"//{user}@", 1) if user else url


# On PostgreSQL the tests run as the app does in production (README "Running in production"): as
# a role that neither owns nor may change or delete audit rows; the owner only migrates.
APP_ROLE = "tracker_app"
CREATE_APP_ROLE = f"""DO $$ BEGIN CREATE ROLE {APP_ROLE} LOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"""


def _pg_admin(sql: str) -> None:
    import asyncpg

    async def go():
        connection = await asyncpg.connect(_pg_url_for("postgres"))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    run(go())


@pytest.fixture
def database_url(template_database, tmp_path):
    if PG_URL:
        name = f"t_{uuid.uuid4().hex[:12]}"
        _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
        yield _pg_url_for(name, user=APP_ROLE)
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template_database, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def owner_database_url(database_url):
    """The test's database as the role that owns its tables (PostgreSQL); on SQLite the same file."""
    if PG_URL:
        return _pg_url_for(urlparse(database_url).path.lstrip("/"))
    return database_url


@pytest.fixture
def db(database_url):
    from tracker import audit, cache, change_feed
    from tracker.db import bind_engine, engine_from_url

    cache.clear()  # what one test's world kept (cache.kept_for) is not another's
    change_feed.forget()
    audit.forget_reads()
    engine = engine_from_url(database_url)
    bind_engine(engine)
    yield engine
    bind_engine(engine)
    _no_secret_in_audit()
    close_test_pool(engine)


@pytest.fixture
def settings(database_url):
    return make_settings(database_url)


_APPS: dict[str, object] = {}


@pytest.fixture
def app(db, settings):
    """The app for these settings. Building one takes about half a second, so each test worker
    keeps one per distinct settings and points it at the test's own database."""
    from dataclasses import replace

    from tracker.app import create_app
    from tracker.db import bind_engine

    key = repr(replace(settings, database_url=""))
    if key not in _APPS:
        _APPS[key] = create_app(settings, engine=db)
    application = _APPS[key]
    application.state.settings = settings
    application.state.engine = db
    application.state.pop("feed_misses", None)  # a reused app: no test inherits another's feed misses
    bind_engine(db)
    return application


@pytest.fixture
def client(app):
    from litestar.testing import TestClient

    with TestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client


@pytest.fixture
def live_server(app):
    """The app served by uvicorn on a free loopback port, for browser tests."""
    from tests.support import LiveServer

    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }

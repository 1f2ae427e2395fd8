"""The probes a platform runs against the service (HMPPS conventions): /ping, /health, /info.
Each check talks to a real server on loopback: the test's database, an SMTP server, a database
server that accepts connections and never answers, a PostgreSQL server stopped and started."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

from tests.conftest import PG_URL
from tests.support import audit_rows, free_port, make_settings, make_user, sign_in
from tracker.roles import Role
from tracker.settings import PROJECT_ROOT


def test_ping_is_up_with_no_session_cookie_or_audit_row(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    rows = len(audit_rows())
    for path in ("/ping", "/health", "/info"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        assert "set-cookie" not in response.headers, path
    assert client.get("/ping").json() == {"status": "UP"}
    assert len(audit_rows()) == rows


def test_health_reports_each_component_and_the_build(client):
    body = client.get("/health").json()
    assert body["status"] == "UP"
    components = body["components"]
    assert components["database"]["status"] == "UP"
    assert components["database"]["details"]["required"] is True
    # Nothing listens on the SMTP port in the tests: reported, not required by default.
    assert components["smtp"]["status"] == "DOWN" and components["smtp"]["details"]["required"] is False
    # clamscan with the tests' signature file.
    assert components["scanner"]["status"] == "UP"
    assert body["build"]["version"] == version("inspection-tracker")
    assert body["uptime"] >= 0


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Accept:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            return "250 OK"

    port = free_port()
    controller = Controller(Accept(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


def app_client(db, settings):
    from litestar.testing import TestClient

    from tracker.app import create_app

    return TestClient(app=create_app(settings, engine=db), base_url="http://testserver.local")


def test_a_required_component_down_makes_health_503_and_up_again(db, settings, smtp_server):
    silent = replace(settings, smtp_port=free_port(), health_required=("database", "smtp"))
    with app_client(db, silent) as client:
        response = client.get("/health")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "DOWN" and body["components"]["smtp"]["status"] == "DOWN"
        assert body["components"]["database"]["status"] == "UP"
    listening = replace(silent, smtp_port=smtp_server)
    with app_client(db, listening) as client:
        response = client.get("/health")
        assert response.status_code == 200
        assert response.json()["components"]["smtp"]["status"] == "UP"


def test_health_required_setting_is_read_and_checked(monkeypatch):
    from tracker.settings import load_settings

    assert load_settings().health_required == ("database",)
    monkeypatch.setenv("HEALTH_REQUIRED", "scanner, smtp")
    assert set(load_settings().health_required) == {"database", "scanner", "smtp"}
    monkeypatch.setenv("HEALTH_REQUIRED", "scaner")
    with pytest.raises(RuntimeError, match="HEALTH_REQUIRED"):
        load_settings()


def test_info_gives_the_version_and_the_git_ref(db, settings):
    built = replace(settings, git_ref="3f2a9c1", build_number="2026-12-02.7")
    with app_client(db, built) as client:
        info = client.get("/info").json()
    assert info["build"] == {
        "name": "inspection-tracker",
        "version": version("inspection-tracker"),
        "gitRef": "3f2a9c1",
        "buildNumber": "2026-12-02.7",
    }
    assert info["uptime"] >= 0


def test_git_ref_and_build_number_come_from_the_environment(monkeypatch):
    from tracker.settings import load_settings

    monkeypatch.setenv("GIT_REF", "abc123")
    monkeypatch.setenv("BUILD_NUMBER", "42")
    assert (load_settings().git_ref, load_settings().build_number) == ("abc123", "42")


@pytest.mark.skipif(bool(PG_URL), reason="an SQLite file; PostgreSQL is stopped in the test below")
def test_health_reports_an_unreadable_sqlite_database_down_then_up_again(client, settings):
    path = Path(settings.database_url.removeprefix("sqlite:///"))
    assert client.get("/health").status_code == 200
    path.rename(path.with_suffix(".away"))
    try:
        response = client.get("/health")
        assert response.status_code == 503
        assert response.json()["components"]["database"]["status"] == "DOWN"
        assert client.get("/ping").json() == {"status": "UP"}
    finally:
        path.with_suffix(".away").rename(path)
    assert client.get("/health").json()["components"]["database"]["status"] == "UP"


@pytest.fixture
def silent_server():
    """A server that accepts connections and never says a word (a database that hangs)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


@pytest.mark.filterwarnings("ignore:.*Unable to fetch server version")
def test_a_database_that_never_answers_is_down_not_a_hung_probe(silent_server):
    from litestar.testing import TestClient

    from tracker.app import create_app
    from tracker.db import LoopPooledPostgresEngine

    url = f"postgresql://tracker@127.0.0.1:{silent_server}/tracker"
    # As engine_from_url makes it, but giving up on the server's version after a second, not 60.
    engine = LoopPooledPostgresEngine(config={"dsn": url, "timeout": 1})
    settings = make_settings(url, db_pool=False)
    with TestClient(app=create_app(settings, engine=engine), base_url="http://testserver.local") as client:
        assert client.get("/ping").json() == {"status": "UP"}
        response = client.get("/health")
    assert response.status_code == 503
    database = response.json()["components"]["database"]
    assert database["status"] == "DOWN" and database["details"]["error"] == "timed out"


# -- PostgreSQL stopped and started under a running `tracker serve` --------------------------------


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


class ThrowawayPostgres:
    """A PostgreSQL server of the test's own on a free loopback port (as scripts/with-postgres.sh)."""

    def __init__(self, directory: Path) -> None:
        self.bin = _postgres_bin()
        self.directory, self.data = directory, str(directory / "data")
        self.port = free_port()
        self.runas = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.runas:
            shutil.chown(directory, "postgres")
        self._run("initdb", "-D", self.data, "-U", "tracker", "--auth=trust", "-E", "UTF8")

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        argv = [*self.runas, str(self.bin / program), *args]
        subprocess.run(argv, check=check, capture_output=True)  # noqa: S603 - fixed argv

    @property
    def url(self) -> str:
        return f"postgresql://tracker@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off"
        self._run("pg_ctl", "-D", self.data, "-l", str(self.directory / "log"), "-w", "-o", options, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def stop_if_running(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-m", "immediate", "stop", check=False)


@pytest.mark.slow
@pytest.mark.skipif(_postgres_bin() is None, reason="PostgreSQL is not installed")
def test_health_reports_postgresql_down_while_it_is_stopped_and_up_when_it_returns(tmp_path):
    from tests.security.servers import ServerProcess

    directory = Path(tempfile.mkdtemp(prefix="tracker-health-pg."))  # the postgres user must reach it
    postgres = ThrowawayPostgres(directory)
    postgres.start()
    try:
        subprocess.run(  # noqa: S603 - fixed argv
            [str(PROJECT_ROOT / ".venv/bin/tracker"), "migrate"],
            env={**os.environ, "DATABASE_URL": postgres.url},
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
        )
        with ServerProcess(postgres.url, tmp_path / "serve.log") as server:
            assert httpx.get(f"{server.url}/health").json()["components"]["database"]["status"] == "UP"
            postgres.stop()
            response = httpx.get(f"{server.url}/health", timeout=30)
            assert response.status_code == 503
            assert response.json()["components"]["database"]["status"] == "DOWN"
            assert httpx.get(f"{server.url}/ping").json() == {"status": "UP"}
            postgres.start()
            response = httpx.get(f"{server.url}/health", timeout=30)
            assert response.status_code == 200
            assert response.json()["components"]["database"]["status"] == "UP"
    finally:
        postgres.stop_if_running()
        shutil.rmtree(directory, ignore_errors=True)


def test_the_probes_answer_a_client_the_rate_limits_have_stopped(client):
    from timelines.feeds import MISSES_PER_MINUTE

    for _ in range(MISSES_PER_MINUTE + 1):
        last = client.get("/feeds/no-such-feed.ics")
    assert last.status_code == 429
    for path in ("/ping", "/health", "/info"):
        assert client.get(path).status_code == 200

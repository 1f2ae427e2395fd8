"""F5: `kill -9` of `tracker serve` in the middle of concurrent writes leaves the SQLite database
consistent: PRAGMA integrity_check is ok, no foreign key points at a missing row, every
inspection that exists has its stored milestones (written in the same transaction), no stored
file row without its content, and the app serves again on the same database."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
SEED = """
import asyncio
from tracker.roles import Role
from tracker.users import create_user
from tracker.sessions import create_api_token
from inspections.tables import Establishment
from tracker.wiring import wire

async def main():
    wire()
    est = Establishment(name="HMP Crash", code="CRA", kind="prison")
    await est.save()
    user = await create_user("crashleader", "Crash Leader", "a long enough password 1", [Role.HMIP_TEAM_LEADER])
    print(est.id, await create_api_token(user, "f5"))

asyncio.run(main())
"""


def _env(path: Path) -> dict:
    return os.environ | {
        "DATABASE_URL": f"sqlite:///{path}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": "f5-test-secret-key-that-is-long-enough-0123456789",
        "TRACKER_ENV": "local",
    }


def _tracker(*args: str, env: dict, **kwargs):
    return subprocess.run([str(ROOT / ".venv/bin/tracker"), *args], env=env, cwd=ROOT, check=True, **kwargs)


def _start(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/tracker"), "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("tracker serve did not start")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="kill -9")
def test_kill_9_during_concurrent_writes_leaves_the_database_consistent(tmp_path):
    from tracker.clock import today_london

    path = tmp_path / "crash.sqlite3"
    env = _env(path)
    _tracker("migrate", env=env, capture_output=True)
    seeded = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", SEED],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    establishment, token = seeded.stdout.split()
    port = free_port()
    server = _start(env, port)
    headers = {"Authorization": f"Bearer {token}"}
    start = today_london() + timedelta(days=200)
    made = []
    stop = threading.Event()

    def writer(n: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=10) as http:
            i = 0
            while not stop.is_set():
                i += 1
                body = {
                    "establishment_id": int(establishment),
                    "kind": "full",
                    "title": f"writer {n} number {i}",
                    "start_date": (start + timedelta(days=i)).isoformat(),
                    "end_date": (start + timedelta(days=i + 11)).isoformat(),
                }
                try:
                    response = http.post("/api/v1/inspections", json=body)
                except httpx.HTTPError:
                    return  # the server is gone
                if response.status_code == 201:
                    made.append(response.json()["id"])
                    try:
                        http.post(
                            f"/api/v1/inspections/{response.json()['id']}/events",
                            json={"kind": "debrief_held", "occurred_on": today_london().isoformat()},
                        )
                    except httpx.HTTPError:
                        return

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(made) < 15 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(server.pid, signal.SIGKILL)  # mid-way: writers are still sending
    server.wait()
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    assert len(made) >= 15

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        without_milestones = db.execute(
            "SELECT id FROM inspection WHERE id NOT IN (SELECT inspection FROM stored_milestone)"
        ).fetchall()
        assert without_milestones == []
        for table, column in (("fc_draft_file", "content"), ("action_plan_file", "content")):
            assert db.execute(f'SELECT count(*) FROM "{table}" WHERE {column} IS NULL').fetchone()[0] == 0  # noqa: S608
        acknowledged = {r[0] for r in db.execute("SELECT id FROM inspection")}
    assert set(made) <= acknowledged  # every 201 the clients saw was durable

    # The app starts again on the same file and serves it.
    server = _start(env, port)
    try:
        listing = httpx.get(f"http://127.0.0.1:{port}/api/v1/inspections", headers=headers, timeout=10)
        assert listing.status_code == 200 and len(listing.json()) >= len(made)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)

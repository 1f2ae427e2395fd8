"""What the platform's probes report (HMPPS conventions; the routes are tracker/web/health.py).

/health checks the database, the SMTP server and the virus scanner at once, each bounded by
CHECK_TIMEOUT_S, so the probe answers in about that time at worst whatever hangs. The database is
checked on a connection of its own, never one borrowed from the app's pool, on a thread of the
probe's own (with its own event loop for PostgreSQL): a busy pool or event loop does not hold the
check up, and a database that has gone away is seen at once. Requests that arrive while
a check is running share its answer, so a flood of probes opens no more than one connection at a
time per worker. A component is UP or DOWN; /health answers 503 only when one the HEALTH_REQUIRED
setting names (always the database) is DOWN. Reasons given are fixed phrases or an error's type:
the probe is public, so no host name, address or path.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import quote

from tracker import change_feed
from tracker.db import is_sqlite
from tracker.scanning import clamav_database
from tracker.settings import Settings

CHECK_TIMEOUT_S = 2.0
CLAMAV_DEFAULT_DATABASE = Path("/var/lib/clamav")
DISTRIBUTION = "inspection-tracker"
STARTED = time.monotonic()

# Its own threads: the default executor may be busy with the app's work when the probe comes.
_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="health")


class Down(Exception):
    """A component is down, for a reason that may be shown to anyone."""


def _version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"


def build(settings: Settings) -> dict:
    return {
        "name": DISTRIBUTION,
        "version": _version(),
        "gitRef": settings.git_ref or None,
        "buildNumber": settings.build_number or None,
    }


def uptime() -> float:
    """Seconds since this worker started."""
    return round(time.monotonic() - STARTED, 1)


def _read_sqlite(path: str) -> None:
    # Read-only: a missing file is an error here, not a new empty database.
    connection = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=CHECK_TIMEOUT_S)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        connection.close()


def _ask_postgresql(dsn: str) -> None:
    """On a health thread, with an event loop of its own: the app's loop may be busy."""
    import asyncpg

    async def select_one():
        connection = await asyncpg.connect(dsn, timeout=CHECK_TIMEOUT_S)
        try:
            await connection.fetchval("SELECT 1", timeout=CHECK_TIMEOUT_S)
        finally:
            await connection.close(timeout=CHECK_TIMEOUT_S)

    asyncio.run(select_one())


async def check_database(engine) -> dict:
    loop = asyncio.get_running_loop()
    if is_sqlite(engine):
        await loop.run_in_executor(_THREADS, _read_sqlite, engine.path)
        return {"engine": "sqlite"}
    await loop.run_in_executor(_THREADS, _ask_postgresql, engine.config["dsn"])
    return {"engine": "postgresql", "changeFeed": change_feed.state(engine)}


async def check_smtp(settings: Settings) -> dict:
    """The server greets with 220; we say QUIT. Nothing is sent."""
    reader, writer = await asyncio.open_connection(settings.smtp_host, settings.smtp_port)
    try:
        greeting = await reader.readline()
        if not greeting.startswith(b"220"):
            raise Down("no SMTP greeting")
        writer.write(b"QUIT\r\n")
        await writer.drain()
    finally:
        writer.close()
    return {}


async def check_scanner(settings: Settings) -> dict:
    """clamscan is installed and has signatures (without them uploads wait for their check)."""
    if shutil.which("clamscan") is None:
        raise Down("clamscan is not installed")
    database = Path(clamav_database(settings) or CLAMAV_DEFAULT_DATABASE)
    if not (database.is_file() or (database.is_dir() and any(database.iterdir()))):
        raise Down("no signature database")
    return {}


async def _component(check, required: bool) -> dict:
    started = time.perf_counter()
    try:
        details, status = await asyncio.wait_for(check, CHECK_TIMEOUT_S), "UP"
    except TimeoutError:
        details, status = {"error": "timed out"}, "DOWN"
    except Down as down:
        details, status = {"error": str(down)}, "DOWN"
    except Exception as error:  # noqa: BLE001 - any failure is DOWN; its type says which
        details, status = {"error": type(error).__name__}, "DOWN"
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    return {"status": status, "details": {**details, "required": required, "responseTimeMs": elapsed}}


async def _check_all(engine, settings: Settings) -> tuple[int, dict]:
    checks = {  # as tracker.settings.HEALTH_COMPONENTS names them
        "database": check_database(engine),
        "smtp": check_smtp(settings),
        "scanner": check_scanner(settings),
    }
    results = await asyncio.gather(*(_component(c, n in settings.health_required) for n, c in checks.items()))
    components = dict(zip(checks, results, strict=True))
    down = any(c["status"] == "DOWN" and c["details"]["required"] for c in components.values())
    body = {
        "status": "DOWN" if down else "UP",
        "components": components,
        "build": build(settings),
        "uptime": uptime(),
    }
    return (503 if down else 200), body


async def report(state) -> tuple[int, dict]:
    """The status code and body of /health for the app with this state (its engine and settings);
    a check already running on this event loop is shared, not repeated."""
    running = state.get("health_check")
    if running is None or running.done() or running.get_loop() is not asyncio.get_running_loop():
        running = asyncio.ensure_future(_check_all(state.engine, state.settings))
        state.health_check = running
    return await asyncio.shield(running)

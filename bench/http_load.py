"""HTTP benchmark: the service's busiest pages under load, beside a trivial page as the floor.

Prints, for each page and concurrency: median, p95 and p99 latency, requests per second,
errors, and throughput as a share of the floor measured in the same run; and the worker's peak
memory. A script that prints figures, never a pass/fail test.

    .venv/bin/python bench/http_load.py [--database-url URL] [--workers 1] [--duration 10]

The database must already hold data (see `tracker demo --inspections N`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-password-2026"

# (label, user who opens it, path template). Ids are filled from the database.
PAGES = [
    ("floor: 50-row table", "hmipmanager", "/bench/floor"),
    ("overdue dashboard", "hmipmanager", "/dashboard"),
    ("my work (team leader)", "leader", "/my-work"),
    ("inspection page", "hmipmanager", "/inspections/{inspection_id}"),
    ("establishment list", "hmipmanager", "/establishments"),
    ("dashboard export (CSV)", "hmipmanager", "/dashboard/export.csv"),
    ("calendar feed", "leader", "/feeds/{feed_token}.ics"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "TRACKER_ENV": "local"}
    command = [
        str(ROOT / ".venv/bin/uvicorn"),
        "bench.floor_app:create",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not start")


def sign_in(base: str, username: str, database_url: str) -> str:
    """A Cookie header for a demo user (two-step sign-in answered by scripts/session_cookie.py)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(  # noqa: S603
        [str(ROOT / ".venv/bin/python"), str(ROOT / "scripts/session_cookie.py"), base, username],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()


def resolve_ids(database_url: str) -> dict[str, str]:
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    from inspections.tables import Inspection
    from tracker.db import bind_engine, engine_from_url

    bind_engine(engine_from_url(database_url))

    async def go():
        row = await Inspection.select(Inspection.id).order_by(Inspection.id, ascending=False).first()
        ids = {"inspection_id": str(row["id"]) if row else "1"}
        try:
            from timelines.feeds import create_feed_token  # built by the dashboards work
            from tracker.users import user_id_for

            ids["feed_token"] = await create_feed_token(await user_id_for("leader"))
        except ImportError:
            ids["feed_token"] = "missing"
        return ids

    return asyncio.run(go())


def wrk(url: str, cookie: str, connections: int, duration: int) -> dict:
    command = [
        "wrk",
        "-t",
        str(min(connections, 2)),
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench/wrk_report.lua"),
        "-H",
        f"Cookie: {cookie}",
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    return json.loads(output.strip().splitlines()[-1])


def peak_rss_mb(process: subprocess.Popen) -> float:
    """The largest resident memory of the server process and its workers so far."""
    pids = [process.pid]
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    peak = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
            peak = max(peak, int(match.group(1)) if match else 0)
    return peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", f"sqlite:///{ROOT}/var/tracker.sqlite3")
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--concurrency", default="1,16")
    parser.add_argument("--markdown", type=Path, help="also append the table to this file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    ids = resolve_ids(args.database_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.database_url, port, args.workers)
    try:
        cookies = {user: sign_in(base, user, args.database_url) for user in {p[1] for p in PAGES}}
        rows, floor_rps = [], {}
        for concurrency in [int(c) for c in args.concurrency.split(",")]:
            for label, user, template in PAGES:
                url = base + template.format(**ids)
                status = httpx.get(url, headers={"Cookie": cookies[user]}, timeout=30).status_code
                if status != 200:
                    rows.append((label, concurrency, None, f"skipped: status {status}"))
                    continue
                figures = wrk(url, cookies[user], concurrency, args.duration)
                if template == "/bench/floor":
                    floor_rps[concurrency] = figures["rps"]
                rows.append((label, concurrency, figures, ""))
        rss = peak_rss_mb(server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)

    table = [
        f"HTTP benchmark, {args.database_url.split(':')[0]}, {args.workers} worker(s), "
        f"{args.duration} s per run",
        "",
        "| page | clients | median ms | p95 ms | p99 ms | req/s | errors | share of floor |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, concurrency, f, note in rows:
        if f is None:
            table.append(f"| {label} | {concurrency} | {note} | | | | | |")
            continue
        share = f["rps"] / floor_rps[concurrency] if floor_rps.get(concurrency) else 0
        table.append(
            f"| {label} | {concurrency} | {f['p50_ms']:.1f} | {f['p95_ms']:.1f} | {f['p99_ms']:.1f} "
            f"| {f['rps']:.0f} | {f['errors']} | {share:.0%} |"
        )
    table.append("")
    table.append(f"Peak worker memory (VmHWM): {rss:.0f} MB")
    text = "\n".join(table)
    print(text)
    if args.markdown:
        with args.markdown.open("a") as out:
            out.write(text + "\n\n")


if __name__ == "__main__":
    main()

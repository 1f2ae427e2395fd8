"""How long /health and /ping take to answer while the app is busy: `tracker serve` (one worker,
production mode) with CLIENTS clients keeping a slow page in flight (a separate process), against
the same probes on the idle server. A script that prints figures, never a pass/fail test.

    .venv/bin/python bench/health_under_load.py --database-url sqlite:////tmp/bench.sqlite3
        [--clients 16] [--seconds 20] [--page "/dashboard/export?status=overdue&format=csv"]

The database must already hold data (`tracker demo --inspections N`). The load is bounded: CLIENTS
connections for SECONDS, each sending its next request when the last is answered.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http_load import free_port, load_average, prepare, start_server  # noqa: E402

PROBES = 30


def load(url: str, cookie: str, clients: int, seconds: float) -> None:
    """CLIENTS clients asking for the page, one request at a time each, for SECONDS."""

    async def client(session: httpx.AsyncClient, until: float, times: list[float], statuses: list[int]):
        while time.monotonic() < until:
            started = time.perf_counter()
            response = await session.get(url)
            times.append(time.perf_counter() - started)
            statuses.append(response.status_code)

    async def go():
        times: list[float] = []
        statuses: list[int] = []
        until = time.monotonic() + seconds
        limits = httpx.Limits(max_connections=clients)
        async with httpx.AsyncClient(headers={"Cookie": cookie}, limits=limits, timeout=60) as session:
            await asyncio.gather(*(client(session, until, times, statuses) for _ in range(clients)))
        ok = sum(1 for s in statuses if s == 200)
        median, longest = statistics.median(times) * 1000, max(times) * 1000
        print(f"  load: {len(times)} requests ({ok} 200), median {median:.0f} ms, max {longest:.0f} ms")

    asyncio.run(go())


def probe(base: str, path: str) -> tuple[list[float], set[int]]:
    times, statuses = [], set()
    with httpx.Client(timeout=30) as client:
        for _ in range(PROBES):
            started = time.perf_counter()
            statuses.add(client.get(base + path).status_code)
            times.append((time.perf_counter() - started) * 1000)
            time.sleep(0.2)
    return times, statuses


def summary(label: str, times: list[float], statuses: set[int]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"  {label:<28} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
        f"max {max(times):6.1f} ms  statuses {sorted(statuses)}"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        load(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--page", default="/dashboard/export?status=overdue&format=csv")
    args = parser.parse_args()

    _, cookies = prepare(args.database_url, production=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.database_url, port, 1, "tracker")
    try:
        print(f"{args.database_url.split(':')[0]}, load average {load_average():.2f} at the start")
        print("idle:")
        for path in ("/health", "/ping"):
            print(summary(path, *probe(base, path)))
        print(f"with {args.clients} clients on {args.page} in flight:")
        command = [sys.executable, __file__, "--load", base + args.page, cookies["hmipmanager"]]
        loader = subprocess.Popen([*command, str(args.clients), str(args.seconds)])  # noqa: S603 - this script
        time.sleep(3)  # let every client have a request in flight
        for path in ("/health", "/ping"):
            print(summary(path, *probe(base, path)))
        loader.wait()
        print(f"load average {load_average():.2f} at the end")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)


if __name__ == "__main__":
    main()

"""HTTP benchmark: the service's busiest pages under load, beside a trivial page as the floor.

Prints, for each page and concurrency: median, p95 and p99 latency, requests per second,
errors (connection errors, timeouts and non-2xx answers), throughput as a share of the floor
measured in the same run, and the 1-minute load average when the run started; then the peak
memory (VmHWM) of each server process. A script that prints figures, never a pass/fail test.

    .venv/bin/python bench/http_load.py [--database-url URL] [--workers 1] [--duration 10]
        [--serve uvicorn|tracker] [--tool auto|wrk|python] [--markdown FILE]

--tool auto (default) uses wrk when it is installed (`make bench` installs it where it can) and
otherwise bench/python_load.py, a Python load generator; the table says which one measured.

The floor is a bare Litestar app rendering a 50-row Jinja table (bench/floor_app.py), served by its
own uvicorn process with one worker and measured in the same run, before the pages at each number of
clients. --serve uvicorn (default) serves the service with uvicorn (`tracker.app:create_app`);
--serve tracker runs `tracker serve --workers N`. Both run with production settings
(TRACKER_ENV=production: templates are not re-read from disk, cookies are the __Host- ones).

The database must already hold data (see `tracker demo --inspections N`). Each user is signed
in by starting a session in the database (tracker.sessions.start_session), so any user works,
including the scale data's (whose passwords nobody knows); each request then carries the session
and CSRF cookies a browser holds after its first page.
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
sys.path.insert(0, str(ROOT))

from bench.python_load import python_load  # noqa: E402

# (label, who opens it, path template). Ids, users and the feed token are filled from the database:
# {busy_leader} is the scale data's team leader with the most open milestones.
FLOOR = ("floor: bare Litestar, 50-row Jinja table", None, "/bench/floor")
PAGES = [
    ("signed-in shell (accessibility statement)", "hmipmanager", "/accessibility"),
    ("overdue dashboard", "hmipmanager", "/dashboard"),
    ("my work (HMIP manager)", "hmipmanager", "/my-work"),
    ("my work (busiest team leader)", "{busy_leader}", "/my-work"),
    ("inspection page", "hmipmanager", "/inspections/{inspection_id}"),
    ("deadline calculator form", "hmipmanager", "/calculator"),
    ("establishment list", "hmipmanager", "/establishments"),
    ("action plan page", "hmipmanager", "/action-plans/{plan_id}"),
    ("dashboard export (CSV, overdue)", "hmipmanager", "/dashboard/export?status=overdue&format=csv"),
    ("dashboard export (Excel, overdue)", "hmipmanager", "/dashboard/export?status=overdue&format=xlsx"),
    ("calendar feed (busiest team leader)", None, "/feeds/{feed_token}.ics"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_floor(port: int) -> subprocess.Popen:
    return wait_until_up(uvicorn("bench.floor_app:create", port, 1, dict(os.environ)), port, 1)


def uvicorn(factory: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/uvicorn"),
        factory,
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
    return subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL
    )


def start_server(database_url: str, port: int, workers: int, serve: str) -> subprocess.Popen:
    # RUN_JOBS off: the daily jobs would otherwise start with the server and share the CPU.
    # Production settings either way (templates not re-read, __Host- cookies), as users are served.
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RUN_JOBS": "off",
        "TRACKER_ENV": "production",
        "SECRET_KEY": "benchmark-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    if serve == "tracker":
        command = [str(ROOT / ".venv/bin/tracker"), "serve", "--port", str(port), "--workers", str(workers)]
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL
        )
    else:
        process = uvicorn("tracker.app:create_app", port, workers, env)
    return wait_until_up(process, port, workers)


def wait_until_up(process: subprocess.Popen, port: int, workers: int) -> subprocess.Popen:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                time.sleep(1 if workers == 1 else 3)  # let every worker start
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("server did not start")


def prepare(database_url: str, production: bool) -> tuple[dict[str, str], dict[str, str]]:
    """(ids for the page paths, a Cookie header for each user)."""
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    from actionplans.tables import ActionPlan, PlanAction
    from inspections.tables import Inspection
    from timelines.core.engine import OPEN_STATUSES
    from timelines.feeds import create_feed_token
    from timelines.tables import StoredMilestone
    from tracker.db import bind_engine, engine_from_url
    from tracker.sessions import start_session
    from tracker.users import user_id_for

    bind_engine(engine_from_url(database_url))
    cookie = "__Host-session" if production else "tracker_session"

    async def go():
        counts: dict[int, int] = {}
        for row in await StoredMilestone.select(
            StoredMilestone.inspection.team_leader.as_alias("leader")
        ).where(StoredMilestone.status.is_in(list(OPEN_STATUSES)), StoredMilestone.owner == "hmip"):
            if row["leader"] is not None:
                counts[row["leader"]] = counts.get(row["leader"], 0) + 1
        busy = max(counts, key=counts.get) if counts else await user_id_for("leader")
        # the plan with the most actions, and its inspection (the richest inspection page)
        actions: dict[int, int] = {}
        for row in await PlanAction.select(PlanAction.plan):
            actions[row["plan"]] = actions.get(row["plan"], 0) + 1
        plan_id = max(actions, key=actions.get) if actions else None
        plan = await ActionPlan.select().where(ActionPlan.id == plan_id).first() if plan_id else None
        if plan is None:
            latest = await Inspection.select(Inspection.id).order_by(Inspection.id, ascending=False).first()
            inspection_id = latest["id"] if latest else 1
        else:
            inspection_id = plan["inspection"]
        from tracker.tables import AppUser

        busy_name = (await AppUser.select(AppUser.username).where(AppUser.id == busy).first())["username"]
        ids = {
            "inspection_id": str(inspection_id),
            "plan_id": str(plan_id or 1),
            "feed_token": await create_feed_token(busy),
            "busy_leader": busy_name,
            "busy_leader_items": str(counts.get(busy, 0)),
        }
        cookies = {}
        for user in {p[1].format(**ids) for p in PAGES if p[1]}:
            token = await start_session(await user_id_for(user))
            cookies[user] = f"{cookie}={token}"
        return ids, cookies

    return asyncio.run(go())


def with_csrf_cookies(base: str, cookies: dict[str, str]) -> dict[str, str]:
    """Each user's cookies as a browser holds them after its first page: the session and the
    CSRF cookie (without it every response would make and set a new one)."""
    held = {}
    for user, cookie in cookies.items():
        response = httpx.get(f"{base}/accessibility", headers={"Cookie": cookie}, timeout=60)
        held[user] = with_csrf_cookie(cookie, response)
    return held


def with_csrf_cookie(cookie: str, response: httpx.Response) -> str:
    csrf = [c.split(";", 1)[0] for c in response.headers.get_list("set-cookie") if "csrftoken=" in c]
    return "; ".join([cookie, *csrf])


def wrk(url: str, cookie: str | None, connections: int, duration: int) -> dict:
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
        url,
    ]
    if cookie:
        command[-1:-1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    return json.loads(output.strip().splitlines()[-1])


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if requests still hold it after 20 s (the table is printed either way)."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def server_pids(process: subprocess.Popen) -> list[int]:
    """The server process and every process under it (uvicorn's workers)."""
    pids, queue = [], [process.pid]
    while queue:
        pid = queue.pop()
        pids.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*"):
            children = task / "children"
            if children.exists():
                queue += [int(p) for p in children.read_text().split()]
    return pids


def peak_rss_mb(process: subprocess.Popen) -> dict[int, float]:
    """The largest resident memory (VmHWM) of each server process so far, in MB."""
    peaks = {}
    for pid in server_pids(process):
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
            peaks[pid] = int(match.group(1)) / 1024 if match else 0
    return peaks


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def kind_of(database_url: str) -> str:
    return "SQLite" if database_url.startswith("sqlite") else "PostgreSQL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", f"sqlite:///{ROOT}/var/tracker.sqlite3")
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--concurrency", default="1,16")
    parser.add_argument("--serve", choices=["uvicorn", "tracker"], default="uvicorn")
    parser.add_argument(
        "--only", default="", help="comma-separated words: run only pages whose label has one"
    )
    parser.add_argument("--markdown", type=Path, help="also append the table to this file")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()
    if args.tool == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk), use --tool python")
    tool = "wrk" if args.tool == "wrk" or (args.tool == "auto" and shutil.which("wrk")) else "python"
    load_with = wrk if tool == "wrk" else python_load

    production = args.serve == "tracker"
    ids, cookies = prepare(args.database_url, production=True)
    pages = PAGES
    if args.only:
        words = args.only.split(",")
        pages = [p for p in pages if any(w in p[0] for w in words)]
    port, floor_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.database_url, port, args.workers, args.serve)
    floor_server = start_floor(floor_port)
    cookies = with_csrf_cookies(base, cookies)
    rows, floor_rps = [], {}
    try:
        for concurrency in [int(c) for c in args.concurrency.split(",")]:
            for label, user, template in [FLOOR, *pages]:
                host = f"http://127.0.0.1:{floor_port}" if template == FLOOR[2] else base
                url = host + template.format(**ids)
                cookie = cookies[user.format(**ids)] if user else None
                headers = {"Cookie": cookie} if cookie else {}
                try:
                    status = httpx.get(url, headers=headers, timeout=60).status_code
                except httpx.TimeoutException:
                    status = "no answer in 60 s"
                if status != 200:
                    rows.append((label, concurrency, None, f"skipped: status {status}", 0.0))
                    continue
                load_with(url, cookie, concurrency, 2)  # warm up
                load = load_average()
                figures = load_with(url, cookie, concurrency, args.duration)
                if template == FLOOR[2]:
                    floor_rps[concurrency] = figures["rps"]
                rows.append((label, concurrency, figures, "", load))
                print(f"  {label}, {concurrency} clients: {figures['rps']:.0f} req/s", file=sys.stderr)
        rss = peak_rss_mb(server)
    finally:
        for process in (server, floor_server):
            stop(process)

    how = (
        f"`tracker serve --workers {args.workers}` (production mode)"
        if production
        else f"uvicorn, {args.workers} worker(s), production settings"
    )
    table = [
        f"HTTP benchmark, {kind_of(args.database_url)}, {how}, "
        f"{'wrk' if tool == 'wrk' else 'Python load generator (bench/python_load.py)'} "
        f"{args.duration} s per run on loopback",
        "",
        f"my work and the feed: {ids['busy_leader']} ({int(ids['busy_leader_items']):,} open HMIP milestones "
        f"on the inspections they lead); inspection {ids['inspection_id']}, action plan {ids['plan_id']}",
        "",
        "| page | clients | median ms | p95 ms | p99 ms | req/s | errors | share of floor | load (1 min) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, concurrency, f, note, load in rows:
        if f is None:
            table.append(f"| {label} | {concurrency} | {note} | | | | | | |")
            continue
        share = f"{f['rps'] / floor_rps[concurrency]:.0%}" if floor_rps.get(concurrency) else ""
        table.append(
            f"| {label} | {concurrency} | {f['p50_ms']:.1f} | {f['p95_ms']:.1f} | {f['p99_ms']:.1f} "
            f"| {f['rps']:.0f} | {f['errors']} | {share} | {load:.2f} |"
        )
    table.append("")
    workers = sorted(rss.items())
    table.append(
        "Peak memory (VmHWM) per server process: "
        + ", ".join(f"{mb:.0f} MB" for _pid, mb in workers)
        + (" (the first is uvicorn's supervisor)" if len(workers) > 1 else "")
    )
    text = "\n".join(table)
    print(text)
    if args.markdown:
        with args.markdown.open("a") as out:
            out.write(text + "\n\n")


if __name__ == "__main__":
    main()

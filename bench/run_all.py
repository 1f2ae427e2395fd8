"""Every benchmark in one command (`make bench`): writes bench/results/<date>-<time>.md.

At N inspections (default 20,000) on SQLite and, when a PostgreSQL URL is given, on PostgreSQL:
the HTTP load test (uvicorn, one worker; on PostgreSQL also `tracker serve --workers 2` in
production mode), the recompute of every open milestone after a holiday change, and the import
of a 10,000-row programme file; then the deadline engine's own benchmark. Prints figures only.

    .venv/bin/python bench/run_all.py [--sqlite FILE] [--postgres-url URL] [--inspections N]
        [--duration 10] [--quick] [--tool auto|wrk|python]

--quick (`make bench-quick`, a few minutes): 2,000 inspections, 3 s per HTTP run, 1 and 8
clients. The HTTP load comes from wrk when installed (`make bench` installs it from Debian's
packages where it may), otherwise from bench/python_load.py.

The SQLite file is built with `tracker demo --inspections N` when it does not exist (minutes);
the PostgreSQL database must exist already (build it the same way with DATABASE_URL set), or
set BENCH_POSTGRES_URL. The recompute and import run on throwaway copies.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python")


def sh(*command: str, env: dict | None = None) -> str:
    result = subprocess.run(  # noqa: S603
        list(command), cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    if result.returncode != 0:
        return f"(failed: {' '.join(command[:3])} …)\n{result.stderr[-2000:]}"
    return result.stdout


def machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    postgres = sh(str(binaries[-1]), "--version") if binaries else "PostgreSQL not installed"
    wrk = sh("sh", "-c", "wrk --version 2>&1 | head -n 1")
    return [
        f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Machine: {cpu}, {os.cpu_count()} cores, {int(memory) // 1024:,} MB RAM, {platform.platform()}",
        f"- Python {platform.python_version()}; litestar {version('litestar')}, "
        f"piccolo {version('piccolo')}, jinja2 {version('jinja2')}, uvicorn {version('uvicorn')}, "
        f"numpy {version('numpy')}, "
        f"pandas {version('pandas')}; SQLite {sqlite3.sqlite_version}; {postgres.strip()}; {wrk.strip()}",
        f"- Load when the run started (1, 5, 15 min): {load()}",
    ]


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def sqlite_copy(source: Path, target: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


def postgres_copy(url: str, name: str) -> str:
    import asyncio

    import asyncpg

    base, _, source = url.rpartition("/")

    async def go():
        connection = await asyncpg.connect(f"{base}/postgres")
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        finally:
            await connection.close()

    asyncio.run(go())
    return f"{base}/{name}"


def fresh_copy(kind: str, url: str, sqlite_file: Path) -> str:
    """A copy of the benchmark database for a script that changes it."""
    if kind == "SQLite":
        return sqlite_copy(sqlite_file, Path("/tmp/bench-copy.sqlite3"))
    return postgres_copy(url, "tracker_bench_copy")


def section(title: str, body: str) -> str:
    return f"## {title}\n\n{body.strip()}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", type=Path, default=None)
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", ""))
    parser.add_argument("--inspections", type=int, default=None)
    parser.add_argument("--duration", type=int, default=None)
    parser.add_argument("--concurrency", default=None)
    parser.add_argument("--quick", action="store_true", help="2,000 inspections, 3 s runs, 1 and 8 clients")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()
    quick = {"inspections": 2_000, "duration": 3, "concurrency": "1,8"}
    full = {"inspections": 20_000, "duration": 10, "concurrency": "1,16"}
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.sqlite is None:
        args.sqlite = Path(f"/tmp/bench-{args.inspections // 1000}k.sqlite3")
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "python")
    http_options = ["--duration", str(args.duration), "--concurrency", args.concurrency, "--tool", tool]

    started = time.monotonic()
    out = ROOT / "bench/results" / f"{datetime.now():%Y-%m-%d-%H%M}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    parts = [f"# Benchmarks at N = {args.inspections:,} inspections\n", "\n".join(machine()) + "\n"]
    generator = "wrk" if tool == "wrk" else "the Python load generator (bench/python_load.py)"
    parts.append(
        f"Each HTTP figure: {generator} on loopback (the same {os.cpu_count()} cores as the server), "
        f"2 s warm-up then {args.duration} s; `load (1 min)` is the machine's load average when that "
        "run started (other people's work shares this machine).\n"
    )

    url = f"sqlite:///{args.sqlite}"
    if args.sqlite.exists():
        # a file built by an earlier version: bring its schema up to date (migrations are idempotent)
        sh(str(ROOT / ".venv/bin/tracker"), "migrate", env={"DATABASE_URL": url})
    else:
        print(f"building {args.sqlite} ({args.inspections:,} inspections)…", file=sys.stderr)
        sh(str(ROOT / ".venv/bin/tracker"), "migrate", env={"DATABASE_URL": url})
        build = time.monotonic()
        sh(
            str(ROOT / ".venv/bin/tracker"),
            "demo",
            "--inspections",
            str(args.inspections),
            env={"DATABASE_URL": url},
        )
        parts.append(f"Built the SQLite data in {time.monotonic() - build:.0f} s.\n")

    databases = [("SQLite", f"sqlite:///{args.sqlite}")]
    if args.postgres_url:
        databases.append(("PostgreSQL", args.postgres_url))
    else:
        parts.append("PostgreSQL: skipped (give --postgres-url or BENCH_POSTGRES_URL).\n")

    for kind, url in databases:
        print(f"{kind}: HTTP…", file=sys.stderr)
        parts.append(
            section(
                f"{kind}: HTTP, one worker",
                sh(PYTHON, "bench/http_load.py", "--database-url", url, *http_options),
            )
        )
        if kind == "PostgreSQL":
            print(f"{kind}: HTTP, tracker serve --workers 2…", file=sys.stderr)
            parts.append(
                section(
                    f"{kind}: HTTP, `tracker serve --workers 2` (production mode)",
                    sh(
                        PYTHON,
                        "bench/http_load.py",
                        "--database-url",
                        url,
                        *http_options,
                        "--serve",
                        "tracker",
                        "--workers",
                        "2",
                    ),
                )
            )
        for title, script in (
            ("recompute", "bench/recompute.py"),
            ("programme import", "bench/programme_import.py"),
        ):
            print(f"{kind}: {title}…", file=sys.stderr)
            copy = fresh_copy(kind, url, args.sqlite)
            parts.append(
                section(f"{kind}: {title} (load {load()})", sh(PYTHON, script, "--database-url", copy))
            )

    print("deadline engine…", file=sys.stderr)
    parts.append(
        section(
            f"The deadline engine (bench/deadlines.py, load {load()})",
            "```\n" + sh(PYTHON, "bench/deadlines.py", *(["--quick"] if args.quick else [])) + "\n```",
        )
    )
    parts.append(f"Whole run: {(time.monotonic() - started) / 60:.1f} minutes.\n")
    out.write_text("\n".join(parts))
    print("\n".join(parts))
    print(f"written to {out.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Import of a 10,000-row programme file (timelines/programme_import.py), timed step by step.

Builds a CSV of new inspections (existing establishments, the scale data's team leaders, start
dates over the coming years), then times what the pages do: read the file, check every row (the
dry run), store the check, and apply it (inserting the inspections and storing their milestones,
in one transaction). Prints figures only, never a pass/fail test.

    .venv/bin/python bench/programme_import.py --database-url URL [--rows 10000] [--markdown FILE]

It adds the inspections to the database: use a copy.
"""

from __future__ import annotations

import asyncio
import io
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import database_kind, parser_with_database, print_steps, use_database  # noqa: E402


async def build_csv(rows: int) -> bytes:
    from inspections.tables import Establishment
    from tracker.clock import today_london
    from tracker.tables import AppUser, UserRole

    rng = random.Random(8)  # noqa: S311 - repeatable benchmark data
    names = [r["name"] for r in await Establishment.select(Establishment.name)]
    leader_ids = {
        r["user"] for r in await UserRole.select(UserRole.user).where(UserRole.role == "hmip_team_leader")
    }
    leaders = [
        r["username"] for r in await AppUser.select(AppUser.id, AppUser.username) if r["id"] in leader_ids
    ]
    start = today_london() + timedelta(days=400)
    out = io.StringIO()
    out.write("Establishment name,Kind,Start date,End date,Announced,Team leader username\n")
    used = set()
    while len(used) < rows:
        name, kind = rng.choice(names), rng.choice(["full", "full", "full", "irp", "thematic"])
        day = start + timedelta(days=rng.randrange(0, 3650))
        if (name, kind, day) in used:
            continue
        used.add((name, kind, day))
        end = day + timedelta(days=rng.choice([4, 9, 11]))
        out.write(f'"{name}",{kind},{day.isoformat()},{end.isoformat()},{rng.choice(["yes", "no"])},')
        out.write(f"{rng.choice(leaders)}\n")
    return out.getvalue().encode()


async def measure(rows: int) -> list[tuple[str, float, str]]:
    from timelines import programme_import as pi
    from timelines.tables import ProgrammeImport
    from tracker.clock import now_utc

    content = await build_csv(rows)
    figures = []
    start = time.perf_counter()
    table = pi.read_table("programme.csv", content)
    figures.append(
        ("read the CSV", time.perf_counter() - start, f"{len(table):,} rows, {len(content):,} bytes")
    )
    start = time.perf_counter()
    checked = await pi.check(table)
    figures.append(
        ("check every row (the dry run)", time.perf_counter() - start, f"{len(checked.errors)} row errors")
    )
    start = time.perf_counter()
    record = ProgrammeImport(
        created_at=now_utc(),
        filename="programme.csv",
        rows=checked.rows,
        errors=checked.errors,
        status="checked",
        total=checked.total,
        processed=checked.total,
    )
    await record.save()
    figures.append(("store the check", time.perf_counter() - start, ""))
    start = time.perf_counter()
    outcome = await pi.apply(record.id)
    figures.append(
        ("apply: create the inspections and their milestones", time.perf_counter() - start, f"{outcome}")
    )
    figures.append(("total", sum(f[1] for f in figures), ""))
    return figures


def main() -> None:
    parser = parser_with_database(__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    use_database(args.database_url)
    try:
        rows = asyncio.run(measure(args.rows))
    except Exception as error:  # noqa: BLE001 - a benchmark reports what stopped it
        rows = [(f"stopped: {type(error).__name__}: {error}", 0.0, "")]
    title = f"Programme import of {args.rows:,} rows, {database_kind(args.database_url)}"
    print_steps(title, rows, args.markdown)


if __name__ == "__main__":
    main()

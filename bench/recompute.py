"""Recompute of every open milestone (timelines.store.refresh_all), as after a holiday change.

Prints: open inspections, stored milestones, seconds for (1) a first build of every milestone
(nothing stored), (2) adding a bank holiday through the service (timelines.holidays.change_calendar:
the holiday, the recompute and the record of what moved, one transaction), (3) removing it again.
A script that prints figures, never a pass/fail test.

    .venv/bin/python bench/recompute.py --database-url URL [--first-build] [--markdown FILE]

It changes the database (a holiday added and removed, dates moved and moved back): use a copy.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import database_kind, parser_with_database, print_steps, use_database  # noqa: E402


def next_monday(today: date) -> date:
    day = today + timedelta(days=14)
    while day.weekday() != 0:
        day += timedelta(days=1)
    return day


async def measure(first_build: bool) -> list[tuple[str, float, str]]:
    from inspections.tables import Inspection
    from timelines.operations.holidays import change_calendar
    from timelines.store import refresh_all
    from timelines.tables import StoredMilestone
    from tracker.clock import today_london
    from tracker.operations import Actor

    today = today_london()
    rows: list[tuple[str, float, str]] = []
    open_count = await Inspection.count().where(Inspection.closed == False)  # noqa: E712
    if first_build:
        await StoredMilestone.delete(force=True)
        start = time.perf_counter()
        moved = await refresh_all("benchmark: first build", today=today)
        rows.append(("first build of every milestone (nothing stored)", time.perf_counter() - start, ""))
    start = time.perf_counter()
    moved = await refresh_all("benchmark: nothing changed", today=today)
    rows.append(("recompute, nothing changed", time.perf_counter() - start, f"{len(moved):,} moved"))
    day = next_monday(today)
    start = time.perf_counter()
    _change, moved = await change_calendar(
        Actor.system("benchmark"), "added", day, name="Benchmark holiday", reason="benchmark", today=today
    )
    rows.append((f"holiday added ({day.isoformat()})", time.perf_counter() - start, f"{len(moved):,} moved"))
    start = time.perf_counter()
    _change, moved = await change_calendar(
        Actor.system("benchmark"), "removed", day, name="Benchmark holiday", reason="benchmark", today=today
    )
    rows.append(("holiday removed again", time.perf_counter() - start, f"{len(moved):,} moved"))
    milestones = await StoredMilestone.count()
    rows.insert(0, (f"{open_count:,} open inspections, {milestones:,} stored milestones", 0.0, ""))
    return rows


def main() -> None:
    parser = parser_with_database(__doc__.splitlines()[0])
    parser.add_argument("--first-build", action="store_true", help="delete every stored milestone first")
    args = parser.parse_args()
    use_database(args.database_url)
    rows = asyncio.run(measure(args.first_build))
    title = f"Recompute of every open milestone, {database_kind(args.database_url)}"
    print_steps(title, rows[1:], args.markdown, footer=rows[0][0])


if __name__ == "__main__":
    main()

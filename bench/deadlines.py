"""Deadline engine speed: the engine's batch path vs workalendar one at a time vs bare numpy.

Run: .venv/bin/python bench/deadlines.py [--seed N]. Prints figures only (no pass/fail).

1. 100,000 "N working days after X" deadlines from Python dates and ints.
2. Full timelines (every milestone with its status) of 10,000 full inspections, compared on the
   working-day deadlines they contain.

Every path starts from the same Python ``date`` objects; conversions are included in the times.
Bare numpy is timed twice: converting with ``np.array(dates, "datetime64[D]")`` (numpy's own
path, slow for Python dates) and through ``date.toordinal`` (what the engine does).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np

from timelines.core.calendar import EnglandAndWales, WorkingCalendar
from timelines.core.engine import Case, compute, compute_batch
from timelines.core.rules import DAY0, FULL_INSPECTION, rules_for

DEADLINES = 100_000
INSPECTIONS = 10_000
TODAY = date(2026, 6, 1)
EPOCH = date(1970, 1, 1).toordinal()
FAST_REPEAT = 5  # the sub-second timings are the best of 5 runs; the slow ones run once


def timed(function: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """(best time of ``repeat`` runs, the result)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def random_deadlines(rng: random.Random, count: int) -> tuple[list[date], list[int]]:
    first = date(2015, 1, 1)
    starts = [first + timedelta(days=rng.randrange(0, 15 * 365)) for _ in range(count)]
    return starts, [rng.randrange(0, 61) for _ in range(count)]


def random_inspection(rng: random.Random) -> Case:
    """A full inspection with its facts recorded up to some stage, a few days apart."""
    day0 = TODAY - timedelta(days=rng.randrange(0, 3 * 365))
    stages = [
        "debrief_held",
        "debrief_note_sent",
        "draft_sent",
        "factcheck_returned",
        "hmip_response_sent",
        "press_release_shared",
        "published",
        "action_plan_received",
    ]
    facts, moment = {}, day0
    for key in stages[: rng.randrange(0, len(stages) + 1)]:
        moment += timedelta(days=rng.randrange(0, 35))
        facts[key] = min(moment, TODAY)
    return Case(FULL_INSPECTION, day0, facts)


def numpy_raw(starts: list[date], offsets: list[int], calendar: WorkingCalendar) -> dict:
    """Bare busday_offset, converting the Python dates two ways (numpy's own, and ordinals)."""
    cal = calendar.busdaycalendar

    def by_np_array() -> np.ndarray:
        days = np.array(starts, dtype="datetime64[D]")
        return np.busday_offset(days, np.array(offsets), roll="backward", busdaycal=cal)

    def by_ordinals() -> np.ndarray:
        ordinals = np.fromiter((d.toordinal() - EPOCH for d in starts), np.int64, len(starts))
        days = ordinals.view("datetime64[D]")
        return np.busday_offset(days, np.array(offsets), roll="backward", busdaycal=cal)

    return {
        "numpy raw, np.array(dates) conversion": timed(by_np_array, FAST_REPEAT)[0],
        "numpy raw, toordinal conversion": timed(by_ordinals, FAST_REPEAT)[0],
    }


def report(title: str, count: int, times: dict[str, float], mismatches: int) -> None:
    if title:
        print(f"\n{title}")
    for name, seconds in times.items():
        print(f"  {name:<40} {seconds:8.4f} s  {seconds / count * 1e9:9.0f} ns per deadline")
    engine, workalendar = times["engine batch"], times["workalendar one at a time"]
    print(f"  {'workalendar / engine batch':<40} {workalendar / engine:8.0f}x")
    for name in ("numpy raw, np.array(dates) conversion", "numpy raw, toordinal conversion"):
        print(f"  {'engine batch / ' + name:<55} {engine / times[name]:6.2f}x")
    print(f"  {'mismatches':<40} {mismatches:8d}")


def bench_deadlines(calendar: WorkingCalendar, rng: random.Random) -> None:
    starts, offsets = random_deadlines(rng, DEADLINES)
    workalendar = EnglandAndWales()
    times: dict[str, float] = {}
    times["engine batch"], engine = timed(
        lambda: calendar.add_working_days_batch(starts, offsets), FAST_REPEAT
    )
    times.update(numpy_raw(starts, offsets, calendar))
    times["engine one at a time"], single = timed(
        lambda: [calendar.add_working_days(d, n) for d, n in zip(starts, offsets, strict=True)]
    )
    times["workalendar one at a time"], expected = timed(
        lambda: [workalendar.add_working_days(d, n) for d, n in zip(starts, offsets, strict=True)]
    )
    engine_dates = engine.astype(object).tolist()  # type: ignore[union-attr]
    mismatches = sum(a != b for a, b in zip(engine_dates, expected, strict=True))  # type: ignore[arg-type]
    mismatches += sum(a != b for a, b in zip(single, expected, strict=True))  # type: ignore[arg-type]
    report(f"{DEADLINES:,} deadlines (N working days after X, N in 0..60)", DEADLINES, times, mismatches)


def working_day_requests(cases: list[Case]) -> list[tuple[int, str, date, int]]:
    """(case, rule key, anchor, n) for every working-day deadline whose anchor is known."""
    rules = [
        r
        for r in rules_for(FULL_INSPECTION)
        if r.offset and r.parsed_offset.unit == "working days" and not r.due_by_fact and not r.capped_by
    ]
    requests = []
    for index, case in enumerate(cases):
        known = {DAY0: case.day0, **case.facts}
        for the_rule in rules:
            anchor = known.get(the_rule.anchor)
            if anchor is not None:
                requests.append((index, the_rule.key, anchor, the_rule.parsed_offset.amount))
    return requests


def bench_timelines(calendar: WorkingCalendar, rng: random.Random) -> None:
    cases = [random_inspection(rng) for _ in range(INSPECTIONS)]
    requests = working_day_requests(cases)
    anchors = [anchor for _, _, anchor, _ in requests]
    amounts = [n for _, _, _, n in requests]
    workalendar = EnglandAndWales()
    times: dict[str, float] = {}
    # like for like first (the same working-day dates as the other paths), then the whole job
    times["engine batch"], dates = timed(
        lambda: calendar.add_working_days_batch(anchors, amounts), FAST_REPEAT
    )
    times["engine compute_batch, every milestone"], result = timed(
        lambda: compute_batch(cases, today=TODAY, calendar=calendar), FAST_REPEAT
    )
    times.update(numpy_raw(anchors, amounts, calendar))
    times["engine compute() one at a time"], _ = timed(
        lambda: [compute(c.process, c.day0, c.facts, today=TODAY, calendar=calendar) for c in cases]
    )
    times["workalendar one at a time"], expected = timed(
        lambda: [workalendar.add_working_days(a, n) for a, n in zip(anchors, amounts, strict=True)]
    )
    due = dict(
        zip(
            zip(result.column("case").tolist(), result.column("key").tolist(), strict=True),  # type: ignore[union-attr]
            result.column("due").astype(object).tolist(),
            strict=True,
        )
    )  # type: ignore[union-attr]
    mismatches = sum(due[(i, key)] != want for (i, key, _, _), want in zip(requests, expected, strict=True))  # type: ignore[arg-type]
    mismatches += sum(a != b for a, b in zip(dates.astype(object).tolist(), expected, strict=True))  # type: ignore[union-attr]
    milestones = len(result)  # type: ignore[arg-type]
    print(
        f"\nfull timelines of {INSPECTIONS:,} inspections: {milestones:,} milestones, "
        f"{len(requests):,} of them working-day deadlines with a known anchor"
    )
    print(
        "  (engine batch and the others compute those working-day dates; compute_batch and "
        "compute() compute every milestone and its status; per-deadline figures divide by the "
        "working-day deadlines)"
    )
    report("", len(requests), times, mismatches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--quick", action="store_true", help="a tenth of the deadlines and inspections")
    args = parser.parse_args()
    seed = args.seed
    if args.quick:
        global DEADLINES, INSPECTIONS
        DEADLINES, INSPECTIONS = DEADLINES // 10, INSPECTIONS // 10
    seconds, calendar = timed(WorkingCalendar)
    print(f"calendar {calendar.version}: built in {seconds:.3f} s (once per instance)")  # type: ignore[union-attr]
    bench_deadlines(calendar, random.Random(seed))  # type: ignore[arg-type]
    bench_timelines(calendar, random.Random(seed + 1))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()

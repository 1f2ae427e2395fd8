"""The batch recompute (`refresh_all`) rewrites only what changed and agrees with recomputing
each inspection alone, on both of its write paths (a few rows, or most rows)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.support import make_establishment, make_inspection, record_fact, run
from tests.timelines_web.helpers import TODAY, build_world


def _stored() -> dict:
    from timelines.tables import StoredMilestone

    return {(r["inspection"], r["key"]): r for r in run(StoredMilestone.select())}


def _content(rows: dict) -> dict:
    return {k: (r["due"], r["status"], r["working_days"], r["done_on"], r["rule"]) for k, r in rows.items()}


def test_nothing_changed_nothing_rewritten(db):
    from timelines.store import refresh_all

    build_world()
    run(refresh_all("first", today=TODAY))
    before = _stored()
    assert run(refresh_all("again", today=TODAY)) == []
    after = _stored()
    assert {k: r["id"] for k, r in before.items()} == {k: r["id"] for k, r in after.items()}
    assert _content(before) == _content(after)


def test_a_new_day_rewrites_only_open_milestones(db):
    from timelines.store import refresh_all

    build_world()
    run(refresh_all("first", today=TODAY))
    before = _stored()
    run(refresh_all("next day", today=TODAY + timedelta(days=1)))
    after = _stored()
    assert before.keys() == after.keys()
    rewritten = {k for k in before if before[k]["id"] != after[k]["id"]}
    assert rewritten, "the working days left of open milestones change from one day to the next"
    assert all(before[k]["status"] not in ("done", "done_late") for k in rewritten)


@pytest.mark.parametrize("rewrite_all_above", [0, 20_000])
def test_a_holiday_moves_dates_records_why_and_agrees_with_one_at_a_time(db, monkeypatch, rewrite_all_above):
    from timelines import store
    from timelines.operations.holidays import change_calendar
    from timelines.tables import MilestoneChange
    from tracker.operations import Actor

    monkeypatch.setattr(store, "REWRITE_ALL_ABOVE", rewrite_all_above)
    place = make_establishment("HMP Aardvark")
    end = date(2025, 3, 14)
    ids = [make_inspection(place, end=end, today=TODAY) for _ in range(3)]
    record_fact(ids[0], "debrief_held", end, today=TODAY)
    record_fact(ids[1], "draft_sent", date(2025, 3, 20), today=TODAY)
    before = _stored()
    run(
        change_calendar(
            Actor.system("benchmark"), "added", date(2025, 3, 31), name="A new bank holiday", reason="test", today=TODAY
        )
    )
    after = _stored()
    moved = {k for k in after if before[k]["due"] != after[k]["due"]}
    assert moved, "a holiday on Monday 31 March 2025 moves deadlines that run across it"
    changes = run(MilestoneChange.select())
    assert {(c["inspection"], c["key"]) for c in changes} == {
        k for k in moved if before[k]["due"] is not None and after[k]["due"] is not None
    }
    assert all(c["new_due"] > c["old_due"] for c in changes)
    batch = _content(after)
    for inspection_id in ids:
        run(store.refresh_inspection(inspection_id, today=TODAY))
    assert _content(_stored()) == batch


def test_reading_the_batch_by_columns_gives_what_the_milestones_say():
    """No database: every rule kind (windows, hour rules, extensions) read both ways."""
    from timelines.core.calendar import WorkingCalendar
    from timelines.core.engine import Case, Extension, compute_batch
    from timelines.core.rules import FULL_INSPECTION, IRP, THEMATIC, URGENT_NOTIFICATION
    from timelines.store import _batch_contents, _content

    day0 = date(2025, 1, 24)
    facts = [
        {},
        {"debrief_held": day0},
        {"debrief_held": day0, "debrief_note_sent": date(2025, 1, 30), "draft_sent": date(2025, 3, 4)},
        {
            "debrief_held": day0,
            "debrief_note_sent": date(2025, 1, 30),
            "draft_sent": date(2025, 3, 4),
            "factcheck_returned": date(2025, 3, 28),
            "hmip_response_sent": date(2025, 4, 8),
            "press_release_shared": date(2025, 4, 20),
            "published": date(2025, 4, 22),
        },
    ]
    cases = [Case(process=p, day0=day0, facts=f) for p in (FULL_INSPECTION, IRP, THEMATIC) for f in facts]
    cases.append(
        Case(
            process=FULL_INSPECTION,
            day0=day0,
            facts=facts[2],
            extensions=(Extension(key="factcheck_return", new_due=None, plus_working_days=5, reason="x"),),
        )
    )
    cases.append(Case(process=URGENT_NOTIFICATION, day0=day0, facts={"un_letter_sent": date(2025, 2, 20)}))
    batch = compute_batch(cases, today=TODAY, calendar=WorkingCalendar())
    by_columns = {(case, key): content for case, key, content in _batch_contents(batch)}
    by_objects = {(case, m.key): _content(m) for case in range(len(cases)) for m in batch.milestones(case)}
    assert by_columns == by_objects


def test_refresh_many_agrees_with_one_at_a_time_for_open_and_closed_inspections(db):
    from inspections.tables import Inspection
    from timelines.store import refresh_inspection, refresh_many

    world = build_world()
    ids = [world.inspection_example, world.inspection_leeds, world.inspection_pentonville]
    run(Inspection.update({Inspection.closed: True}).where(Inspection.id == world.inspection_leeds))
    run(refresh_many(ids, reason="check", today=TODAY + timedelta(days=3)))
    batch = _content(_stored())
    for inspection_id in ids:
        run(refresh_inspection(inspection_id, today=TODAY + timedelta(days=3)))
    assert _content(_stored()) == batch

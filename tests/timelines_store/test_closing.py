"""Overtaken milestones keep their words, and an inspection closes (and reopens) with its
milestones, in the same transaction as the refresh: one inspection at a time and in the batch."""

from datetime import date

from tests.support import make_establishment, make_inspection, record_fact, run, stored_milestones

JOURNEY = (
    ("debrief_held", date(2024, 12, 20)),
    ("debrief_note_sent", date(2024, 12, 27)),
    ("draft_sent", date(2025, 2, 7)),
    ("factcheck_returned", date(2025, 2, 25)),
    ("hmip_response_sent", date(2025, 3, 7)),
    ("press_release_shared", date(2025, 3, 25)),
    ("published", date(2025, 3, 25)),
    ("action_plan_received", date(2025, 6, 4)),
    ("action_plan_quality_assured", date(2025, 6, 13)),
    ("action_plan_cleared", date(2025, 6, 20)),
    ("action_plan_available", date(2025, 6, 25)),
)
TODAY = date(2025, 6, 26)


def closed(inspection_id: int) -> bool:
    from inspections.tables import Inspection

    row = run(Inspection.select(Inspection.closed).where(Inspection.id == inspection_id).first())
    return row["closed"]


def without_return(today=date(2025, 3, 8), establishment: str = "HMP Without Return") -> int:
    inspection = make_inspection(make_establishment(establishment), end=date(2024, 12, 20), today=today)
    for kind, on in (("debrief_held", date(2024, 12, 20)), ("draft_sent", date(2025, 2, 7))):
        record_fact(inspection, kind, on, today=today)
    record_fact(inspection, "published", date(2025, 3, 7), today=today)
    return inspection


def test_an_overtaken_milestone_is_stored_with_its_words(db):
    stored = stored_milestones(without_return())
    assert stored["factcheck_return"]["status"] == "overtaken"
    assert stored["factcheck_return"]["note"] == "not returned: HMIP proceeded to publication on 7 March 2025"


def test_the_batch_refresh_keeps_the_words_and_finds_nothing_to_rewrite(db):
    from timelines.store import refresh_all
    from timelines.tables import StoredMilestone

    inspection = without_return()
    before = {r["key"]: r["id"] for r in run(StoredMilestone.select().where(StoredMilestone.inspection == inspection))}
    run(refresh_all("test", today=date(2025, 3, 8)))
    after = stored_milestones(inspection)
    assert after["factcheck_return"]["note"] == "not returned: HMIP proceeded to publication on 7 March 2025"
    assert {k: r["id"] for k, r in after.items()} == before  # the same content: no row rewritten


def test_an_inspection_closes_when_its_last_milestone_is_met_and_reopens_on_the_next_write(db):
    inspection = make_inspection(make_establishment("HMP Example"), end=date(2024, 12, 20), today=TODAY)
    events = {}
    for kind, on in JOURNEY:
        assert not closed(inspection)
        events[kind] = record_fact(inspection, kind, on, today=TODAY)
    assert closed(inspection)
    from inspections.tables import Inspection

    still_open = without_return()
    run(Inspection.update({Inspection.closed: True}).where(Inspection.id == still_open))
    record_fact(still_open, "press_release_shared", date(2025, 3, 7), today=date(2025, 3, 8))
    assert not closed(still_open)  # the refresh on a write clears a flag its milestones deny


def test_the_batch_refresh_closes_and_reopens_inspections(db):
    from inspections.tables import Inspection
    from timelines.store import refresh_all, refresh_many

    inspection = make_inspection(make_establishment("HMP Example"), end=date(2024, 12, 20), today=TODAY)
    for kind, on in JOURNEY:
        record_fact(inspection, kind, on, today=TODAY)
    run(Inspection.update({Inspection.closed: False}).where(Inspection.id == inspection))
    run(refresh_all("test", today=TODAY))
    assert closed(inspection)
    run(Inspection.update({Inspection.closed: True}).where(Inspection.id == inspection))
    open_one = without_return()
    run(Inspection.update({Inspection.closed: True}).where(Inspection.id == open_one))
    run(refresh_many([open_one], reason="test", today=date(2025, 3, 8)))
    assert not closed(open_one)

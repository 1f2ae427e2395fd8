"""Data integrity under concurrency (SECURITY.md F2, F3)."""

import asyncio
from datetime import date

import pytest

from tests.support import make_establishment, make_inspection, run


def test_thirty_concurrent_writers_lose_nothing(db):
    """30 people record events on one inspection at once: no 'database is locked', no lost rows,
    and the stored milestones reflect every write."""
    from inspections.events import record_event
    from inspections.tables import InspectionEvent

    inspection = make_inspection(make_establishment("HMP Example"), end=date(2025, 1, 24))

    async def writers():
        await asyncio.gather(
            *[
                record_event(
                    inspection,
                    "pre_inspection_note",
                    date(2025, 1, 1),
                    by_user_id=None,
                    detail={"n": i},
                    today=date(2025, 2, 3),
                )
                for i in range(30)
            ]
        )

    run(writers())
    assert run(InspectionEvent.count().where(InspectionEvent.inspection == inspection)) == 30


def test_a_failure_half_way_commits_nothing(db):
    from inspections.tables import Establishment
    from tracker.db import write_transaction

    async def half_way():
        async with write_transaction(Establishment._meta.db):
            await Establishment.insert(Establishment(name="HMP Half", kind="prison"))
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        run(half_way())
    assert run(Establishment.count().where(Establishment.name == "HMP Half")) == 0

"""Recording what happened to an inspection: append-only dated events.

Every fact goes through `record_event`, which also rewrites the inspection's stored milestones
in the same transaction, so the timeline and the dashboards never disagree with the facts.
"""

from __future__ import annotations

from datetime import date, datetime

from inspections.tables import InspectionEvent
from timelines.store import refresh_inspection
from tracker.clock import now_utc
from tracker.db import write_transaction


async def record_event(
    inspection_id: int,
    kind: str,
    occurred_on: date,
    *,
    by_user_id: int | None,
    detail: dict | None = None,
    occurred_at: datetime | None = None,
    supersedes: int | None = None,
    today: date | None = None,
) -> int:
    """Append one event (a fact key such as draft_sent, or any other kind) and refresh milestones."""
    engine = InspectionEvent._meta.db
    async with write_transaction(engine):
        event = InspectionEvent(
            inspection=inspection_id,
            kind=kind,
            occurred_on=occurred_on,
            occurred_at=occurred_at,
            detail=detail or {},
            recorded_by=by_user_id,
            recorded_at=now_utc(),
            supersedes=supersedes,
        )
        await event.save()
        await refresh_inspection(inspection_id, today=today, reason=f"{kind} recorded")
    return event.id


async def standing_events(inspection_id: int) -> list[dict]:
    """Events in date order, without those a later correction superseded."""
    rows = await InspectionEvent.select().where(InspectionEvent.inspection == inspection_id)
    superseded = {r["supersedes"] for r in rows if r["supersedes"]}
    return sorted((r for r in rows if r["id"] not in superseded), key=lambda r: (r["occurred_on"], r["id"]))

"""Recording what happened to an inspection: append-only dated events.

`record_event` is the one writer of InspectionEvent. It refuses a history that cannot have
happened (timelines.core.workflow), whoever calls it, and rewrites the inspection's stored
milestones in the same transaction, so the timeline and the dashboards never disagree with the
facts. Operations call it (inspections.operations, factcheck and actionplans operations); they
check who may and write the audit row in the same transaction.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from inspections.tables import Inspection, InspectionEvent
from timelines.core.history import standing
from timelines.core.workflow import STEP, Impossible, check_new_fact, date_guard_problems, standing_facts
from timelines.core.workflow import Inspection as WorkflowInspection
from timelines.store import PROCESS_FOR_KIND, current_calendar, refresh_inspection
from tracker import clock
from tracker.clock import now_utc
from tracker.db import write_transaction
from tracker.operations import Refused


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
    field: str = "occurred_on",
) -> int:
    """Append one event (a fact key such as draft_sent, or any other kind) and refresh milestones.
    `supersedes` corrects an earlier event of the same kind. Raises Refused (naming `field`)."""
    today = today or clock.today_london()
    engine = InspectionEvent._meta.db
    async with write_transaction(engine):
        events = await InspectionEvent.select().where(InspectionEvent.inspection == inspection_id)
        if supersedes is not None:
            _check_correction(events, supersedes, kind)
        if kind in STEP:
            when = occurred_at or occurred_on
            await _check_order(inspection_id, events, kind, when, supersedes, today, field)
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


async def check_fact(
    inspection_id: int,
    kind: str,
    when: date | datetime,
    *,
    supersedes: int | None,
    today: date,
    field: str = "occurred_on",
) -> None:
    """Could this fact (or correction) be recorded on top of the history as it stands? Raises
    Refused as record_event would; for an operation that checks before it writes anything."""
    events = await InspectionEvent.select().where(InspectionEvent.inspection == inspection_id)
    if supersedes is not None:
        _check_correction(events, supersedes, kind)
    if kind in STEP:
        await _check_order(inspection_id, events, kind, when, supersedes, today, field)


def _check_correction(events: list[dict], supersedes: int, kind: str) -> None:
    superseded = {e["supersedes"] for e in events if e["supersedes"]}
    original = next((e for e in events if e["id"] == supersedes), None)
    if original is None or original["kind"] != kind:
        raise Refused({"corrects": "The record to correct is not on this inspection"})
    if supersedes in superseded:
        raise Refused({"corrects": "That record has already been corrected"}, state=True)


async def _check_order(inspection_id, events, kind, when, supersedes, today, field) -> None:
    row = await Inspection.select().where(Inspection.id == inspection_id).first()
    facts = standing_facts(events)
    problem = check_new_fact(
        workflow_inspection(row),
        facts,
        kind,
        when,
        today=today,
        calendar=await current_calendar(),
        correcting=supersedes is not None,
    )
    if problem is not None:
        raise refusal(problem, field)


def date_problems(row: dict, fact: str, day: date | None, today: date, field: str) -> dict[str, str]:
    """A fact's own date guards (timelines.core.workflow.date_guard_problems) on a form's field, in
    the workflow's words: what a form checks before anything else, as the API's refusal says it."""
    if day is None:
        return {}
    found = date_guard_problems(fact, day, workflow_inspection(row), today=today)
    return {field: found[0].message} if found else {}


def workflow_inspection(row: dict) -> WorkflowInspection:
    overrides = row.get("stage_overrides") or {}
    if isinstance(overrides, str):
        overrides = json.loads(overrides or "{}")
    return WorkflowInspection(
        PROCESS_FOR_KIND[row["kind"]],
        row["start_date"],
        row["end_date"],
        urgent_notification=bool(row.get("urgent_notification")),
        overrides=overrides,
    )


def refusal(problem: Impossible, field: str) -> Refused:
    if problem.kind == "unknown":
        return Refused({"kind": problem.message})
    return Refused({field: problem.message}, state=problem.kind == "state")


async def standing_events(inspection_id: int) -> list[dict]:
    """Events in date order, without those a later correction superseded."""
    rows = await InspectionEvent.select().where(InspectionEvent.inspection == inspection_id)
    return sorted(standing(rows), key=lambda r: (r["occurred_on"], r["id"]))

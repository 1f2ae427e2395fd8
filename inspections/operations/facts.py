"""Record a fact about an inspection, or correct one: the one operation the "record what
happened" page, the JSON API (`POST /api/v1/inspections/{id}/events`), commands and the demo
data call. Who may record which fact is the workflow table's party, resolved by the policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from inspections.events import check_fact, record_event
from inspections.permissions import inspection_row, with_team
from inspections.tables import Debrief
from timelines.core.workflow import STEP
from tracker import audit, policy
from tracker.clock import today_london
from tracker.extensions import fact_writer
from tracker.links import link_problem
from tracker.operations import Actor, Denied, Refused, change

NOTE_LIMIT = 2000
REASON_LIMIT = 500
ROW_DATES = {"debrief_held": (Debrief, "held_on")}
"""This domain's rows that carry a fact's date: a correction moves them with the fact."""


@dataclass(frozen=True)
class FactInput:
    kind: str
    occurred_on: date | None
    occurred_at: datetime | None = None
    note: str = ""
    link: str = ""
    writer: str = ""
    corrects: int | None = None
    reason: str = ""
    content_to_publish: str = ""
    """With a fact-check return: whether HMPPS is content to publish on the indicative date."""


def input_problems(data: FactInput) -> dict[str, str]:
    """What is wrong with the input alone, every problem at once (GOV.UK messages)."""
    errors: dict[str, str] = {}
    if data.kind not in STEP:
        errors["kind"] = "Select what happened"
    if data.occurred_on is None:
        errors["occurred_on"] = "Enter the date it happened"
    if len(data.note) > NOTE_LIMIT:
        errors["note"] = f"The note must be {NOTE_LIMIT:,} characters or fewer"
    problem = link_problem(data.link) if data.link else None
    if problem:
        errors["link"] = problem
    if data.kind == "sos_responded" and not data.link:
        errors["link"] = "Enter the link to the Secretary of State's response"
    if data.corrects is not None and not data.reason.strip():
        errors["reason"] = "Enter why the record is being corrected"
    if len(data.reason) > REASON_LIMIT:
        errors["reason"] = f"The reason must be {REASON_LIMIT} characters or fewer"
    return errors


def may_record(principal, kind: str, row: dict) -> bool:
    """The workflow names who records each fact; the policy says who that is for this row."""
    step = STEP.get(kind)
    return step is not None and any(policy.can(principal, f"fact.{party}", row) for party in step.recorded_by)


async def record_fact(actor: Actor, inspection_id: int, data: FactInput, *, today: date | None = None) -> int:
    """Record (or, with `corrects`, correct) one fact. Returns the new event's id.
    Raises Refused (input or history), Denied (not theirs to record), LookupError (no inspection)."""
    errors = input_problems(data)
    if errors:
        raise Refused(errors)
    today = today or today_london()
    writer = fact_writer(data.kind)
    if writer is not None:
        await _may_record_here(actor, inspection_id, data, today)
        return await writer(actor, inspection_id, data, today)
    async with change(actor, "inspection.event", object_type="inspection", object_id=inspection_id) as entry:
        row = await inspection_row(inspection_id)
        if row is None:
            raise LookupError(inspection_id)
        if actor.principal is not None and not may_record(actor.principal, data.kind, await with_team(row)):
            raise Denied(f"fact.{data.kind}")
        event_id = await record_event(
            inspection_id,
            data.kind,
            data.occurred_on,
            occurred_at=data.occurred_at,
            by_user_id=actor.user_id,
            detail=_detail(data),
            supersedes=data.corrects,
            today=today,
        )
        if data.corrects is not None and data.kind in ROW_DATES:
            table, column = ROW_DATES[data.kind]
            await table.update(
                {getattr(table, column): data.occurred_on, table.version: table.version + 1}
            ).where(table.inspection == inspection_id)
        entry.detail = f"kind={data.kind} event={event_id}" + (
            f" corrects={data.corrects}" if data.corrects else ""
        )
    return event_id


async def check_fact_input(actor: Actor, inspection_id: int, data: FactInput, *, today: date) -> None:
    """Everything `record_fact` checks before it writes (the input, who may, the history as it
    would be), writing nothing: for a check-your-answers page before a correction is made."""
    errors = input_problems(data)
    if errors:
        raise Refused(errors)
    await _may_record_here(actor, inspection_id, data, today)


async def _may_record_here(actor: Actor, inspection_id: int, data: FactInput, today: date) -> None:
    """Before a domain's own operation records the fact: the same who-may and the same history
    check as every fact gets, in the same words, so the way in makes no difference."""
    row = await inspection_row(inspection_id)
    if row is None:
        raise LookupError(inspection_id)
    if actor.principal is not None and not may_record(actor.principal, data.kind, await with_team(row)):
        await audit.record(
            "denied",
            request=actor.request,
            principal=actor.principal,
            object_type="inspection",
            object_id=inspection_id,
            outcome="denied",
            detail=f"fact.{data.kind}",
        )
        raise Denied(f"fact.{data.kind}")
    when = data.occurred_at or data.occurred_on
    await check_fact(inspection_id, data.kind, when, supersedes=data.corrects, today=today)


def _detail(data: FactInput) -> dict:
    values = (
        ("note", data.note),
        ("link", data.link),
        ("writer", "Ofsted" if data.writer == "ofsted" else ""),
        ("reason", data.reason.strip()),
    )
    return {k: v for k, v in values if v}

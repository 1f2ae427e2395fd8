"""Record an agreed extension of a milestone (DOMAIN.md, "Extensions"): who agreed, the new date
(after the one the rules give), why. The original date is kept and shown; the milestone is judged
against the new one. A later extension of the same milestone supersedes the earlier one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from inspections.events import record_event
from inspections.permissions import inspection_row
from inspections.tables import InspectionEvent
from timelines.core.engine import OPEN_STATUSES
from timelines.core.history import standing
from timelines.core.workflow import long_date
from timelines.store import EXTENSION_EVENT
from timelines.tables import StoredMilestone
from tracker import policy
from tracker.operations import Actor, Refused, change

TEXT_LIMIT = 300


@dataclass(frozen=True)
class ExtensionInput:
    key: str
    new_due: date | None
    reason: str = ""
    agreed_by: str = ""


def input_problems(data: ExtensionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.new_due is None:
        errors["new_due"] = "Enter the new date"
    if not data.reason.strip():
        errors["reason"] = "Enter why the deadline is extended"
    elif len(data.reason) > TEXT_LIMIT:
        errors["reason"] = f"The reason must be {TEXT_LIMIT} characters or fewer"
    if not data.agreed_by.strip():
        errors["agreed_by"] = "Enter who agreed the extension"
    elif len(data.agreed_by) > TEXT_LIMIT:
        errors["agreed_by"] = f"Who agreed must be {TEXT_LIMIT} characters or fewer"
    return errors


async def milestone_of(inspection_id: int, key: str) -> dict | None:
    return (
        await StoredMilestone.select()
        .where((StoredMilestone.inspection == inspection_id) & (StoredMilestone.key == key))
        .first()
    )


def may_extend(principal, row: dict, milestone: dict) -> bool:
    return policy.can(principal, "deadline.extend", {**row, "owner": milestone["owner"]})


async def extend_deadline(actor: Actor, inspection_id: int, data: ExtensionInput, *, today: date) -> int:
    """Returns the extension's event id. Raises Refused, Denied or LookupError (no inspection)."""
    errors = input_problems(data)
    audited = {"object_type": "inspection", "object_id": inspection_id, "detail": f"key={data.key}"}
    async with change(actor, "deadline.extend", **audited) as entry:
        row = await inspection_row(inspection_id)
        if row is None:
            raise LookupError(inspection_id)
        milestone = await milestone_of(inspection_id, data.key)
        if milestone is None:
            raise Refused({"key": "Select a deadline of this inspection"})
        if actor.principal is not None:
            policy.require(actor.principal, "deadline.extend", {**row, "owner": milestone["owner"]})
        errors.update(_date_problems(milestone, data.new_due))
        if errors:
            raise Refused(errors, state="key" in errors)
        event_id = await record_event(
            inspection_id,
            EXTENSION_EVENT,
            today,
            by_user_id=actor.user_id,
            detail={
                "key": data.key,
                "new_due": data.new_due.isoformat(),
                "reason": data.reason.strip(),
                "agreed_by": data.agreed_by.strip(),
            },
            supersedes=await _earlier_extension(inspection_id, data.key),
            today=today,
        )
        entry.detail = f"key={data.key} new_due={data.new_due.isoformat()} event={event_id}"
    return event_id


def _date_problems(milestone: dict, new_due: date | None) -> dict[str, str]:
    if milestone["status"] not in OPEN_STATUSES:
        return {"key": f"{milestone['label']} is not open: there is nothing to extend"}
    original = milestone["original_due"] or milestone["due"]
    if new_due is not None and new_due <= original:
        return {"new_due": f"The new date must be after {long_date(original)}, the date the rules give"}
    return {}


async def _earlier_extension(inspection_id: int, key: str) -> int | None:
    events = await InspectionEvent.select().where(
        (InspectionEvent.inspection == inspection_id) & (InspectionEvent.kind == EXTENSION_EVENT)
    ).output(load_json=True)
    mine = [e for e in standing(events) if (e["detail"] or {}).get("key") == key]
    return mine[-1]["id"] if mine else None

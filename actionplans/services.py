"""Action plan services: one operation each, one transaction each. The HTML pages, the JSON API
and the spreadsheet import all call these; no business rule lives in a handler or a template.

Workflow (MoU ¶37, ¶38): draft (establishment) → submitted → quality assurance by the Scrutiny
Team (returned with comments, or accepted) → cleared by the Executive Director (HMPPS manager)
→ published. Each step is an ActionPlanEvent. The first submission records the
`action_plan_received` fact, which closes the three-month milestone computed by timelines/.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from actionplans.tables import (
    ActionPlan,
    ActionPlanEvent,
    ActionProgress,
    PlanAction,
    PlanFile,
    PlanResponse,
)
from inspections.tables import Establishment, Inspection, InspectionEvent, Recommendation
from tracker import scanning
from tracker.clock import now_utc
from tracker.db import write_transaction
from tracker.operations import Conflict, Refused
from tracker.tables import AppUser

RESPONSES = {"agreed": "Agreed", "partly_agreed": "Partly agreed", "not_agreed": "Not agreed"}
ACTION_STATUSES = {"not_started": "Not started", "in_progress": "In progress", "complete": "Complete"}
PLAN_STATUSES = {
    "draft": "Draft",
    "submitted": "Waiting for quality assurance",
    "returned": "Returned with comments",
    "accepted": "Accepted, waiting for clearance",
    "cleared": "Cleared, waiting for publication",
    "published": "Published",
}
PLAN_STATUS_COLOURS = {
    "draft": "grey",
    "submitted": "blue",
    "returned": "orange",
    "accepted": "turquoise",
    "cleared": "purple",
    "published": "green",
}
EVENT_LABELS = {
    "created": "Action plan started",
    "imported": "Rows filled from a spreadsheet",
    "file_uploaded": "File uploaded",
    "submitted": "Submitted for quality assurance",
    "returned": "Returned with comments by the Scrutiny Team",
    "accepted": "Accepted by the Scrutiny Team",
    "cleared": "Cleared by the Executive Director",
    "published": "Published",
    "response_changed": "Response changed",
    "action_added": "Action added",
    "action_changed": "Action changed",
    "action_removed": "Action removed",
    "progress": "Progress recorded",
}
# Rows may be edited while the establishment holds the plan, and again once it is published
# (the plan is kept current, MoU ¶38). While HMPPS has it, it is locked.
EDITABLE = {"draft", "returned", "published"}
SUBMITTABLE = {"draft", "returned"}
MAX_TEXT = 4000
MAX_OWNER = 200


PlanError = Refused  # something the person can fix; the message is written for them


# ---------------------------------------------------------------- validation


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"(\+?\d[\d\s()-]{8,}\d)")


def owner_problem(owner: str) -> str | None:
    if not owner:
        return "Enter the owner (a role or team)"
    if len(owner) > MAX_OWNER:
        return f"Owner must be {MAX_OWNER} characters or fewer"
    if _EMAIL.search(owner) or _PHONE.search(owner):
        return "Owner must be a role or team, not an email address or phone number"
    return None


def response_problems(response: str, agreed_part: str, reason: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if response not in RESPONSES:
        errors["response"] = "Select whether the recommendation is agreed, partly agreed or not agreed"
    elif response == "partly_agreed" and not agreed_part:
        errors["agreed_part"] = "Enter which part of the recommendation is agreed"
    elif response == "not_agreed" and not reason:
        errors["reason"] = "Enter the reason the recommendation is not agreed"
    for name, value in (("agreed_part", agreed_part), ("reason", reason)):
        if len(value) > MAX_TEXT:
            errors.setdefault(name, f"Text must be {MAX_TEXT} characters or fewer")
    return errors


def action_problems(
    description: str,
    owner: str,
    target_date: date | None,
    status: str,
    *,
    today: date,
    target_must_be_future: bool = True,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not description:
        errors["description"] = "Enter the action"
    elif len(description) > MAX_TEXT:
        errors["description"] = f"Action must be {MAX_TEXT} characters or fewer"
    if problem := owner_problem(owner):
        errors["owner"] = problem
    if target_date is None:
        errors["target_date"] = "Enter the target date"
    elif target_must_be_future and target_date <= today:
        errors["target_date"] = "Target date must be in the future"
    if status not in ACTION_STATUSES:
        errors["status"] = "Select the status of the action"
    return errors


# ---------------------------------------------------------------- reading


async def get_plan(plan_id: int) -> dict | None:
    return await ActionPlan.select().where(ActionPlan.id == plan_id).first()


async def plan_for_inspection(inspection_id: int) -> dict | None:
    return await ActionPlan.select().where(ActionPlan.inspection == inspection_id).first()


async def get_inspection(inspection_id: int) -> dict | None:
    return (
        await Inspection.select(
            Inspection.all_columns(),
            Inspection.establishment.name.as_alias("establishment_name"),
        )
        .where(Inspection.id == inspection_id)
        .first()
    )


async def published_on(inspection_id: int) -> date | None:
    rows = await InspectionEvent.select(
        InspectionEvent.id, InspectionEvent.occurred_on, InspectionEvent.supersedes, InspectionEvent.kind
    ).where(InspectionEvent.inspection == inspection_id)
    superseded = {r["supersedes"] for r in rows if r["supersedes"]}
    published = [r for r in rows if r["kind"] == "published" and r["id"] not in superseded]
    return max(published, key=lambda r: r["id"])["occurred_on"] if published else None


async def milestone(inspection_id: int) -> dict | None:
    """The stored `action_plan` milestone (computed only by timelines/)."""
    from timelines.store import stored_rows

    return next((m for m in await stored_rows(inspection_id) if m["key"] == "action_plan"), None)


async def recommendations(inspection_id: int) -> list[dict]:
    from inspections.queries import recommendations_of

    return await recommendations_of(inspection_id)


def is_overdue(action: dict, today: date) -> bool:
    return action["status"] != "complete" and action["target_date"] < today


async def plan_detail(plan: dict, *, today: date) -> dict:
    """Everything the plan page shows, in report order."""
    recs = await recommendations(plan["inspection"])
    responses = {
        r["recommendation"]: r for r in await PlanResponse.select().where(PlanResponse.plan == plan["id"])
    }
    actions = (
        await PlanAction.select()
        .where(PlanAction.plan == plan["id"])
        .order_by(PlanAction.position)
        .order_by(PlanAction.id)
    )
    by_rec: dict[int, list[dict]] = {}
    for action in actions:
        action["overdue"] = is_overdue(action, today)
        by_rec.setdefault(action["recommendation"], []).append(action)
    items = []
    for rec in recs:
        items.append({"rec": rec, "response": responses.get(rec["id"]), "actions": by_rec.get(rec["id"], [])})
    counts = {key: sum(1 for a in actions if a["status"] == key) for key in ACTION_STATUSES}
    counts["overdue"] = sum(1 for a in actions if a["overdue"])
    counts["total"] = len(actions)
    counts["answered"] = sum(1 for i in items if i["response"] and i["response"]["response"])
    return {"items": items, "counts": counts, "problems": completeness_problems(items)}


async def plan_counts(plans: list[dict], *, today: date) -> dict[int, dict]:
    """For a few plans at once, what `plan_detail` counts (and the number of recommendations),
    in three queries whatever the number of plans, reading only the columns counted."""
    if not plans:
        return {}
    plan_ids = [p["id"] for p in plans]
    inspection_ids = list({p["inspection"] for p in plans})
    recs: dict[int, list[int]] = {}
    for rec in await Recommendation.select(Recommendation.id, Recommendation.inspection).where(
        Recommendation.inspection.is_in(inspection_ids)
    ):
        recs.setdefault(rec["inspection"], []).append(rec["id"])
    responses: dict[int, dict[int, str]] = {}
    for row in await PlanResponse.select(
        PlanResponse.plan, PlanResponse.recommendation, PlanResponse.response
    ).where(PlanResponse.plan.is_in(plan_ids)):
        responses.setdefault(row["plan"], {})[row["recommendation"]] = row["response"]
    actions: dict[int, list[dict]] = {}
    for row in await PlanAction.select(PlanAction.plan, PlanAction.status, PlanAction.target_date).where(
        PlanAction.plan.is_in(plan_ids)
    ):
        actions.setdefault(row["plan"], []).append(row)
    result = {}
    for plan in plans:
        mine = actions.get(plan["id"], [])
        answers = responses.get(plan["id"], {})
        rec_ids = recs.get(plan["inspection"], [])
        counts = {key: sum(1 for a in mine if a["status"] == key) for key in ACTION_STATUSES}
        counts["overdue"] = sum(1 for a in mine if is_overdue(a, today))
        counts["total"] = len(mine)
        counts["answered"] = sum(1 for r in rec_ids if answers.get(r))
        result[plan["id"]] = {"counts": counts, "recommendations": len(rec_ids)}
    return result


def completeness_problems(items: list[dict]) -> list[str]:
    problems = []
    if not items:
        problems.append("The report has no recommendations recorded yet")
    for item in items:
        ref = item["rec"]["reference"]
        response = item["response"]
        if not response or not response["response"]:
            problems.append(f"{ref}: select a response")
        elif response["response"] in ("agreed", "partly_agreed") and not item["actions"]:
            problems.append(f"{ref}: add at least one action")
        elif response["response"] == "not_agreed" and item["actions"]:
            problems.append(f"{ref}: remove the actions, or change the response (it is not agreed)")
    return problems


async def events(plan_id: int) -> list[dict]:
    return (
        await ActionPlanEvent.select(
            ActionPlanEvent.all_columns(), ActionPlanEvent.by_user.display_name.as_alias("by_name")
        )
        .where(ActionPlanEvent.plan == plan_id)
        .order_by(ActionPlanEvent.id, ascending=False)
    )


async def latest_comment(plan_id: int) -> dict | None:
    return (
        await ActionPlanEvent.select(
            ActionPlanEvent.all_columns(), ActionPlanEvent.by_user.display_name.as_alias("by_name")
        )
        .where(ActionPlanEvent.plan == plan_id, ActionPlanEvent.kind == "returned")
        .order_by(ActionPlanEvent.id, ascending=False)
        .first()
    )


async def files(plan_id: int) -> list[dict]:
    return (
        await PlanFile.select(
            PlanFile.id,
            PlanFile.number,
            PlanFile.purpose,
            PlanFile.original_name,
            PlanFile.file_type,
            PlanFile.size,
            PlanFile.sha256,
            PlanFile.scan_status,
            PlanFile.uploaded_at,
            PlanFile.uploaded_by.display_name.as_alias("by_name"),
        )
        .where(PlanFile.plan == plan_id)
        .order_by(PlanFile.number, ascending=False)
    )


async def get_action(plan_id: int, action_id: int) -> dict | None:
    return await PlanAction.select().where(PlanAction.id == action_id, PlanAction.plan == plan_id).first()


async def progress_history(action_id: int) -> list[dict]:
    return (
        await ActionProgress.select(
            ActionProgress.all_columns(), ActionProgress.recorded_by.display_name.as_alias("by_name")
        )
        .where(ActionProgress.action == action_id)
        .order_by(ActionProgress.occurred_on, ascending=False)
        .order_by(ActionProgress.id, ascending=False)
    )


async def recommendation_in_plan(plan: dict, recommendation_id: int) -> dict | None:
    return (
        await Recommendation.select()
        .where(Recommendation.id == recommendation_id, Recommendation.inspection == plan["inspection"])
        .first()
    )


async def plans_in_scope(establishment_ids: Iterable[int] | None, statuses: Iterable[str] | None = None):
    query = ActionPlan.select(
        ActionPlan.all_columns(),
        ActionPlan.establishment.name.as_alias("establishment_name"),
        ActionPlan.inspection.end_date.as_alias("inspection_end"),
        ActionPlan.inspection.kind.as_alias("inspection_kind"),
    ).order_by(ActionPlan.updated_at, ascending=False)
    if establishment_ids is not None:
        ids = list(establishment_ids)
        if not ids:
            return []
        query = query.where(ActionPlan.establishment.is_in(ids))
    if statuses is not None:
        query = query.where(ActionPlan.status.is_in(list(statuses)))
    return await query


async def overdue_actions(establishment_ids: Iterable[int] | None, today: date) -> list[dict]:
    """Actions past their target date and not complete, for the dashboards.

    `establishment_ids` None means every establishment; an empty collection means none."""
    query = (
        PlanAction.select(
            PlanAction.all_columns(),
            PlanAction.plan.establishment.as_alias("establishment"),
            PlanAction.plan.establishment.name.as_alias("establishment_name"),
            PlanAction.plan.inspection.as_alias("inspection"),
            PlanAction.plan.status.as_alias("plan_status"),
            PlanAction.recommendation.reference.as_alias("reference"),
        )
        .where(PlanAction.target_date < today, PlanAction.status != "complete")
        .order_by(PlanAction.target_date)
    )
    if establishment_ids is not None:
        ids = list(establishment_ids)
        if not ids:
            return []
        query = query.where(PlanAction.plan.establishment.is_in(ids))
    rows = await query
    for row in rows:
        row["days_overdue"] = (today - row["target_date"]).days
    return rows


async def current_plan_for_establishment(establishment_id: int, before: date | None = None) -> dict | None:
    """The establishment's latest plan (of an inspection ending before `before`, if given)."""
    query = (
        ActionPlan.select(ActionPlan.all_columns(), ActionPlan.inspection.end_date.as_alias("inspection_end"))
        .where(ActionPlan.establishment == establishment_id)
        .order_by(ActionPlan.inspection.end_date, ascending=False)
    )
    if before is not None:
        query = query.where(ActionPlan.inspection.end_date < before)
    return await query.first()


# ---------------------------------------------------------------- writing


async def _event(plan_id: int, kind: str, by: int | None, comment: str = "") -> None:
    await ActionPlanEvent.insert(
        ActionPlanEvent(plan=plan_id, kind=kind, comment=comment, by_user=by, at=now_utc())
    )


async def _touch(plan_id: int) -> None:
    await ActionPlan.update({ActionPlan.updated_at: now_utc()}).where(ActionPlan.id == plan_id)


async def create_plan(inspection_id: int, *, by: int | None) -> int:
    """Start the inspection's action plan (idempotent: a second call returns the same plan)."""
    inspection = await Inspection.select().where(Inspection.id == inspection_id).first()
    if inspection is None:
        raise PlanError("There is no such inspection")
    if await published_on(inspection_id) is None:
        raise PlanError("The report has not been published yet")
    engine = ActionPlan._meta.db
    async with write_transaction(engine):
        existing = await plan_for_inspection(inspection_id)
        if existing:
            return existing["id"]
        now = now_utc()
        plan = ActionPlan(
            inspection=inspection_id,
            establishment=inspection["establishment"],
            status="draft",
            created_at=now,
            updated_at=now,
        )
        await plan.save()
        await _event(plan.id, "created", by)
    return plan.id


def _require_editable(plan: dict) -> None:
    if plan["status"] not in EDITABLE:
        raise PlanError(
            "The action plan cannot be changed while it is with HMPPS for quality assurance or clearance"
        )


async def save_response(
    plan: dict,
    recommendation_id: int,
    response: str,
    agreed_part: str,
    reason: str,
    *,
    by: int | None,
    expected_version: int | None = None,
) -> None:
    """Answer a recommendation. `expected_version` is the version of the response the person
    saw (0: there was none); if someone else has answered since, Conflict."""
    _require_editable(plan)
    if errors := response_problems(response, agreed_part, reason):
        raise PlanError(next(iter(errors.values())))
    agreed_part = agreed_part if response == "partly_agreed" else ""
    reason = reason if response == "not_agreed" else ""
    engine = ActionPlan._meta.db
    async with write_transaction(engine):
        existing = (
            await PlanResponse.select()
            .where(PlanResponse.plan == plan["id"], PlanResponse.recommendation == recommendation_id)
            .first()
        )
        values = {"response": response, "agreed_part": agreed_part, "reason": reason}
        seen = existing["version"] if existing else 0
        if expected_version is not None and expected_version != seen:
            raise Conflict(existing or {})
        if existing:
            await PlanResponse.update(
                {
                    PlanResponse.response: response,
                    PlanResponse.agreed_part: agreed_part,
                    PlanResponse.reason: reason,
                    PlanResponse.updated_at: now_utc(),
                    PlanResponse.updated_by: by,
                    PlanResponse.version: PlanResponse.version + 1,
                }
            ).where(PlanResponse.id == existing["id"])
        else:
            await PlanResponse.insert(
                PlanResponse(
                    plan=plan["id"],
                    recommendation=recommendation_id,
                    updated_at=now_utc(),
                    updated_by=by,
                    **values,
                )
            )
        ref = (
            await Recommendation.select(Recommendation.reference)
            .where(Recommendation.id == recommendation_id)
            .first()
        )
        await _event(plan["id"], "response_changed", by, f"{ref['reference']}: {RESPONSES[response]}")
        await _touch(plan["id"])


@dataclass
class ActionInput:
    description: str
    owner: str
    target_date: date | None
    status: str = "not_started"


async def add_action(
    plan: dict, recommendation_id: int, values: ActionInput, *, by: int | None, today: date
) -> int:
    _require_editable(plan)
    if errors := action_problems(
        values.description, values.owner, values.target_date, values.status, today=today
    ):
        raise PlanError(next(iter(errors.values())))
    engine = ActionPlan._meta.db
    async with write_transaction(engine):
        twin = (
            await PlanAction.select(PlanAction.id)
            .where(
                PlanAction.plan == plan["id"],
                PlanAction.recommendation == recommendation_id,
                PlanAction.description == values.description,
                PlanAction.owner == values.owner,
                PlanAction.target_date == values.target_date,
                PlanAction.updated_by == by,
                PlanAction.created_at >= now_utc() - timedelta(minutes=2),
            )
            .first()
        )
        if twin:
            return twin["id"]  # the same form sent twice makes one action (F4)
        count = await PlanAction.count().where(
            PlanAction.plan == plan["id"], PlanAction.recommendation == recommendation_id
        )
        now = now_utc()
        action = PlanAction(
            plan=plan["id"],
            recommendation=recommendation_id,
            position=count + 1,
            description=values.description,
            owner=values.owner,
            target_date=values.target_date,
            status=values.status,
            created_at=now,
            updated_at=now,
            updated_by=by,
        )
        await action.save()
        await _event(plan["id"], "action_added", by, values.description[:200])
        await _touch(plan["id"])
    return action.id


async def update_action(
    plan: dict,
    action_id: int,
    values: ActionInput,
    *,
    expected_version: int | None,
    by: int | None,
    today: date,
) -> dict:
    """Change an action. The version the person saw must still be current (else Conflict)."""
    _require_editable(plan)
    current = await get_action(plan["id"], action_id)
    if current is None:
        raise PlanError("There is no such action")
    errors = action_problems(
        values.description,
        values.owner,
        values.target_date,
        values.status,
        today=today,
        target_must_be_future=values.target_date != current["target_date"],
    )
    if errors:
        raise PlanError(next(iter(errors.values())))
    engine = ActionPlan._meta.db
    async with write_transaction(engine):
        version = expected_version if expected_version is not None else current["version"]
        changed = (
            await PlanAction.update(
                {
                    PlanAction.description: values.description,
                    PlanAction.owner: values.owner,
                    PlanAction.target_date: values.target_date,
                    PlanAction.status: values.status,
                    PlanAction.updated_at: now_utc(),
                    PlanAction.updated_by: by,
                    PlanAction.version: PlanAction.version + 1,
                }
            )
            .where(PlanAction.id == action_id, PlanAction.version == version)
            .returning(PlanAction.id)
        )
        if not changed:
            raise Conflict(await get_action(plan["id"], action_id))
        await _event(plan["id"], "action_changed", by, values.description[:200])
        await _touch(plan["id"])
    return await get_action(plan["id"], action_id)


async def delete_action(plan: dict, action_id: int, *, by: int | None) -> None:
    if plan["status"] not in SUBMITTABLE:
        raise PlanError("Actions can only be removed before the plan is submitted")
    engine = ActionPlan._meta.db
    async with write_transaction(engine):
        action = await get_action(plan["id"], action_id)
        if action is None:
            raise PlanError("There is no such action")
        await ActionProgress.delete().where(ActionProgress.action == action_id)
        await PlanAction.delete().where(PlanAction.id == action_id)
        await _event(plan["id"], "action_removed", by, action["description"][:200])
        await _touch(plan["id"])


async def record_progress(
    plan: dict, action_id: int, *, on: date, status: str, note: str, by: int | None, today: date
) -> None:
    if plan["status"] != "published":
        raise PlanError("Progress can be recorded once the action plan is published")
    if status not in ACTION_STATUSES:
        raise PlanError("Select the status of the action")
    if on > today:
        raise PlanError("Date of the update must be today or in the past")
    engine = ActionPlan._meta.db
    async with write_transaction(engine):
        action = await get_action(plan["id"], action_id)
        if action is None:
            raise PlanError("There is no such action")
        await ActionProgress.insert(
            ActionProgress(
                action=action_id,
                plan=plan["id"],
                occurred_on=on,
                status=status,
                note=note,
                recorded_by=by,
                recorded_at=now_utc(),
            )
        )
        await PlanAction.update(
            {
                PlanAction.status: status,
                PlanAction.updated_at: now_utc(),
                PlanAction.updated_by: by,
                PlanAction.version: PlanAction.version + 1,
            }
        ).where(PlanAction.id == action_id)
        await _event(plan["id"], "progress", by, f"{ACTION_STATUSES[status]}: {action['description'][:150]}")
        await _touch(plan["id"])


@dataclass
class ImportedRows:
    responses: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # rec id -> (resp, part, why)
    actions: list[tuple[int, ActionInput]] = field(default_factory=list)


async def replace_rows(plan: dict, rows: ImportedRows, *, by: int | None, file_id: int | None = None) -> None:
    """A spreadsheet import: every response and action replaced at once, or nothing changed."""
    if plan["status"] not in SUBMITTABLE:
        raise PlanError("A spreadsheet can only be uploaded while the plan is a draft or has been returned")
    engine = ActionPlan._meta.db
    now = now_utc()
    async with write_transaction(engine):
        await ActionProgress.delete().where(ActionProgress.plan == plan["id"])
        await PlanAction.delete().where(PlanAction.plan == plan["id"])
        await PlanResponse.delete().where(PlanResponse.plan == plan["id"])
        if rows.responses:
            await PlanResponse.insert(
                *[
                    PlanResponse(
                        plan=plan["id"],
                        recommendation=rec_id,
                        response=response,
                        agreed_part=part,
                        reason=reason,
                        updated_at=now,
                        updated_by=by,
                    )
                    for rec_id, (response, part, reason) in rows.responses.items()
                ]
            )
        positions: dict[int, int] = {}
        new_actions = []
        for rec_id, values in rows.actions:
            positions[rec_id] = positions.get(rec_id, 0) + 1
            new_actions.append(
                PlanAction(
                    plan=plan["id"],
                    recommendation=rec_id,
                    position=positions[rec_id],
                    description=values.description,
                    owner=values.owner,
                    target_date=values.target_date,
                    status=values.status,
                    created_at=now,
                    updated_at=now,
                    updated_by=by,
                )
            )
        if new_actions:
            await PlanAction.insert(*new_actions)
        await _event(
            plan["id"],
            "imported",
            by,
            f"{len(rows.responses)} responses and {len(rows.actions)} actions"
            + (f" (file version {file_id})" if file_id else ""),
        )
        await _touch(plan["id"])


# ---------------------------------------------------------------- workflow


async def _transition(
    plan: dict, from_states: set[str], to_state: str, kind: str, *, by, comment="", **extra
):
    """Move the plan on, only from the states named (a double submit changes nothing twice)."""
    values = {
        ActionPlan.status: to_state,
        ActionPlan.updated_at: now_utc(),
        ActionPlan.version: ActionPlan.version + 1,
    }
    for name, value in extra.items():
        values[getattr(ActionPlan, name)] = value
    changed = (
        await ActionPlan.update(values)
        .where(ActionPlan.id == plan["id"], ActionPlan.status.is_in(list(from_states)))
        .returning(ActionPlan.id)
    )
    if not changed:
        raise PlanError(
            f"The action plan is {PLAN_STATUSES[plan['status']].lower()}: it cannot be {kind} now"
        )
    await _event(plan["id"], kind, by, comment)


async def submit(plan: dict, *, by: int | None, today: date) -> None:
    detail = await plan_detail(plan, today=today)
    if detail["problems"]:
        raise PlanError("The action plan is not complete: " + "; ".join(detail["problems"][:3]))
    from inspections.events import record_event

    engine = ActionPlan._meta.db
    async with write_transaction(engine):
        first = plan["first_submitted_on"] is None
        extra = {"first_submitted_on": today} if first else {}
        await _transition(plan, SUBMITTABLE, "submitted", "submitted", by=by, **extra)
        if first:
            # Closes the three-month milestone (MoU ¶37); timelines/ decides on time or late.
            await record_event(
                plan["inspection"],
                "action_plan_received",
                today,
                by_user_id=by,
                detail={"action_plan": plan["id"]},
                today=today,
            )


async def review(plan: dict, decision: str, comment: str, *, by: int | None) -> None:
    if decision == "return":
        if not comment:
            raise PlanError("Enter your comments for the establishment")
        await _transition(plan, {"submitted"}, "returned", "returned", by=by, comment=comment)
    elif decision == "accept":
        await _transition(plan, {"submitted"}, "accepted", "accepted", by=by, comment=comment)
    else:
        raise PlanError("Select whether to accept the action plan or return it")


async def clear(plan: dict, *, by: int | None, comment: str = "") -> None:
    await _transition(plan, {"accepted"}, "cleared", "cleared", by=by, comment=comment)


async def publish(plan: dict, *, url: str, on: date, by: int | None) -> None:
    await _transition(
        plan, {"cleared"}, "published", "published", by=by, comment=url, published_url=url, published_on=on
    )


# ---------------------------------------------------------------- files


async def store_file(
    plan: dict,
    *,
    content: bytes,
    checked,
    original_name: str,
    purpose: str,
    by: int | None,
    settings=None,
) -> dict:
    """Keep a new version (status pending), scan it (tracker.scanning), then record the answer.

    A crash between the two leaves the file pending: never downloadable (fail closed)."""
    engine = PlanFile._meta.db
    async with write_transaction(engine):
        number = (await PlanFile.count().where(PlanFile.plan == plan["id"])) + 1
        row = PlanFile(
            plan=plan["id"],
            number=number,
            purpose=purpose,
            original_name=original_name,
            file_type=checked.file_type,
            size=checked.size,
            sha256=checked.sha256,
            scan_status=scanning.PENDING,
            content=content,
            uploaded_by=by,
            uploaded_at=now_utc(),
        )
        await row.save()
        if purpose == "plan":
            await _event(plan["id"], "file_uploaded", by, f"version {number}")
    result = await scanning.scan(content, settings)
    update = {PlanFile.scan_status: result.status, PlanFile.scanned_at: now_utc()}
    if result.status == scanning.INFECTED:
        update[PlanFile.content] = b""  # keep the record, never the malware
    await PlanFile.update(update).where(PlanFile.id == row.id)
    return {"id": row.id, "number": number, "scan_status": result.status, "signature": result.signature}


async def file_content(plan_id: int, file_id: int) -> dict | None:
    return await PlanFile.select().where(PlanFile.id == file_id, PlanFile.plan == plan_id).first()


async def user_names(ids: Iterable[int]) -> dict[int, str]:
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    rows = await AppUser.select(AppUser.id, AppUser.display_name).where(AppUser.id.is_in(ids))
    return {r["id"]: r["display_name"] for r in rows}


async def establishment_name(establishment_id: int) -> str:
    row = await Establishment.select(Establishment.name).where(Establishment.id == establishment_id).first()
    return row["name"] if row else ""

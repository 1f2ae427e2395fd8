"""The plan's rows: a response to each recommendation, its actions, and progress on them."""

from __future__ import annotations

from datetime import date, timedelta

from actionplans import queries
from actionplans.operations.common import current_plan, plan_event
from actionplans.services import (
    ACTION_STATUSES,
    RESPONSES,
    ActionInput,
    action_problems,
    response_problems,
)
from actionplans.tables import ActionProgress, PlanAction, PlanResponse
from tracker.clock import now_utc
from tracker.operations import Actor, Conflict, Refused, change


async def _recommendation(plan: dict, recommendation_id: int) -> dict:
    rec = await queries.recommendation_in_plan(plan, recommendation_id)
    if rec is None:
        raise Refused({"recommendation_id": "Select a recommendation of this report"})
    return rec


async def _action(plan: dict, action_id: int) -> dict:
    action = await queries.get_action(plan["id"], action_id)
    if action is None:
        raise Refused({"plan": "There is no such action"})
    return action


async def save_response(
    actor: Actor,
    plan_id: int,
    recommendation_id: int,
    response: str,
    agreed_part: str,
    reason: str,
    *,
    expected_version: int | None = None,
) -> None:
    """Answer a recommendation. `expected_version` is the version of the response the person
    saw (0: there was none); if someone else has answered since, Conflict."""
    detail = f"recommendation={recommendation_id} response={response}"
    async with change(
        actor, "actionplan.response", object_type="action_plan", object_id=plan_id, detail=detail
    ):
        plan = await current_plan(actor, "plan.edit", plan_id)
        rec = await _recommendation(plan, recommendation_id)
        if errors := response_problems(response, agreed_part, reason):
            raise Refused(errors)
        values = {
            "response": response,
            "agreed_part": agreed_part if response == "partly_agreed" else "",
            "reason": reason if response == "not_agreed" else "",
        }
        existing = (
            await PlanResponse.select()
            .where(PlanResponse.plan == plan_id, PlanResponse.recommendation == recommendation_id)
            .first()
        )
        seen = existing["version"] if existing else 0
        if expected_version is not None and expected_version != seen:
            raise Conflict(existing or {})
        if existing:
            await PlanResponse.update(
                {
                    **{getattr(PlanResponse, k): v for k, v in values.items()},
                    PlanResponse.updated_at: now_utc(),
                    PlanResponse.updated_by: actor.user_id,
                    PlanResponse.version: PlanResponse.version + 1,
                }
            ).where(PlanResponse.id == existing["id"])
        else:
            await PlanResponse.insert(
                PlanResponse(
                    plan=plan_id,
                    recommendation=recommendation_id,
                    updated_at=now_utc(),
                    updated_by=actor.user_id,
                    **values,
                )
            )
        await plan_event(actor, plan_id, "response_changed", f"{rec['reference']}: {RESPONSES[response]}")


def new_action(actor: Actor, plan_id: int, recommendation_id: int, position: int, values: ActionInput):
    now = now_utc()
    return PlanAction(
        plan=plan_id,
        recommendation=recommendation_id,
        position=position,
        description=values.description,
        owner=values.owner,
        target_date=values.target_date,
        status=values.status,
        created_at=now,
        updated_at=now,
        updated_by=actor.user_id,
    )


async def add_action(
    actor: Actor, plan_id: int, recommendation_id: int, values: ActionInput, *, today: date
) -> int:
    async with change(actor, "actionplan.action.create", object_type="plan_action") as entry:
        plan = await current_plan(actor, "plan.edit", plan_id)
        await _recommendation(plan, recommendation_id)
        if errors := action_problems(
            values.description, values.owner, values.target_date, values.status, today=today
        ):
            raise Refused(errors)
        twin = (
            await PlanAction.select(PlanAction.id)
            .where(
                PlanAction.plan == plan_id,
                PlanAction.recommendation == recommendation_id,
                PlanAction.description == values.description,
                PlanAction.owner == values.owner,
                PlanAction.target_date == values.target_date,
                PlanAction.updated_by == actor.user_id,
                PlanAction.created_at >= now_utc() - timedelta(minutes=2),
            )
            .first()
        )
        if twin:
            entry.object_id = twin["id"]
            return twin["id"]  # the same form sent twice makes one action (F4)
        count = await PlanAction.count().where(
            PlanAction.plan == plan_id, PlanAction.recommendation == recommendation_id
        )
        action = new_action(actor, plan_id, recommendation_id, count + 1, values)
        await action.save()
        entry.object_id = action.id
        await plan_event(actor, plan_id, "action_added", values.description[:200])
    return action.id


async def update_action(
    actor: Actor,
    plan_id: int,
    action_id: int,
    values: ActionInput,
    *,
    expected_version: int | None,
    today: date,
) -> dict:
    """Change an action. The version the person saw must still be current (else Conflict)."""
    async with change(actor, "actionplan.action.change", object_type="plan_action", object_id=action_id):
        plan = await current_plan(actor, "plan.edit", plan_id)
        current = await _action(plan, action_id)
        errors = action_problems(
            values.description,
            values.owner,
            values.target_date,
            values.status,
            today=today,
            target_must_be_future=values.target_date != current["target_date"],
        )
        if errors:
            raise Refused(errors)
        version = expected_version if expected_version is not None else current["version"]
        changed = (
            await PlanAction.update(
                {
                    PlanAction.description: values.description,
                    PlanAction.owner: values.owner,
                    PlanAction.target_date: values.target_date,
                    PlanAction.status: values.status,
                    PlanAction.updated_at: now_utc(),
                    PlanAction.updated_by: actor.user_id,
                    PlanAction.version: PlanAction.version + 1,
                }
            )
            .where(PlanAction.id == action_id, PlanAction.version == version)
            .returning(PlanAction.id)
        )
        if not changed:
            raise Conflict(await _action(plan, action_id))
        await plan_event(actor, plan_id, "action_changed", values.description[:200])
    return await queries.get_action(plan_id, action_id)


async def remove_action(actor: Actor, plan_id: int, action_id: int) -> dict:
    """Remove an action (only before the plan is submitted). Returns the action as it was."""
    async with change(actor, "actionplan.action.delete", object_type="plan_action", object_id=action_id):
        plan = await current_plan(actor, "plan.remove_action", plan_id)
        action = await _action(plan, action_id)
        await ActionProgress.delete().where(ActionProgress.action == action_id)
        await PlanAction.delete().where(PlanAction.id == action_id)
        await plan_event(actor, plan_id, "action_removed", action["description"][:200])
    return action


def progress_problems(on: date | None, status: str, note: str, today: date) -> dict[str, str]:
    errors = {}
    if on is None:
        errors["occurred_on"] = "Enter the date of the update"
    elif on > today:
        errors["occurred_on"] = "The date of the update must be today or in the past"
    if status not in ACTION_STATUSES:
        errors["status"] = "Select the status of the action"
    if not note:
        errors["note"] = "Enter what has been done"
    return errors


async def record_progress(
    actor: Actor, plan_id: int, action_id: int, *, on: date | None, status: str, note: str, today: date
) -> None:
    async with change(actor, "actionplan.progress", object_type="plan_action", object_id=action_id):
        plan = await current_plan(actor, "plan.progress", plan_id)
        action = await _action(plan, action_id)
        if errors := progress_problems(on, status, note, today):
            raise Refused(errors)
        now = now_utc()
        await ActionProgress.insert(
            ActionProgress(
                action=action_id,
                plan=plan_id,
                occurred_on=on,
                status=status,
                note=note,
                recorded_by=actor.user_id,
                recorded_at=now,
            )
        )
        await PlanAction.update(
            {
                PlanAction.status: status,
                PlanAction.updated_at: now,
                PlanAction.updated_by: actor.user_id,
                PlanAction.version: PlanAction.version + 1,
            }
        ).where(PlanAction.id == action_id)
        await plan_event(
            actor, plan_id, "progress", f"{ACTION_STATUSES[status]}: {action['description'][:150]}"
        )

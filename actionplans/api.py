"""The action plan JSON API (under /api/v1). Same access rules as the pages; writes need a
personal API token (tracker.api)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, Response, get, patch, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody

from actionplans import services
from actionplans.access import (
    ESTABLISHMENT,
    READ,
    inspection_for_request,
    may_read_inspection_plan,
    plan_for_request,
)
from actionplans.services import ACTION_STATUSES, ActionInput, Conflict, PlanError
from tracker import audit
from tracker.access import current, deny_as_not_found, establishment_scope
from tracker.clock import today_london
from tracker.roles import Role


def _action_json(action: dict, today: date) -> dict:
    return {
        "id": action["id"],
        "recommendation_id": action["recommendation"],
        "description": action["description"],
        "owner": action["owner"],
        "target_date": action["target_date"].isoformat(),
        "status": action["status"],
        "overdue": services.is_overdue(action, today),
        "version": action["version"],
    }


async def _plan_json(plan: dict) -> dict:
    today = today_london()
    detail = await services.plan_detail(plan, today=today)
    milestone = await services.milestone(plan["inspection"])
    return {
        "id": plan["id"],
        "inspection_id": plan["inspection"],
        "establishment_id": plan["establishment"],
        "status": plan["status"],
        "status_label": services.PLAN_STATUSES[plan["status"]],
        "published_url": plan["published_url"] or None,
        "due": milestone["due"].isoformat() if milestone and milestone["due"] else None,
        "due_rule": f"{milestone['rule']} — {milestone['source']}" if milestone else None,
        "recommendations": [
            {
                "id": item["rec"]["id"],
                "reference": item["rec"]["reference"],
                "text": item["rec"]["text"],
                "kind": item["rec"]["kind"],
                "response": (item["response"] or {}).get("response") or None,
                "agreed_part": (item["response"] or {}).get("agreed_part") or None,
                "reason": (item["response"] or {}).get("reason") or None,
                "actions": [_action_json(a, today) for a in item["actions"]],
            }
            for item in detail["items"]
        ],
    }


@get("/action-plans/{plan_id:int}", opt=READ)
async def api_plan(request: Request, plan_id: FromPath[int]) -> dict:
    plan = await plan_for_request(request, plan_id)
    await audit.record("actionplan.api.read", request=request, object_type="action_plan", object_id=plan_id)
    return await _plan_json(plan)


@get("/inspections/{inspection_id:int}/action-plan", opt=READ)
async def api_inspection_plan(request: Request, inspection_id: FromPath[int]) -> dict:
    await inspection_for_request(request, inspection_id)
    plan = await services.plan_for_inspection(inspection_id)
    if plan is None:
        raise NotFoundException("No action plan yet")
    plan = await plan_for_request(request, plan["id"])
    await audit.record(
        "actionplan.api.read", request=request, object_type="action_plan", object_id=plan["id"]
    )
    return await _plan_json(plan)


@get("/action-plans/overdue-actions", opt=READ)
async def api_overdue(request: Request) -> list[dict]:
    principal = current(request)
    today = today_london()
    rows = await services.overdue_actions(establishment_scope(principal), today)
    if not principal.has(Role.HMIP_MANAGER, Role.HMPPS_SCRUTINY, Role.HMPPS_MANAGER, Role.ESTABLISHMENT):
        # HMIP team leaders and inspectors: only the plans they may read.
        kept = []
        for row in rows:
            inspection = await services.get_inspection(row["inspection"])
            if await may_read_inspection_plan(principal, inspection):
                kept.append(row)
        rows = kept
    return [
        {
            **_action_json(row, today),
            "plan_id": row["plan"],
            "establishment": row["establishment_name"],
            "reference": row["reference"],
            "days_overdue": row["days_overdue"],
        }
        for row in rows
    ]


def _error(status: int, errors: dict, **extra) -> Response:
    return Response({"status_code": status, "errors": errors, **extra}, status_code=status)


def _parse_action(data: JSONBody[dict[str, Any]], base: dict | None = None) -> tuple[ActionInput, dict]:
    errors: dict[str, str] = {}
    base = base or {}

    def text(name: str) -> str:
        value = data.get(name, base.get(name, ""))
        if not isinstance(value, str):
            errors[name] = f"{name} must be text"
            return ""
        return value.strip()

    target_raw = data.get("target_date", base.get("target_date"))
    target = None
    if isinstance(target_raw, date):
        target = target_raw
    elif isinstance(target_raw, str) and target_raw:
        try:
            target = date.fromisoformat(target_raw)
        except ValueError:
            errors["target_date"] = "target_date must be a date as YYYY-MM-DD"
    status = data.get("status", base.get("status", "not_started"))
    if status not in ACTION_STATUSES:
        errors["status"] = "status must be one of " + ", ".join(ACTION_STATUSES)
        status = "not_started"
    return ActionInput(text("description"), text("owner"), target, status), errors


@post("/action-plans/{plan_id:int}/actions", opt=ESTABLISHMENT, status_code=201)
async def api_create_action(
    request: Request, plan_id: FromPath[int], data: JSONBody[dict[str, Any]]
) -> Response:
    plan = await plan_for_request(request, plan_id, act=True)
    today = today_london()
    rec_id = data.get("recommendation_id")
    if not isinstance(rec_id, int) or await services.recommendation_in_plan(plan, rec_id) is None:
        return _error(400, {"recommendation_id": "recommendation_id must be a recommendation of this report"})
    values, errors = _parse_action(data)
    errors = errors or services.action_problems(
        values.description, values.owner, values.target_date, values.status, today=today
    )
    if errors:
        return _error(400, errors)
    try:
        action_id = await services.add_action(plan, rec_id, values, by=current(request).user_id, today=today)
    except PlanError as error:
        return _error(409, {"plan": str(error)})
    await audit.record(
        "actionplan.action.create", request=request, object_type="plan_action", object_id=action_id
    )
    return Response(_action_json(await services.get_action(plan_id, action_id), today), status_code=201)


@patch("/action-plans/{plan_id:int}/actions/{action_id:int}", opt=ESTABLISHMENT)
async def api_update_action(
    request: Request, plan_id: FromPath[int], action_id: FromPath[int], data: JSONBody[dict[str, Any]]
) -> Response:
    plan = await plan_for_request(request, plan_id, act=True)
    current_action = await services.get_action(plan_id, action_id)
    if current_action is None:
        await deny_as_not_found(request, "action", action_id)
    today = today_london()
    values, errors = _parse_action(data, base=current_action)
    version = data.get("version")
    if version is not None and not isinstance(version, int):
        errors["version"] = "version must be a whole number"
    errors = errors or services.action_problems(
        values.description,
        values.owner,
        values.target_date,
        values.status,
        today=today,
        target_must_be_future=values.target_date != current_action["target_date"],
    )
    if errors:
        return _error(400, errors)
    try:
        updated = await services.update_action(
            plan, action_id, values, expected_version=version, by=current(request).user_id, today=today
        )
    except Conflict as conflict:
        return _error(
            409,
            {"version": "The action was changed by someone else"},
            current=_action_json(conflict.current, today),
        )
    except PlanError as error:
        return _error(409, {"plan": str(error)})
    await audit.record(
        "actionplan.action.change", request=request, object_type="plan_action", object_id=action_id
    )
    return Response(_action_json(updated, today), status_code=200)


API_ROUTES = [api_plan, api_inspection_plan, api_overdue, api_create_action, api_update_action]

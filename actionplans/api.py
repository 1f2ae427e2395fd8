"""The action plan JSON API (under /api/v1). Same access rules and the same operations as the
pages: an operation's refusal answers 422 (input) or 409 (state, or someone else changed it
first), a denial 403 (tracker.errors). Writes need a personal API token (tracker.api)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, get, patch, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from actionplans import queries
from actionplans.operations import rows
from actionplans.services import ACTION_STATUSES, PLAN_STATUSES, ActionInput
from actionplans.web.common import (
    ESTABLISHMENT,
    READ,
    action_or_404,
    inspection_for_request,
    plan_for_request,
)
from tracker import audit
from tracker.access import MAX_ID, current, establishment_scope
from tracker.api import json_object
from tracker.clock import today_london
from tracker.forms import MAX_YEAR, MIN_YEAR
from tracker.operations import Actor, Conflict, Refused
from tracker.query import id_or_no_row, in_service_years, version_or_none_such


def _action_json(action: dict, today: date) -> dict:
    return {
        "id": action["id"],
        "recommendation_id": action["recommendation"],
        "description": action["description"],
        "owner": action["owner"],
        "target_date": action["target_date"].isoformat(),
        "status": action["status"],
        "overdue": queries.is_overdue(action, today),
        "version": action["version"],
    }


async def _plan_json(plan: dict) -> dict:
    today = today_london()
    detail = await queries.plan_detail(plan, today=today)
    milestone = await queries.milestone(plan["inspection"])
    return {
        "id": plan["id"],
        "inspection_id": plan["inspection"],
        "establishment_id": plan["establishment"],
        "status": plan["status"],
        "status_label": PLAN_STATUSES[plan["status"]],
        "published_url": plan["published_url"] or None,
        "due": milestone["due"].isoformat() if milestone and milestone["due"] else None,
        "due_rule": milestone["rule"] if milestone else None,
        "milestone_status": milestone["status"] if milestone else None,
        "stages": [
            {
                "fact": stage["fact"],
                "label": stage["label"],
                "on": stage["event"]["occurred_on"].isoformat() if stage["event"] else None,
                "by": (stage["event"] or {}).get("by_name"),
            }
            for stage in await queries.stages(plan["inspection"])
        ],
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
    await audit.record_read(
        "actionplan.api.read", request=request, object_type="action_plan", object_id=plan_id
    )
    return await _plan_json(plan)


@get("/inspections/{inspection_id:int}/action-plan", opt=READ)
async def api_inspection_plan(request: Request, inspection_id: FromPath[int]) -> dict:
    await inspection_for_request(request, inspection_id)
    plan = await queries.plan_for_inspection(inspection_id)
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
    rows = await queries.overdue_actions(establishment_scope(principal), today)
    may_read = await queries.plan_reader(principal)
    readable = [
        r for r in rows if may_read({"establishment": r["establishment"], "end_date": r["inspection_end"]})
    ]
    return [
        {
            **_action_json(row, today),
            "plan_id": row["plan"],
            "establishment": row["establishment_name"],
            "reference": row["reference"],
            "days_overdue": row["days_overdue"],
        }
        for row in readable
    ]


Text = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class NewAction(msgspec.Struct):
    """An action against one of the report's recommendations in this plan."""

    recommendation_id: Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
    description: Text
    owner: Text
    target_date: date
    status: Literal[tuple(ACTION_STATUSES)] = "not_started"


class ActionChange(msgspec.Struct):
    """A change to an action: only the fields sent change. `version` is the one you read: if
    someone changed the action since, the answer is 409 with the action as it is now."""

    version: Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)] | None = None
    description: Text | None = None
    owner: Text | None = None
    target_date: date | None = None
    status: Literal[tuple(ACTION_STATUSES)] | None = None


def _parse_action(data: dict[str, Any], base: dict | None = None) -> ActionInput:
    """The action in the request body (over `base`, the action as it is); Refused (422) with
    every field's problem."""
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
        if target and not in_service_years(target):
            errors["target_date"] = f"target_date must be between {MIN_YEAR} and {MAX_YEAR}"
            target = None
    status = data.get("status", base.get("status", "not_started"))
    if not isinstance(status, str) or status not in ACTION_STATUSES:
        errors["status"] = "status must be one of " + ", ".join(ACTION_STATUSES)
    values = ActionInput(text("description"), text("owner"), target, status)
    if errors:
        raise Refused(errors)
    return values


@post("/action-plans/{plan_id:int}/actions", opt=ESTABLISHMENT, status_code=201)
async def api_create_action(
    request: Request, plan_id: FromPath[int], data: json_object(NewAction)
) -> Response:
    await plan_for_request(request, plan_id)
    rec_id = data.get("recommendation_id")
    if isinstance(rec_id, bool) or not isinstance(rec_id, int):
        raise Refused({"recommendation_id": "recommendation_id must be a recommendation of this report"})
    rec_id = id_or_no_row(rec_id)
    today = today_london()
    action_id = await rows.add_action(
        Actor(current(request), request), plan_id, rec_id, _parse_action(data), today=today
    )
    return Response(_action_json(await queries.get_action(plan_id, action_id), today), status_code=201)


@patch("/action-plans/{plan_id:int}/actions/{action_id:int}", opt=ESTABLISHMENT)
async def api_update_action(
    request: Request, plan_id: FromPath[int], action_id: FromPath[int], data: json_object(ActionChange)
) -> Response:
    plan = await plan_for_request(request, plan_id)
    current_action = await action_or_404(request, plan, action_id)
    version = data.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise Refused({"version": "version must be a whole number"})
    version = None if version is None else version_or_none_such(version)
    today = today_london()
    try:
        updated = await rows.update_action(
            Actor(current(request), request),
            plan_id,
            action_id,
            _parse_action(data, base=current_action),
            expected_version=version,
            today=today,
        )
    except Conflict as conflict:
        body = {
            "status_code": 409,
            "errors": {"version": "The action was changed by someone else"},
            "current": _action_json(conflict.current, today),
        }
        return Response(body, status_code=409)
    return Response(_action_json(updated, today), status_code=200)


API_ROUTES = [api_plan, api_inspection_plan, api_overdue, api_create_action, api_update_action]

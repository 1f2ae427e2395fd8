"""The list of action plans, starting a plan, the plan page and the confirmation pages."""

from __future__ import annotations

from datetime import date

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from actionplans import queries
from actionplans.operations import workflow
from actionplans.services import EVENT_LABELS, PLAN_STATUS_COLOURS, PLAN_STATUSES
from actionplans.web.common import (
    ESTABLISHMENT,
    READ,
    inspection_for_request,
    page_context,
    plan_for_request,
    plan_url,
)
from tracker import audit
from tracker.access import current, establishment_scope
from tracker.cache import cached
from tracker.clock import today_london
from tracker.operations import Actor, Refused
from tracker.templating import render


async def _milestone_rows(scope) -> list[dict]:
    from timelines.tables import StoredMilestone

    if scope is not None and not scope:
        return []
    query = (
        StoredMilestone.select(
            StoredMilestone.inspection,
            StoredMilestone.establishment,
            StoredMilestone.establishment.name.as_alias("establishment_name"),
            StoredMilestone.inspection.end_date.as_alias("end_date"),
            StoredMilestone.due,
            StoredMilestone.status,
            StoredMilestone.working_days,
        )
        .where(StoredMilestone.key == "action_plan", StoredMilestone.due.is_not_null())
        .order_by(StoredMilestone.due)
    )
    if scope is not None:
        query = query.where(StoredMilestone.establishment.is_in(list(scope)))
    return await query


@get("/action-plans", opt=READ)
async def plan_list(request: Request) -> Template:
    principal = current(request)
    scope = establishment_scope(principal)
    rows = await _milestone_rows(scope)
    plans = {p["inspection"]: p for p in await queries.plans_in_scope(scope)}
    overdue_by_plan: dict[int, int] = {}
    for action in await queries.overdue_actions(scope, today_london()):
        overdue_by_plan[action["plan"]] = overdue_by_plan.get(action["plan"], 0) + 1
    may_read = await queries.plan_reader(principal)
    shown = []
    for row in rows:
        if not may_read({"establishment": row["establishment"], "end_date": row["end_date"]}):
            continue
        plan = plans.get(row["inspection"])
        row["plan"] = plan
        row["overdue_actions"] = overdue_by_plan.get(plan["id"], 0) if plan else 0
        shown.append(row)
    await audit.record_read("actionplan.list", request=request, detail=f"rows={len(shown)}")
    return render(
        request,
        "actionplans/list.html",
        rows=shown,
        PLAN_STATUSES=PLAN_STATUSES,
        PLAN_STATUS_COLOURS=PLAN_STATUS_COLOURS,
    )


async def _start_page(request: Request, inspection: dict, errors: dict) -> Template:
    return render(
        request,
        "actionplans/start.html",
        inspection=inspection,
        published_on=await queries.published_on(inspection["id"]),
        milestone=await queries.milestone(inspection["id"]),
        errors=errors,
    )


@get("/inspections/{inspection_id:int}/action-plan", opt=READ)
async def inspection_plan(request: Request, inspection_id: FromPath[int]) -> Response:
    inspection = await inspection_for_request(request, inspection_id)
    plan = await queries.plan_for_inspection(inspection_id)
    if plan:
        return Redirect(path=plan_url(plan["id"]))
    return await _start_page(request, inspection, {})


@post("/inspections/{inspection_id:int}/action-plan", opt=ESTABLISHMENT)
async def start_plan(request: Request, inspection_id: FromPath[int]) -> Response:
    inspection = await inspection_for_request(request, inspection_id)
    try:
        plan_id = await workflow.start_plan(Actor(current(request), request), inspection_id)
    except Refused as refused:
        return await _start_page(request, inspection, {"start": refused.message})
    return Redirect(path=plan_url(plan_id), status_code=303)


async def _plan_page_reads(plan_id: int, today: date) -> dict | None:
    plan = await queries.plan_row(plan_id)
    if plan is None:
        return None
    return {
        "plan": plan,
        "detail": await queries.plan_detail(plan, today=today),
        "milestone": await queries.milestone(plan["inspection"]),
        "published_on": await queries.published_on(plan["inspection"]),
        "events": await queries.events(plan_id),
        "stages": await queries.stages(plan["inspection"]),
        "comment": await queries.latest_comment(plan_id) if plan["status"] == "returned" else None,
        "files": await queries.files(plan_id),
    }


@get("/action-plans/{plan_id:int}", opt=READ)
async def plan_page(request: Request, plan_id: FromPath[int]) -> Template:
    today = today_london()
    # Kept until anything is written (tracker.cache): who may read it is still asked every time.
    reads = await cached(("action plan page", plan_id, today), lambda: _plan_page_reads(plan_id, today))
    plan = await plan_for_request(request, plan_id, reads["plan"] if reads else None)
    await audit.record_read("actionplan.view", request=request, object_type="action_plan", object_id=plan_id)
    return render(
        request,
        "actionplans/plan.html",
        detail=reads["detail"],
        milestone=reads["milestone"],
        published_on=reads["published_on"],
        events=reads["events"],
        stages=reads["stages"],
        comment=reads["comment"],
        files=reads["files"],
        done=request.query_params.get("done", ""),
        EVENT_LABELS=EVENT_LABELS,
        **page_context(plan),
    )


CONFIRMATIONS = {
    "submitted": "Action plan submitted",
    "returned": "Action plan returned to the establishment",
    "accepted": "Action plan quality-assured",
    "cleared": "Action plan cleared",
    "available": "Action plan available",
    "published": "Action plan published on HMIP's website",
}


@get("/action-plans/{plan_id:int}/confirmation", opt=READ)
async def confirmation(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id)
    done = request.query_params.get("done", "")
    if done not in CONFIRMATIONS:
        done = ""
    return render(
        request,
        "actionplans/confirmation.html",
        done=done,
        title=CONFIRMATIONS.get(done, "Action plan"),
        milestone=await queries.milestone(plan["inspection"]),
        **page_context(plan),
    )


ROUTES = [plan_list, inspection_plan, start_plan, plan_page, confirmation]

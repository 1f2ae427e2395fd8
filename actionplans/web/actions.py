"""The actions of a recommendation: add, change (with a conflict page when someone else changed
it first), remove (after a confirmation page), and progress once the plan is published."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from actionplans import queries
from actionplans.operations import rows
from actionplans.services import ACTION_STATUSES, ActionInput
from actionplans.web.common import (
    ESTABLISHMENT,
    READ,
    action_or_404,
    page_context,
    plan_for_request,
    plan_url,
    recommendation_or_404,
    show_refusal,
)
from actionplans.web.responses import render_rec_block
from tracker import audit
from tracker.access import current
from tracker.clock import today_london
from tracker.forms import Form, date_parts
from tracker.operations import Actor, Conflict, Refused
from tracker.templating import is_fragment_request, render


def _read_action(form: Form) -> ActionInput:
    description = form.text("description", "the action", max_length=4000)
    owner = form.text("owner", "the owner (a role or team)", max_length=200)
    target = form.date("target_date", "the target date")
    status = form.choice("status", "the status of the action", ACTION_STATUSES)
    return ActionInput(description, owner, target, status)


def _action_form_data(action: dict) -> dict:
    data = {
        "description": action["description"],
        "owner": action["owner"],
        "status": action["status"],
        "version": str(action["version"]),
    }
    data.update({f"target_date-{k}": v for k, v in date_parts(action["target_date"]).items()})
    return data


def _action_page(request: Request, plan: dict, rec: dict, action, form: dict, errors: dict) -> Template:
    return render(
        request,
        "actionplans/action_page.html",
        fragment="actionplans/_action_form.html",
        rec=rec,
        action=action,
        form=form,
        errors=errors,
        **page_context(plan),
    )


async def _back_to(request: Request, plan: dict, recommendation_id: int, saved: str) -> Response:
    if is_fragment_request(request):
        return await render_rec_block(request, plan, recommendation_id, saved=saved)
    return Redirect(path=plan_url(plan["id"], f"rec-{recommendation_id}"), status_code=303)


@get("/action-plans/{plan_id:int}/recommendations/{recommendation_id:int}/actions/new", opt=ESTABLISHMENT)
async def new_action_form(
    request: Request, plan_id: FromPath[int], recommendation_id: FromPath[int]
) -> Template:
    plan = await plan_for_request(request, plan_id)
    rec = await recommendation_or_404(request, plan, recommendation_id)
    return _action_page(request, plan, rec, None, {"status": "not_started"}, {})


@post("/action-plans/{plan_id:int}/recommendations/{recommendation_id:int}/actions/new", opt=ESTABLISHMENT)
async def new_action_submit(
    request: Request, plan_id: FromPath[int], recommendation_id: FromPath[int]
) -> Response:
    plan = await plan_for_request(request, plan_id)
    rec = await recommendation_or_404(request, plan, recommendation_id)
    form = await Form.from_request(request)
    values = _read_action(form)
    if form.ok:
        try:
            actor = Actor(current(request), request)
            await rows.add_action(actor, plan_id, recommendation_id, values, today=today_london())
        except Refused as refused:
            show_refusal(form, refused, "description")
    if not form.ok:
        return _action_page(request, plan, rec, None, form.data, form.errors)
    return await _back_to(request, plan, recommendation_id, "Action added")


@get("/action-plans/{plan_id:int}/actions/{action_id:int}", opt=ESTABLISHMENT)
async def action_form(request: Request, plan_id: FromPath[int], action_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id)
    action = await action_or_404(request, plan, action_id)
    rec = await recommendation_or_404(request, plan, action["recommendation"])
    return _action_page(request, plan, rec, action, _action_form_data(action), {})


@post("/action-plans/{plan_id:int}/actions/{action_id:int}", opt=ESTABLISHMENT)
async def action_submit(request: Request, plan_id: FromPath[int], action_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id)
    action = await action_or_404(request, plan, action_id)
    rec = await recommendation_or_404(request, plan, action["recommendation"])
    form = await Form.from_request(request)
    values = _read_action(form)
    version = form.integer("version", "the version", required=False, minimum=1, maximum=10**9)
    if form.ok:
        try:
            await rows.update_action(
                Actor(current(request), request),
                plan_id,
                action_id,
                values,
                expected_version=version,
                today=today_london(),
            )
        except Conflict as conflict:
            return await _conflict_page(request, plan, rec, conflict, values)
        except Refused as refused:
            show_refusal(form, refused, "description")
    if not form.ok:
        return _action_page(request, plan, rec, action, form.data, form.errors)
    return await _back_to(request, plan, action["recommendation"], "Action saved")


async def _conflict_page(request: Request, plan: dict, rec: dict, conflict: Conflict, yours: ActionInput):
    await audit.record(
        "actionplan.action.conflict",
        request=request,
        object_type="plan_action",
        object_id=conflict.current.get("id", ""),
        outcome="conflict",
    )
    return render(
        request,
        "actionplans/conflict.html",
        fragment="actionplans/_conflict.html",
        rec=rec,
        action=conflict.current,
        yours=yours,
        status_code=200 if is_fragment_request(request) else 409,
        **page_context(plan),
    )


@get("/action-plans/{plan_id:int}/actions/{action_id:int}/delete", opt=ESTABLISHMENT)
async def action_delete_page(request: Request, plan_id: FromPath[int], action_id: FromPath[int]) -> Template:
    """"Are you sure you want to remove this action?" (nothing is removed until they say yes)."""
    plan = await plan_for_request(request, plan_id)
    action = await action_or_404(request, plan, action_id)
    rec = await recommendation_or_404(request, plan, action["recommendation"])
    return render(request, "actionplans/remove_action.html", rec=rec, action=action, **page_context(plan))


@post("/action-plans/{plan_id:int}/actions/{action_id:int}/delete", opt=ESTABLISHMENT)
async def action_delete(request: Request, plan_id: FromPath[int], action_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id)
    action = await action_or_404(request, plan, action_id)
    try:
        await rows.remove_action(Actor(current(request), request), plan_id, action_id)
    except Refused:
        return Redirect(path=plan_url(plan_id), status_code=303)
    anchor = f"rec-{action['recommendation']}"
    return Redirect(path=f"/action-plans/{plan_id}?done=removed#{anchor}", status_code=303)


# ---------------------------------------------------------------- progress


async def _progress_page(request: Request, plan: dict, action: dict, form: dict, errors: dict) -> Template:
    rec = await recommendation_or_404(request, plan, action["recommendation"])
    action["overdue"] = queries.is_overdue(action, today_london())
    return render(
        request,
        "actionplans/progress.html",
        rec=rec,
        action=action,
        history=await queries.progress_history(action["id"]),
        form=form,
        errors=errors,
        **page_context(plan),
    )


@get("/action-plans/{plan_id:int}/actions/{action_id:int}/progress", opt=READ)
async def progress_page(request: Request, plan_id: FromPath[int], action_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id)
    action = await action_or_404(request, plan, action_id)
    form = {"status": action["status"]}
    form.update({f"occurred_on-{k}": v for k, v in date_parts(today_london()).items()})
    return await _progress_page(request, plan, action, form, {})


@post("/action-plans/{plan_id:int}/actions/{action_id:int}/progress", opt=ESTABLISHMENT)
async def progress_submit(request: Request, plan_id: FromPath[int], action_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id)
    action = await action_or_404(request, plan, action_id)
    form = await Form.from_request(request)
    on = form.date("occurred_on", "the date of the update")
    status = form.choice("status", "the status of the action", ACTION_STATUSES)
    note = form.text("note", "what has been done", max_length=4000)
    if form.ok:
        try:
            await rows.record_progress(
                Actor(current(request), request),
                plan_id,
                action_id,
                on=on,
                status=status,
                note=note,
                today=today_london(),
            )
        except Refused as refused:
            show_refusal(form, refused, "status")
    if not form.ok:
        return await _progress_page(request, plan, action, dict(form.data), form.errors)
    return Redirect(path=f"/action-plans/{plan_id}/actions/{action_id}/progress?done=1", status_code=303)


ROUTES = [
    new_action_form,
    new_action_submit,
    action_form,
    action_submit,
    action_delete_page,
    action_delete,
    progress_page,
    progress_submit,
]

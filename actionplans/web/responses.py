"""Answering a recommendation (inline with htmx when it is there, a page of its own without)."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from actionplans import queries
from actionplans.operations import rows
from actionplans.services import RESPONSES
from actionplans.web.common import (
    ESTABLISHMENT,
    item_for,
    page_context,
    plan_for_request,
    plan_url,
    recommendation_or_404,
    show_refusal,
)
from tracker.access import current
from tracker.clock import today_london
from tracker.forms import Form
from tracker.operations import Actor, Conflict, Refused
from tracker.templating import is_fragment_request, render

RESPONSE_LABELS = {"agreed": "agreed", "partly_agreed": "partly agreed", "not_agreed": "not agreed"}


def _response_form_data(response: dict | None) -> dict:
    if not response:
        return {"version": "0"}
    return {
        "response": response["response"],
        "agreed_part": response["agreed_part"],
        "reason": response["reason"],
        "version": str(response["version"]),
    }


def _changed_meanwhile(current: dict) -> str:
    """The message when someone else answered the recommendation while this person was editing."""
    if not current:
        return "Someone else changed this response while you were editing it: check your answer, then save"
    said = RESPONSE_LABELS.get(current["response"], current["response"])
    return (
        f"Someone else changed this response while you were editing it: it now says {said}. "
        "Your answer is below: check it and save again to replace theirs"
    )


async def render_rec_block(request: Request, plan: dict, recommendation_id: int, **extra) -> Template:
    """The recommendation's block of the plan page, for htmx to swap in after a change."""
    detail = await queries.plan_detail(plan, today=today_london())
    return render(
        request,
        "actionplans/_recommendation.html",
        item=item_for(detail, recommendation_id),
        **page_context(plan),
        **extra,
    )


def _response_page(request: Request, plan: dict, rec: dict, form: dict, errors: dict) -> Template:
    return render(
        request,
        "actionplans/response_page.html",
        fragment="actionplans/_response_form.html",
        rec=rec,
        form=form,
        errors=errors,
        **page_context(plan),
    )


@get("/action-plans/{plan_id:int}/responses/{recommendation_id:int}", opt=ESTABLISHMENT)
async def response_form(
    request: Request, plan_id: FromPath[int], recommendation_id: FromPath[int]
) -> Template:
    plan = await plan_for_request(request, plan_id)
    rec = await recommendation_or_404(request, plan, recommendation_id)
    item = item_for(await queries.plan_detail(plan, today=today_london()), recommendation_id)
    return _response_page(request, plan, rec, _response_form_data(item["response"]), {})


@post("/action-plans/{plan_id:int}/responses/{recommendation_id:int}", opt=ESTABLISHMENT)
async def response_submit(
    request: Request, plan_id: FromPath[int], recommendation_id: FromPath[int]
) -> Response:
    plan = await plan_for_request(request, plan_id)
    rec = await recommendation_or_404(request, plan, recommendation_id)
    form = await Form.from_request(request)
    response = form.choice("response", "whether the recommendation is agreed", RESPONSES)
    agreed_part = form.text("agreed_part", "which part is agreed", required=False, max_length=4000)
    reason = form.text("reason", "the reason", required=False, max_length=4000)
    version = form.integer("version", "the version", required=False, minimum=0, maximum=10**9)
    shown = dict(form.data)
    if form.ok:
        try:
            await rows.save_response(
                Actor(current(request), request),
                plan_id,
                recommendation_id,
                response,
                agreed_part,
                reason,
                expected_version=version,
            )
        except Conflict as conflict:
            form.error("response", _changed_meanwhile(conflict.current))
            shown["version"] = str(conflict.current.get("version", 0))  # saving again replaces theirs
        except Refused as refused:
            show_refusal(form, refused, "response")
    if not form.ok:
        return _response_page(request, plan, rec, shown, form.errors)
    if is_fragment_request(request):
        return await render_rec_block(request, plan, recommendation_id, saved="Response saved")
    return Redirect(path=plan_url(plan_id, f"rec-{recommendation_id}"), status_code=303)


ROUTES = [response_form, response_submit]

"""Moving the plan on (MoU ¶37): submit (the establishment), quality assurance (the Scrutiny
Team), clearance (the Executive Director), making it available (the Scrutiny Team) and its
publication on HMIP's website (HMIP, after a check-your-answers page)."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from actionplans import queries
from actionplans.operations import workflow
from actionplans.web.common import (
    AVAILABLE,
    CLEAR,
    ESTABLISHMENT,
    PUBLISH,
    QA,
    page_context,
    plan_for_request,
    show_refusal,
)
from tracker.access import current
from tracker.clock import today_london
from tracker.forms import Form, date_parts
from tracker.operations import Actor, Refused
from tracker.templating import render


def _confirmation(plan_id: int, done: str) -> Redirect:
    return Redirect(path=f"/action-plans/{plan_id}/confirmation?done={done}", status_code=303)


async def _summary_page(request: Request, template: str, plan: dict, form: dict, errors: dict, **extra):
    detail = await queries.plan_detail(plan, today=today_london())
    return render(request, template, detail=detail, form=form, errors=errors, **extra, **page_context(plan))


@get("/action-plans/{plan_id:int}/submit", opt=ESTABLISHMENT)
async def submit_page(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id)
    milestone = await queries.milestone(plan["inspection"])
    return await _summary_page(request, "actionplans/submit.html", plan, {}, {}, milestone=milestone)


@post("/action-plans/{plan_id:int}/submit", opt=ESTABLISHMENT)
async def submit_plan(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id)
    try:
        await workflow.submit(Actor(current(request), request), plan_id, today=today_london())
    except Refused as refused:
        milestone = await queries.milestone(plan["inspection"])
        errors = {"submit": refused.message}
        return await _summary_page(request, "actionplans/submit.html", plan, {}, errors, milestone=milestone)
    return _confirmation(plan_id, "submitted")


@get("/action-plans/{plan_id:int}/review", opt=QA)
async def review_page(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id)
    return await _summary_page(request, "actionplans/review.html", plan, {}, {})


@post("/action-plans/{plan_id:int}/review", opt=QA)
async def review_submit(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id)
    form = await Form.from_request(request)
    decision = form.choice("decision", "whether to accept the action plan or return it", ["accept", "return"])
    comment = form.text("comment", "your comments for the establishment", required=decision == "return")
    if form.ok:
        try:
            done = await workflow.review(Actor(current(request), request), plan_id, decision, comment)
        except Refused as refused:
            show_refusal(form, refused, "decision")
    if not form.ok:
        return await _summary_page(request, "actionplans/review.html", plan, form.data, form.errors)
    return _confirmation(plan_id, done)


@get("/action-plans/{plan_id:int}/clear", opt=CLEAR)
async def clear_page(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id)
    return await _summary_page(request, "actionplans/clear.html", plan, {}, {})


@post("/action-plans/{plan_id:int}/clear", opt=CLEAR)
async def clear_submit(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id)
    form = await Form.from_request(request)
    comment = form.text("comment", "a comment", required=False)
    if form.ok:
        try:
            await workflow.clear(Actor(current(request), request), plan_id, comment)
        except Refused as refused:
            show_refusal(form, refused, "comment")
    if not form.ok:
        return await _summary_page(request, "actionplans/clear.html", plan, form.data, form.errors)
    return _confirmation(plan_id, "cleared")


@get("/action-plans/{plan_id:int}/available", opt=AVAILABLE)
async def available_page(request: Request, plan_id: FromPath[int]) -> Template:
    plan = await plan_for_request(request, plan_id)
    milestone = await queries.milestone(plan["inspection"])
    return await _summary_page(request, "actionplans/available.html", plan, {}, {}, milestone=milestone)


@post("/action-plans/{plan_id:int}/available", opt=AVAILABLE)
async def available_submit(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id)
    try:
        await workflow.make_available(Actor(current(request), request), plan_id, today=today_london())
    except Refused as refused:
        milestone = await queries.milestone(plan["inspection"])
        errors = {"plan": refused.message}
        template = "actionplans/available.html"
        return await _summary_page(request, template, plan, {}, errors, milestone=milestone)
    return _confirmation(plan_id, "available")


def _publication_form(form: Form):
    """The link and the date, with every problem with either at once (the form's and the
    operation's rules alike)."""
    url = form.text("url", "the link to the published action plan", max_length=500)
    on = form.date("published_on", "the date it was published")
    form.add_errors(workflow.publication_problems(url, on, today_london()))
    return url, on


def _publication_page(request: Request, plan: dict, form: dict, errors: dict) -> Template:
    return render(request, "actionplans/publish.html", form=form, errors=errors, **page_context(plan))


@get("/action-plans/{plan_id:int}/publish", opt=PUBLISH)
async def publish_page(request: Request, plan_id: FromPath[int]) -> Template:
    """The publication form; the check page's "Change" links come back here with the answers."""
    plan = await plan_for_request(request, plan_id)
    form = {f"published_on-{k}": v for k, v in date_parts(today_london()).items()}
    form.update({k: v for k, v in request.query_params.items() if k in _PUBLICATION_FIELDS})
    return _publication_page(request, plan, form, {})


_PUBLICATION_FIELDS = ("url", "published_on-day", "published_on-month", "published_on-year")


@post("/action-plans/{plan_id:int}/publish", opt=PUBLISH)
async def publish_check(request: Request, plan_id: FromPath[int]) -> Response:
    """Check your answers before recording the publication (nothing is written yet)."""
    plan = await plan_for_request(request, plan_id)
    form = await Form.from_request(request)
    url, on = _publication_form(form)
    actor = Actor(current(request), request)
    if form.ok:
        try:
            workflow.check_publication(actor, plan, url=url, on=on, today=today_london())
        except Refused as refused:
            show_refusal(form, refused, "url")
    if not form.ok:
        return _publication_page(request, plan, form.data, form.errors)
    answers = {k: form.data.get(k, "") for k in _PUBLICATION_FIELDS}
    return render(
        request,
        "actionplans/publish_check.html",
        url=url,
        published_on=on,
        answers=answers,
        change_query=urlencode(answers),
        **page_context(plan),
    )


@post("/action-plans/{plan_id:int}/publish/confirm", opt=PUBLISH)
async def publish_submit(request: Request, plan_id: FromPath[int]) -> Response:
    plan = await plan_for_request(request, plan_id)
    form = await Form.from_request(request)
    url, on = _publication_form(form)
    if form.ok:
        try:
            actor = Actor(current(request), request)
            await workflow.publish(actor, plan_id, url=url, on=on, today=today_london())
        except Refused as refused:
            show_refusal(form, refused, "url")
    if not form.ok:
        return _publication_page(request, plan, form.data, form.errors)
    return _confirmation(plan_id, "published")


ROUTES = [
    submit_page,
    submit_plan,
    review_page,
    review_submit,
    clear_page,
    clear_submit,
    available_page,
    available_submit,
    publish_page,
    publish_check,
    publish_submit,
]

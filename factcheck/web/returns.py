"""The Scrutiny Team's return (MoU ¶32): its details, check your answers, submit, confirmation."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from factcheck import queries
from factcheck.operations import returns as ops
from factcheck.web.common import (
    SCRUTINY_ONLY,
    actor,
    conflict_page,
    load,
    overview_context,
    page,
    see_other,
    version_of,
)
from tracker.clock import today_london
from tracker.forms import Form, date_parts
from tracker.operations import Conflict, Refused
from tracker.templating import govuk_date

PREPARE = "factcheck.return.prepare"


def return_summary(row: dict) -> list[tuple[str, str]]:
    content = {"yes": "Yes", "no": "No"}.get(row.get("content_to_publish") or "", "")
    return [
        ("Date returned", govuk_date(row["returned_on"]) if row.get("returned_on") else ""),
        ("Content to publish on the indicative date", content),
        ("Why not content", row.get("not_content_reason") or ""),
    ]


@get("/inspections/{inspection_id:int}/factcheck/details", opt=SCRUTINY_ONLY)
async def details_form(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, PREPARE)
    if row["returned"]:
        return see_other(f"/inspections/{inspection_id}/factcheck/returned")
    details = await queries.return_row(inspection_id)
    form = {"version": str(details["version"]) if details else "0"}
    if details:
        form |= {f"returned-{k}": v for k, v in date_parts(details["returned_on"]).items()}
        form |= {
            "content": details["content_to_publish"],
            "not_content_reason": details["not_content_reason"],
        }
    return page(request, "factcheck/details.html", row, form=form)


@post("/inspections/{inspection_id:int}/factcheck/details", opt=SCRUTINY_ONLY)
async def details_submit(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, PREPARE)
    form = await Form.from_request(request)
    returned = form.date("returned", "the date the fact check was returned")
    if not form.ok:  # the date is wrong: the other problems with it, all at once
        for name, message in ops.content_problems(
            form.raw("content"), form.raw("not_content_reason")
        ).items():
            form.error(name, message)
    try:
        if form.ok:
            await ops.save_return_details(
                actor(request),
                inspection_id,
                returned,
                form.raw("content"),
                form.raw("not_content_reason"),
                today=today_london(),
                version=version_of(form),
            )
    except Conflict as conflict:
        return conflict_page(request, row, "the return", return_summary(conflict.current), request.url.path)
    except Refused as refused:
        for name, message in refused.errors.items():
            form.error(name, message)
    if not form.ok:
        return page(request, "factcheck/details.html", row, form=form.data, errors=form.errors)
    return see_other(f"/inspections/{inspection_id}/factcheck/check")


@get("/inspections/{inspection_id:int}/factcheck/check", opt=SCRUTINY_ONLY)
async def check_answers(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id, PREPARE)
    context = await overview_context(request, row, today_london())
    problems = queries.return_problems(context["details"], context["points"])
    return page(request, "factcheck/check.html", row, problems=problems, **context)


@post("/inspections/{inspection_id:int}/factcheck/submit", opt=SCRUTINY_ONLY)
async def submit_return(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.record.factcheck_returned")
    try:
        await ops.submit_return(actor(request), inspection_id, today=today_london())
    except Refused as refused:
        context = await overview_context(request, row, today_london())
        problems = queries.return_problems(context["details"], context["points"]) or list(
            refused.errors.items()
        )
        return page(request, "factcheck/check.html", row, problems=problems, errors=dict(problems), **context)
    return see_other(f"/inspections/{inspection_id}/factcheck/returned")


@get("/inspections/{inspection_id:int}/factcheck/returned", opt=SCRUTINY_ONLY)
async def returned(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, PREPARE)
    context = await overview_context(request, row, today_london())
    if not context["submitted"]:
        return see_other(f"/inspections/{inspection_id}/factcheck/check")
    return page(request, "factcheck/returned.html", row, **context)


ROUTES = [details_form, details_submit, check_answers, submit_return, returned]

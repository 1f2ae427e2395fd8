"""Publication (MoU ¶34-¶35): the checklist, the press release, publishing once ready; and the
dated facts of an IRP (HMPPS's response letter, ¶50) and a thematic review (emerging findings,
¶52)."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from factcheck import queries
from factcheck.checklist import checklist
from factcheck.operations import publication as ops
from factcheck.web.common import (
    HMIP_EDITORS,
    LETTER_WRITERS,
    READ_ALL,
    READERS,
    actor,
    date_from_iso,
    load,
    overview_context,
    page,
    see_other,
)
from tracker.clock import today_london
from tracker.forms import Form
from tracker.operations import Refused

PUBLISH = "factcheck.record.published"
DONE = {"press": "Press release recorded as shared with HMPPS", "published": "Publication recorded"}


async def _publication_page(request: Request, row: dict, **extra) -> Template:
    today = today_london()
    context = await overview_context(request, row, today)
    ready = await checklist(row, today, context["events"])
    extra.setdefault("done", DONE.get(request.query_params.get("done") or "", ""))
    return page(request, "factcheck/publication.html", row, checklist=ready, **context, **extra)


@get("/inspections/{inspection_id:int}/publication", opt=READERS)
async def publication(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id, READ_ALL)
    return await _publication_page(request, row)


@post("/inspections/{inspection_id:int}/publication/press-release", opt=HMIP_EDITORS)
async def press_release(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.record.press_release_shared")
    form = await Form.from_request(request)
    shared = form.date("shared", "the date the press release was shared with HMPPS")
    if form.ok:
        try:
            await ops.record_press_release(actor(request), inspection_id, shared, today=today_london())
        except Refused as refused:
            form.error("shared", refused.message)
    if not form.ok:
        return await _publication_page(request, row, form=form.data, errors=form.errors)
    return see_other(f"/inspections/{inspection_id}/publication?done=press")


@post("/inspections/{inspection_id:int}/publication", opt=HMIP_EDITORS)
async def publication_submit(request: Request, inspection_id: FromPath[int]) -> Response:
    """The date and link, checked, then a check-your-answers page before recording."""
    row = await load(request, inspection_id, PUBLISH)
    form = await Form.from_request(request)
    published = form.date("published", "the date the report was published")
    link = form.raw("link")
    errors = ops.publication_problems(row, published, link, today_london()) | form.errors
    if not errors and not (await checklist(row, today_london())).ready:
        errors["published"] = "The report is not ready to publish: complete the checklist first"
    if errors:
        return await _publication_page(request, row, form=form.data, errors=errors)
    return page(request, "factcheck/publication_check.html", row, published=published, link=link)


@post("/inspections/{inspection_id:int}/publication/confirm", opt=HMIP_EDITORS)
async def publication_confirm(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, PUBLISH)
    form = await Form.from_request(request)
    published = date_from_iso(form.raw("published_on"))
    if published is None:
        return see_other(f"/inspections/{inspection_id}/publication")
    try:
        await ops.record_publication(
            actor(request), inspection_id, published, form.raw("link"), today=today_london()
        )
    except Refused as refused:
        return await _publication_page(request, row, errors=refused.errors)
    return see_other(f"/inspections/{inspection_id}/publication?done=published")


EVENT_FORMS = {
    "letter": {
        "kind": queries.IRP_LETTER_EVENT,
        "heading": "Record HMPPS's response letter",
        "caption": "Independent Review of Progress (MoU ¶50)",
        "legend": "Date the letter was received",
        "note_label": "Summary of the response (optional)",
        "button": "Record the letter",
        "path": "irp-response-letter",
    },
    "emerging": {
        "kind": queries.EMERGING_FINDINGS_EVENT,
        "heading": "Record the emerging findings discussion",
        "caption": "Thematic review (MoU ¶52)",
        "legend": "Date the emerging findings were discussed with HMPPS",
        "note_label": "Who took part and what was agreed (optional)",
        "button": "Record the discussion",
        "path": "emerging-findings",
    },
}


def _event_context(name: str, inspection_id: int) -> dict:
    spec = EVENT_FORMS[name]
    return {**spec, "action": f"/inspections/{inspection_id}/{spec['path']}", "field": "on"}


async def _event_row(request: Request, inspection_id: int, name: str) -> dict:
    kind = EVENT_FORMS[name]["kind"]
    row = await load(request, inspection_id, f"factcheck.record.{kind}")
    if row["kind"] != ops.PROCESS_OF_FACT[kind]:
        raise NotFoundException("Page not found")
    return row


async def _event_form(request: Request, inspection_id: int, name: str) -> Template:
    row = await _event_row(request, inspection_id, name)
    return page(request, "factcheck/date_form.html", row, **_event_context(name, inspection_id))


async def _event_submit(request: Request, inspection_id: int, name: str) -> Response:
    row = await _event_row(request, inspection_id, name)
    form = await Form.from_request(request)
    on = form.date("on", "the date")
    errors = dict(form.errors)
    if form.ok:
        try:
            kind = EVENT_FORMS[name]["kind"]
            await ops.record_dated_fact(
                actor(request), inspection_id, kind, on, form.raw("note"), today=today_london()
            )
        except Refused as refused:
            errors = refused.errors
    if errors:
        context = _event_context(name, inspection_id)
        return page(request, "factcheck/date_form.html", row, form=form.data, errors=errors, **context)
    return see_other(f"/inspections/{inspection_id}/factcheck?done={name}")


@get("/inspections/{inspection_id:int}/irp-response-letter", opt=LETTER_WRITERS)
async def letter_form(request: Request, inspection_id: FromPath[int]) -> Template:
    return await _event_form(request, inspection_id, "letter")


@post("/inspections/{inspection_id:int}/irp-response-letter", opt=LETTER_WRITERS)
async def letter_submit(request: Request, inspection_id: FromPath[int]) -> Response:
    return await _event_submit(request, inspection_id, "letter")


@get("/inspections/{inspection_id:int}/emerging-findings", opt=HMIP_EDITORS)
async def emerging_form(request: Request, inspection_id: FromPath[int]) -> Template:
    return await _event_form(request, inspection_id, "emerging")


@post("/inspections/{inspection_id:int}/emerging-findings", opt=HMIP_EDITORS)
async def emerging_submit(request: Request, inspection_id: FromPath[int]) -> Response:
    return await _event_submit(request, inspection_id, "emerging")


ROUTES = [
    publication,
    press_release,
    publication_submit,
    publication_confirm,
    letter_form,
    letter_submit,
    emerging_form,
    emerging_submit,
]

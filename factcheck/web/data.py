"""Unpublished data (MoU ¶18, Annex B ¶4): HMIP adds an item, HMPPS responds, HMIP resolves an
objection or proceeds when the last day to object has passed with no response."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from factcheck import queries
from factcheck.operations import data as ops
from factcheck.web.common import (
    HMIP_EDITORS,
    SCRUTINY_ONLY,
    actor,
    conflict_page,
    finished_stage,
    load,
    overview_context,
    page,
    see_other,
    version_of,
)
from tracker.access import deny_as_not_found
from tracker.clock import today_london
from tracker.forms import Form, date_parts
from tracker.operations import Conflict, Refused

RESOLUTIONS = {
    "removed": "HMIP removed it from the report",
    "withdrawn": "HMPPS withdrew the objection",
}


def resolve_page(request: Request, row: dict, what: str, objection: str, **extra) -> Template:
    """The page where HMIP records how an objection to a data item or a photograph ended."""
    return page(
        request,
        "factcheck/resolve.html",
        row,
        what=what,
        objection=objection,
        action=request.url.path,
        resolutions=RESOLUTIONS,
        **extra,
    )


def data_response_summary(item: dict) -> list[tuple[str, str]]:
    response = {"consent": "Consent", "objection": "Objection"}.get(item["response"], "")
    return [
        ("Data", item["description"]),
        ("HMPPS's response", response),
        ("Consent reference", item["consent_reference"]),
        ("Reason for the objection", item["objection_reason"]),
    ]


async def _item_or_404(request: Request, inspection_id: int, item_id: int) -> dict:
    item = await queries.data_item(inspection_id, item_id)
    if item is None:
        await deny_as_not_found(request, "data_item", item_id)
    return item


@get("/inspections/{inspection_id:int}/data/new", opt=HMIP_EDITORS)
async def data_form(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id, "factcheck.data.add")
    if closed := finished_stage(request, row, "factcheck.data.add"):
        return closed
    return page(request, "factcheck/data_new.html", row, sources=queries.DATA_SOURCES)


@post("/inspections/{inspection_id:int}/data/new", opt=HMIP_EDITORS)
async def data_create(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.data.add")
    form = await Form.from_request(request)
    notified = form.date("notified", "the date HMPPS was notified", required=False)
    values = {k: form.raw(k) for k in ("description", "source", "report_section")}
    errors = dict(form.errors)
    try:
        if form.ok:
            await ops.add_data_item(actor(request), inspection_id, values, notified, today=today_london())
        else:
            errors = ops.data_item_problems(values)[1] | errors
    except Refused as refused:
        errors = refused.errors
    if errors:
        return page(
            request,
            "factcheck/data_new.html",
            row,
            form=form.data,
            errors=errors,
            sources=queries.DATA_SOURCES,
        )
    return see_other(f"/inspections/{inspection_id}/factcheck?done=data#data")


@get("/inspections/{inspection_id:int}/data/{item_id:int}/response", opt=SCRUTINY_ONLY)
async def data_response_form(
    request: Request, inspection_id: FromPath[int], item_id: FromPath[int]
) -> Template:
    row = await load(request, inspection_id, "factcheck.data.respond")
    item = await _item_or_404(request, inspection_id, item_id)
    form = {
        "response": item["response"],
        "objection_reason": item["objection_reason"],
        "consent_reference": item["consent_reference"],
        "version": str(item["version"]),
    }
    form |= {f"responded-{k}": v for k, v in date_parts(item["responded_on"] or today_london()).items()}
    return page(
        request, "factcheck/data_response.html", row, item=item, form=form, sources=queries.DATA_SOURCES
    )


@post("/inspections/{inspection_id:int}/data/{item_id:int}/response", opt=SCRUTINY_ONLY)
async def data_response(request: Request, inspection_id: FromPath[int], item_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.data.respond")
    item = await _item_or_404(request, inspection_id, item_id)
    form = await Form.from_request(request)
    responded = form.date("responded", "the date of HMPPS's response")
    answer = (form.raw("response"), form.raw("objection_reason"), form.raw("consent_reference"))
    errors = dict(form.errors)
    try:
        if form.ok:
            await ops.respond_to_data_item(
                actor(request),
                inspection_id,
                item_id,
                *answer,
                responded,
                today=today_london(),
                version=version_of(form),
            )
        else:
            errors = ops.response_problems(item["source"], *answer) | errors
    except Conflict as conflict:
        summary = data_response_summary(conflict.current)
        return conflict_page(request, row, "HMPPS's response", summary, request.url.path)
    except Refused as refused:
        errors = refused.errors
    if errors:
        return page(
            request,
            "factcheck/data_response.html",
            row,
            item=item,
            form=form.data,
            errors=errors,
            sources=queries.DATA_SOURCES,
        )
    return see_other(f"/inspections/{inspection_id}/factcheck?done=data_response#data")


@post("/inspections/{inspection_id:int}/data/{item_id:int}/proceed", opt=HMIP_EDITORS)
async def data_proceed(request: Request, inspection_id: FromPath[int], item_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.data.proceed")
    await _item_or_404(request, inspection_id, item_id)
    try:
        await ops.proceed_with_data_item(actor(request), inspection_id, item_id, today=today_london())
    except Refused as refused:
        context = await overview_context(request, row, today_london())
        return page(
            request, "factcheck/overview.html", row, errors={"data": refused.message}, done="", **context
        )
    return see_other(f"/inspections/{inspection_id}/factcheck?done=data_proceeded#data")


@get("/inspections/{inspection_id:int}/data/{item_id:int}/resolve", opt=HMIP_EDITORS)
async def data_resolve_form(
    request: Request, inspection_id: FromPath[int], item_id: FromPath[int]
) -> Template:
    row = await load(request, inspection_id, "factcheck.data.resolve")
    item = await _item_or_404(request, inspection_id, item_id)
    form = {"version": str(item["version"])}
    return resolve_page(
        request, row, item["description"], item["objection_reason"], with_note=True, form=form
    )


@post("/inspections/{inspection_id:int}/data/{item_id:int}/resolve", opt=HMIP_EDITORS)
async def data_resolve(request: Request, inspection_id: FromPath[int], item_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.data.resolve")
    item = await _item_or_404(request, inspection_id, item_id)

    def resolve(form: Form):
        resolution, note = form.raw("resolution"), form.raw("note")
        return ops.resolve_data_objection(
            actor(request), inspection_id, item_id, resolution, note, version=version_of(form)
        )

    done = f"/inspections/{inspection_id}/factcheck?done=data_resolved#data"
    return await resolve_submit(
        request, row, item["description"], item["objection_reason"], resolve, done, with_note=True
    )


async def resolve_submit(
    request: Request, row: dict, what: str, objection: str, resolve, done: str, *, with_note: bool
) -> Response:
    """HMIP records how an objection ended (`resolve(form)`, an operation); the page again if refused."""
    form = await Form.from_request(request)
    try:
        await resolve(form)
    except Conflict as conflict:
        resolved = RESOLUTIONS.get(conflict.current["resolution"], "")
        current = [("Item", what), ("HMPPS's objection", objection), ("How it was resolved", resolved)]
        return conflict_page(request, row, "the objection", current, request.url.path)
    except Refused as refused:
        return resolve_page(
            request, row, what, objection, with_note=with_note, form=form.data, errors=refused.errors
        )
    return see_other(done)


def override_page(request: Request, row: dict, kind: str, what: str, objection: str, **extra) -> Template:
    """The page where HMIP publishes over an objection to a data item or a photograph (¶31)."""
    extra.setdefault("form", {})
    return page(
        request,
        "factcheck/override.html",
        row,
        kind=kind,
        what=what,
        objection=objection,
        action=request.url.path,
        **extra,
    )


async def override_submit(
    request: Request, row: dict, kind: str, what: str, objection: str, publish, done: str
):
    """HMIP publishes over the objection (`publish(form)`, an operation); the page again if refused."""
    form = await Form.from_request(request)
    try:
        await publish(form)
    except Conflict as conflict:
        current = [(kind, what), ("HMPPS's objection", conflict.current["objection_reason"])]
        return conflict_page(request, row, "the objection", current, request.url.path)
    except Refused as refused:
        return override_page(request, row, kind, what, objection, form=form.data, errors=refused.errors)
    return see_other(done)


@get("/inspections/{inspection_id:int}/data/{item_id:int}/override", opt=HMIP_EDITORS)
async def data_override_form(
    request: Request, inspection_id: FromPath[int], item_id: FromPath[int]
) -> Template:
    row = await load(request, inspection_id, "factcheck.data.override")
    if closed := finished_stage(request, row, "factcheck.data.override"):
        return closed
    item = await _item_or_404(request, inspection_id, item_id)
    form = {"version": str(item["version"])}
    return override_page(request, row, "Data", item["description"], item["objection_reason"], form=form)


@post("/inspections/{inspection_id:int}/data/{item_id:int}/override", opt=HMIP_EDITORS)
async def data_override(request: Request, inspection_id: FromPath[int], item_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.data.override")
    item = await _item_or_404(request, inspection_id, item_id)

    def publish(form: Form):
        return ops.publish_over_objection(
            actor(request), inspection_id, item_id, form.raw("reason"), version=version_of(form)
        )

    done = f"/inspections/{inspection_id}/factcheck?done=data_published_over#data"
    return await override_submit(
        request, row, "Data", item["description"], item["objection_reason"], publish, done
    )


ROUTES = [
    data_override_form,
    data_override,
    data_form,
    data_create,
    data_response_form,
    data_response,
    data_proceed,
    data_resolve_form,
    data_resolve,
]

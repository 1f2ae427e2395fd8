"""HMIP's answers to the accuracy points and its response (MoU ¶33), the summary of its
decisions for HMPPS, and proceeding without a return once the deadline has passed (¶32)."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from factcheck import queries
from factcheck.operations import answers as ops
from factcheck.points import CATEGORIES, summary_csv, summary_xlsx
from factcheck.web.common import (
    HMIP_EDITORS,
    READ_ALL,
    READERS,
    XLSX_TYPE,
    actor,
    load,
    overview_context,
    page,
    see_other,
)
from timelines.core.workflow import PROCEEDED
from tracker import audit, uploads
from tracker.access import deny_as_not_found
from tracker.clock import today_london
from tracker.forms import Form
from tracker.operations import Conflict, Refused
from tracker.query import parse_version

ANSWER = "factcheck.point.answer"
RESPONSE = "factcheck.record.hmip_response_sent"


async def _point_or_404(request: Request, inspection_id: int, point_id: int) -> dict:
    point = await queries.point_row(inspection_id, point_id)
    if point is None or point["state"] != "included":
        await deny_as_not_found(request, "accuracy_point", point_id)
    return point | {"shown": queries.shown_number(await queries.points_for(inspection_id), point_id)}


@get("/inspections/{inspection_id:int}/factcheck/points/{point_id:int}/answer", opt=HMIP_EDITORS)
async def answer_form(request: Request, inspection_id: FromPath[int], point_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id, ANSWER)
    point = await _point_or_404(request, inspection_id, point_id)
    form = {
        "decision": point["decision"],
        "matter_of_judgement": "yes" if point["matter_of_judgement"] else "",
        "reason": point["reason"],
        "version": str(point["version"]),
    }
    return page(request, "factcheck/answer.html", row, point=point, form=form, categories=CATEGORIES)


@post("/inspections/{inspection_id:int}/factcheck/points/{point_id:int}/answer", opt=HMIP_EDITORS)
async def answer_submit(request: Request, inspection_id: FromPath[int], point_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, ANSWER)
    point = await _point_or_404(request, inspection_id, point_id)
    form = await Form.from_request(request)
    decision, judgement, reason = (
        form.raw("decision"),
        form.boolean("matter_of_judgement"),
        form.raw("reason"),
    )
    version = parse_version(form.raw("version"), when_missing=point["version"])
    try:
        await ops.answer_point(actor(request), inspection_id, point_id, version, decision, judgement, reason)
    except Conflict as conflict:
        mine = {"decision": decision, "reason": reason, "matter_of_judgement": judgement}
        return page(
            request,
            "factcheck/answer_conflict.html",
            row,
            status_code=409,
            point=conflict.current | {"shown": point["shown"]},
            mine=mine,
            categories=CATEGORIES,
        )
    except Refused as refused:
        return page(
            request,
            "factcheck/answer.html",
            row,
            point=point,
            form=form.data,
            errors=refused.errors,
            categories=CATEGORIES,
        )
    return see_other(f"/inspections/{inspection_id}/factcheck?done=answer#points")


def _response_form_context(inspection_id: int) -> dict:
    return {
        "heading": "Record HMIP's response as sent",
        "caption": "Response to the accuracy points (MoU ¶33)",
        "action": f"/inspections/{inspection_id}/factcheck/response",
        "field": "sent",
        "legend": "Date HMIP's response was sent to the Scrutiny Team",
        "note_label": None,
        "button": "Record response sent",
    }


@get("/inspections/{inspection_id:int}/factcheck/response", opt=HMIP_EDITORS)
async def response_form(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id, RESPONSE)
    return page(request, "factcheck/date_form.html", row, **_response_form_context(inspection_id))


@post("/inspections/{inspection_id:int}/factcheck/response", opt=HMIP_EDITORS)
async def response_submit(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, RESPONSE)
    form = await Form.from_request(request)
    sent = form.date("sent", "the date HMIP's response was sent")
    if form.ok:
        try:
            await ops.record_response_sent(actor(request), inspection_id, sent, today=today_london())
        except Refused as refused:
            form.error("sent", refused.message)
    if not form.ok:
        context = _response_form_context(inspection_id)
        return page(request, "factcheck/date_form.html", row, form=form.data, errors=form.errors, **context)
    return see_other(f"/inspections/{inspection_id}/factcheck?done=response")


async def _summary_points(request: Request, inspection_id: int, fmt: str) -> list[dict]:
    await load(request, inspection_id, READ_ALL)
    points = await queries.points_for(inspection_id, ("included",))
    await audit.record(
        "factcheck.summary_download",
        request=request,
        object_type="inspection",
        object_id=inspection_id,
        detail=f"format={fmt} points={len(points)}",
    )
    return points


@get("/inspections/{inspection_id:int}/factcheck/summary.csv", opt=READERS)
async def summary_download_csv(request: Request, inspection_id: FromPath[int]) -> Response:
    points = await _summary_points(request, inspection_id, "csv")
    return Response(
        content=summary_csv(points),
        media_type="text/csv; charset=utf-8",
        headers=uploads.download_headers(f"hmip-decisions-inspection-{inspection_id}.csv"),
    )


@get("/inspections/{inspection_id:int}/factcheck/summary.xlsx", opt=READERS)
async def summary_download_xlsx(request: Request, inspection_id: FromPath[int]) -> Response:
    points = await _summary_points(request, inspection_id, "xlsx")
    return Response(
        content=summary_xlsx(points, f"HMIP decisions, inspection {inspection_id}"),
        media_type=XLSX_TYPE,
        headers=uploads.download_headers(f"hmip-decisions-inspection-{inspection_id}.xlsx"),
    )


@post("/inspections/{inspection_id:int}/factcheck/proceed", opt=HMIP_EDITORS)
async def proceed(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, f"factcheck.record.{PROCEEDED}")
    try:
        await ops.record_proceeded(actor(request), inspection_id, today=today_london())
    except Refused as refused:
        context = await overview_context(request, row, today_london())
        errors = {"proceed": refused.message}
        return page(request, "factcheck/overview.html", row, errors=errors, done="", **context)
    return see_other(f"/inspections/{inspection_id}/factcheck?done=proceeded")


ROUTES = [
    answer_form,
    answer_submit,
    response_form,
    response_submit,
    summary_download_csv,
    summary_download_xlsx,
    proceed,
]

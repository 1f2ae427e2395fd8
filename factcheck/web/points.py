"""Accuracy points (MoU ¶32): added one by one (with or without htmx), proposals from the
establishment taken in or dropped, a spreadsheet of points imported."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from factcheck import queries
from factcheck.operations import points as ops
from factcheck.points import FIELDS, ImportProblem, parse_points
from factcheck.web.common import (
    PROPOSERS,
    SCRUTINY_ONLY,
    actor,
    load,
    overview_context,
    page,
    see_other,
    upload,
)
from tracker import audit, spreadsheets
from tracker.access import deny_as_not_found
from tracker.clock import today_london
from tracker.forms import Form
from tracker.operations import Refused
from tracker.query import whole_number
from tracker.templating import plural

IMPORT_LIMIT_MB = 5


async def _points_page(request: Request, row: dict, *, status_code=200, **extra):
    context = await overview_context(request, row, today_london())
    extra.setdefault("added", None)
    extra.setdefault("imported", None)
    return page(
        request,
        "factcheck/points.html",
        row,
        fragment="factcheck/_points_section.html",
        status_code=status_code,
        **context,
        **extra,
    )


def _number(value: str | None) -> int | None:
    return whole_number(value)


@get("/inspections/{inspection_id:int}/factcheck/points", opt=PROPOSERS)
async def points_page(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id, "factcheck.point.add")
    query = request.query_params
    return await _points_page(
        request, row, added=_number(query.get("added")), imported=_number(query.get("imported"))
    )


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@post("/inspections/{inspection_id:int}/factcheck/points", opt=PROPOSERS)
async def add_point(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.point.add")
    form = await Form.from_request(request)
    try:
        point = await ops.add_point(actor(request), inspection_id, {f: form.raw(f) for f in FIELDS})
    except Refused as refused:
        return await _points_page(request, row, form=form.data, errors=refused.errors)
    if _htmx(request):
        return await _points_page(request, row, added=point["number"])
    return see_other(f"/inspections/{inspection_id}/factcheck/points?added={point['number']}#points")


@post("/inspections/{inspection_id:int}/factcheck/points/{point_id:int}/state", opt=SCRUTINY_ONLY)
async def point_state(request: Request, inspection_id: FromPath[int], point_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.point.take_in")
    if await queries.point_row(inspection_id, point_id) is None:
        await deny_as_not_found(request, "accuracy_point", point_id)
    form = await Form.from_request(request)
    try:
        await ops.set_point_state(actor(request), inspection_id, point_id, form.raw("action"))
    except Refused as refused:
        return await _points_page(request, row, errors={"points": refused.message})
    if _htmx(request):
        return await _points_page(request, row)
    return see_other(f"/inspections/{inspection_id}/factcheck/points#points")


@get("/inspections/{inspection_id:int}/factcheck/import", opt=SCRUTINY_ONLY)
async def import_form(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id, "factcheck.points.import")
    return page(request, "factcheck/import.html", row, row_errors=[])


@post("/inspections/{inspection_id:int}/factcheck/import", opt=SCRUTINY_ONLY)
async def import_points(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.points.import")
    form = await Form.from_request(request)

    def refused(message: str, row_errors=()) -> Template:
        return page(
            request, "factcheck/import.html", row, errors={"file": message}, row_errors=list(row_errors)
        )

    received = await upload(request, form, "file", IMPORT_LIMIT_MB)
    if received is None or not received[1]:
        return refused("Select a spreadsheet of accuracy points")
    try:
        points, row_errors = await spreadsheets.off_loop(
            parse_points, received[1], filename=received[0], limit_mb=received[2]
        )
    except ImportProblem as error:
        return refused(str(error))
    if row_errors:
        await audit.record(
            "factcheck.import_refused",
            request=request,
            object_type="inspection",
            object_id=inspection_id,
            outcome="refused",
            detail=f"bad_rows={len(row_errors)}",
        )
        return refused(
            f"The file has {plural(len(row_errors), 'problem')}: nothing has been added", row_errors
        )
    try:
        count = await ops.import_points(actor(request), inspection_id, points)
    except Refused as error:
        return refused(error.message)
    return see_other(f"/inspections/{inspection_id}/factcheck/points?imported={count}#points")


ROUTES = [points_page, add_point, point_state, import_form, import_points]

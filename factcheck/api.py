"""The fact check's JSON API under /api/v1: the same services and access rules as the pages.

Reads accept a session or an API token; writes need a personal API token (tracker.api).
Refusals come back as {"errors": {field: message}} with 422, a lost update as 409.
"""

from __future__ import annotations

from datetime import date

from litestar import Request, Response, get, post, put
from litestar.params import FromPath

from factcheck import services
from factcheck.permissions import (
    HMIP,
    HMIP_EDITORS,
    PROPOSE,
    PROPOSERS,
    READERS,
    SCRUTINY,
    SCRUTINY_ONLY,
    TEAM,
    VIEW,
    load,
)
from factcheck.points import FIELDS, sentence
from tracker import audit
from tracker.access import current, deny_as_not_found
from tracker.clock import today_london
from tracker.templating import safe_href


def _refused(errors: dict[str, str], status: int = 422) -> Response:
    return Response({"errors": errors}, status_code=status)


async def _body(request: Request) -> dict:
    try:
        body = await request.json()
    except Exception:  # noqa: BLE001 - any undecodable body is the caller's error
        return {}
    return body if isinstance(body, dict) else {}


def _day(value, name: str, errors: dict, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            errors[name] = f"Enter {name.replace('_', ' ')} (YYYY-MM-DD)"
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[name] = f"{sentence(name.replace('_', ' '))} must be a real date (YYYY-MM-DD)"
        return None


def _point(p: dict) -> dict:
    return {
        "id": p["id"],
        "number": p["number"],
        "origin": p["origin"],
        "state": p["state"],
        **{f: p[f] for f in FIELDS},
        "answer": {
            "decision": p["decision"] or None,
            "matter_of_judgement": p["matter_of_judgement"],
            "reason": p["reason"],
            "answered_at": p["answered_at"].isoformat() if p["answered_at"] else None,
        },
        "version": p["version"],
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


@get("/inspections/{inspection_id:int}/factcheck", opt=READERS)
async def api_factcheck(request: Request, inspection_id: FromPath[int]) -> dict:
    access = await load(request, inspection_id, VIEW)
    today = today_london()
    events = await services.events_for(inspection_id)
    stones = await services.milestones(access.inspection, today, events)
    deadline = services.fact_check_deadline(access.inspection, stones)
    points = await services.points_for(inspection_id)
    draft = access.draft
    result = {
        "inspection": inspection_id,
        "draft": {
            "sent_on": _iso(draft["sent_on"]),
            "indicative_publication": _iso(draft["indicative_publication"]),
            "shared_with_establishment": draft["shared_with_establishment"],
        }
        if draft
        else None,
        "fact_check_due": _iso(deadline.due) if deadline else None,
        "fact_check_rule": deadline.rule if deadline else None,
    }
    if access.is_establishment:
        result["points"] = [_point(p) for p in points if p["origin"] == "establishment"]
        return result
    details = await services.return_row(inspection_id)
    result["return"] = (
        {
            "returned_on": _iso(details["returned_on"]),
            "content_to_publish": {"yes": True, "no": False}.get(details["content_to_publish"]),
            "not_content_reason": details["not_content_reason"],
            "submitted": details["submitted_at"] is not None,
        }
        if details
        else None
    )
    result["points"] = [_point(p) for p in points]
    result["data_items"] = [
        {
            "id": d["id"],
            "description": d["description"],
            "source": d["source"],
            "report_section": d["report_section"],
            "notified_on": _iso(d["notified_on"]),
            "response": d["response"] or None,
            "objection_reason": d["objection_reason"],
            "consent_reference": d["consent_reference"],
            "status": services.data_status(d, deadline, today).key,
            "proceeded_at": _iso(d["proceeded_at"]),
            "version": d["version"],
        }
        for d in await services.data_items(inspection_id)
    ]
    result["photographs"] = [
        {
            "id": p["id"],
            "caption": p["caption"],
            "response": p["response"] or None,
            "status": services.photo_status(p).key,
        }
        for p in await services.photographs(inspection_id)
    ]
    ready = await services.checklist(access.inspection, today, events)
    published = services.standing(events, "published")
    result["publication"] = {
        "ready": ready.ready,
        "checklist": [{"item": i.label, "done": i.done, "detail": i.detail} for i in ready.items],
        "published_on": _iso(published["occurred_on"]) if published else None,
        "link": (published.get("detail") or {}).get("link") if published else None,
    }
    return result


@post("/inspections/{inspection_id:int}/factcheck/points", opt=PROPOSERS)
async def api_add_point(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, PROPOSE)
    body = await _body(request)
    try:
        point, errors = await services.add_point(
            inspection_id, body, by=current(request).user_id, proposal=access.is_establishment
        )
    except services.ServiceError as error:
        return _refused({"point": str(error)})
    if errors:
        return _refused({k: sentence(v) for k, v in errors.items()})
    await audit.record(
        "factcheck.point_added",
        request=request,
        object_type="accuracy_point",
        object_id=point["id"],
        detail=f"inspection={inspection_id} origin={point['origin']} via=api",
    )
    return Response(_point(point), status_code=201)


@put("/inspections/{inspection_id:int}/factcheck/return", opt=SCRUTINY_ONLY)
async def api_return(request: Request, inspection_id: FromPath[int]) -> Response:
    await load(request, inspection_id, SCRUTINY)
    body = await _body(request)
    errors: dict[str, str] = {}
    returned_on = _day(body.get("returned_on"), "returned_on", errors)
    content = body.get("content_to_publish")
    if content not in (True, False):
        errors["content_to_publish"] = (
            "Say whether HMPPS is content to publish on the indicative date (true or false)"
        )
    reason = str(body.get("not_content_reason") or "").strip()
    if content is False and not reason:
        errors["not_content_reason"] = "Enter why HMPPS is not content to publish on the indicative date"
    if errors:
        return _refused(errors)
    try:
        await services.save_return_details(
            inspection_id, returned_on, "yes" if content else "no", reason, today=today_london()
        )
        if body.get("submit"):
            await services.submit_return(inspection_id, by=current(request).user_id, today=today_london())
            await audit.record(
                "factcheck.returned",
                request=request,
                object_type="inspection",
                object_id=inspection_id,
                detail="via=api",
            )
    except services.ServiceError as error:
        return _refused({error.field or "return": str(error)})
    details = await services.return_row(inspection_id)
    return Response(
        {"submitted": details["submitted_at"] is not None, "returned_on": _iso(details["returned_on"])}
    )


@put("/inspections/{inspection_id:int}/factcheck/points/{point_id:int}/answer", opt=HMIP_EDITORS)
async def api_answer(request: Request, inspection_id: FromPath[int], point_id: FromPath[int]) -> Response:
    await load(request, inspection_id, HMIP)
    point = await services.point_row(inspection_id, point_id)
    if point is None or point["state"] != "included":
        await deny_as_not_found(request, "accuracy_point", point_id)
    body = await _body(request)
    decision = str(body.get("decision") or "")
    judgement = bool(body.get("matter_of_judgement"))
    reason = str(body.get("reason") or "").strip()
    errors = services.validate_answer(decision, judgement, reason)
    version = body.get("version", point["version"])
    if not isinstance(version, int):
        errors["version"] = "Give the point's version as a whole number"
    if errors:
        return _refused(errors)
    try:
        saved = await services.answer_point(
            inspection_id, point_id, version, decision, judgement, reason, by=current(request).user_id
        )
    except services.Conflict as conflict:
        return Response(
            {"errors": {"version": "Someone else changed this answer"}, "current": _point(conflict.current)},
            status_code=409,
        )
    except services.ServiceError as error:
        return _refused({"decision": str(error)})
    await audit.record(
        "factcheck.point_answered",
        request=request,
        object_type="accuracy_point",
        object_id=point_id,
        detail=f"inspection={inspection_id} decision={decision} via=api",
    )
    return Response(_point(saved))


@post("/inspections/{inspection_id:int}/data", opt=HMIP_EDITORS)
async def api_add_data_item(request: Request, inspection_id: FromPath[int]) -> Response:
    await load(request, inspection_id, HMIP)
    body = await _body(request)
    errors: dict[str, str] = {}
    notified = _day(body.get("notified_on"), "notified_on", errors, required=False)
    _clean, more = services.validate_data_item(body)
    errors |= more
    if errors:
        return _refused(errors)
    try:
        item = await services.add_data_item(
            inspection_id, body, notified, by=current(request).user_id, today=today_london()
        )
    except services.ServiceError as error:
        return _refused({error.field or "data": str(error)})
    await audit.record(
        "factcheck.data_item_added",
        request=request,
        object_type="data_item",
        object_id=item["id"],
        detail=f"inspection={inspection_id} via=api",
    )
    return Response({"id": item["id"]}, status_code=201)


@put("/inspections/{inspection_id:int}/data/{item_id:int}/response", opt=SCRUTINY_ONLY)
async def api_data_response(
    request: Request, inspection_id: FromPath[int], item_id: FromPath[int]
) -> Response:
    await load(request, inspection_id, SCRUTINY)
    if await services.data_item(inspection_id, item_id) is None:
        await deny_as_not_found(request, "data_item", item_id)
    body = await _body(request)
    errors: dict[str, str] = {}
    responded = _day(body.get("responded_on") or today_london().isoformat(), "responded_on", errors)
    if errors:
        return _refused(errors)
    try:
        item = await services.respond_to_data_item(
            inspection_id,
            item_id,
            str(body.get("response") or ""),
            str(body.get("objection_reason") or "").strip(),
            str(body.get("consent_reference") or "").strip(),
            responded,
            by=current(request).user_id,
            today=today_london(),
        )
    except services.ServiceError as error:
        return _refused({error.field or "response": str(error)})
    await audit.record(
        "factcheck.data_response",
        request=request,
        object_type="data_item",
        object_id=item_id,
        detail=f"inspection={inspection_id} response={item['response']} via=api",
    )
    return Response({"id": item_id, "response": item["response"]})


@post("/inspections/{inspection_id:int}/publication", opt=HMIP_EDITORS)
async def api_publication(request: Request, inspection_id: FromPath[int]) -> Response:
    access = await load(request, inspection_id, HMIP)
    body = await _body(request)
    errors: dict[str, str] = {}
    published = _day(body.get("published_on"), "published_on", errors)
    link = str(body.get("link") or "").strip()
    if not link or not (safe_href(link) and link.lower().startswith(("https://", "http://"))):
        errors["link"] = "Give the link to the published report (https://...)"
    if errors:
        return _refused(errors)
    try:
        await services.record_publication(
            access.inspection, published, link, by=current(request).user_id, today=today_london()
        )
    except services.ServiceError as error:
        return _refused({error.field or "published_on": str(error)})
    await audit.record(
        "factcheck.published",
        request=request,
        object_type="inspection",
        object_id=inspection_id,
        detail=f"on={published.isoformat()} via=api",
    )
    return Response({"published_on": published.isoformat(), "link": link}, status_code=201)


API_ROUTES = [
    api_factcheck,
    api_add_point,
    api_return,
    api_answer,
    api_add_data_item,
    api_data_response,
    api_publication,
]

__all__ = ["API_ROUTES", "TEAM"]

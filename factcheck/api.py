"""The fact check's JSON API under /api/v1: the same operations and policy as the pages.

Reads accept a session or an API token; writes need a personal API token (tracker.api).
An operation's refusal comes back as {"errors": {field: message}} with 422 (409 when the state
of the fact check refuses it), a lost update as 409 with the current values, a denial as 403
(tracker.errors).
"""

from __future__ import annotations

from datetime import date

from litestar import Request, Response, get, post, put
from litestar.params import FromPath

from factcheck import queries
from factcheck.checklist import checklist
from factcheck.operations import answers, data, photographs, points, publication, returns
from factcheck.operations.photographs import CONSENT_FIELDS
from factcheck.points import FIELDS, sentence
from factcheck.web.common import HMIP_EDITORS, PROPOSERS, READ_ALL, READERS, SCRUTINY_ONLY, actor, load
from tracker.access import current, deny_as_not_found
from tracker.clock import today_london
from tracker.operations import Conflict, Refused
from tracker.policy import can


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


def _data_item(d: dict, deadline, today: date) -> dict:
    return {
        "id": d["id"],
        "description": d["description"],
        "source": d["source"],
        "report_section": d["report_section"],
        "notified_on": _iso(d["notified_on"]),
        "response": d["response"] or None,
        "objection_reason": d["objection_reason"],
        "consent_reference": d["consent_reference"],
        "status": queries.data_status(d, deadline, today).key,
        "proceeded_at": _iso(d["proceeded_at"]),
        "published_over_objection_at": _iso(d["overridden_at"]),
        "published_over_objection_reason": d["override_reason"] or None,
        "version": d["version"],
    }


def _return(details: dict | None) -> dict | None:
    if not details:
        return None
    return {
        "returned_on": _iso(details["returned_on"]),
        "content_to_publish": {"yes": True, "no": False}.get(details["content_to_publish"]),
        "not_content_reason": details["not_content_reason"],
        "submitted": details["submitted_at"] is not None,
        "version": details["version"],
    }


@get("/inspections/{inspection_id:int}/factcheck", opt=READERS)
async def api_factcheck(request: Request, inspection_id: FromPath[int]) -> dict:
    row = await load(request, inspection_id)
    today = today_london()
    events = await queries.events_for(inspection_id)
    stones = await queries.milestones(row, today, events)
    deadline = queries.fact_check_deadline(row, stones)
    points_now = await queries.points_for(inspection_id)
    draft = row["draft"]
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
    if not can(current(request), READ_ALL, row):
        result["points"] = [_point(p) for p in points_now if p["origin"] == "establishment"]
        return result
    result["return"] = _return(await queries.return_row(inspection_id))
    result["points"] = [_point(p) for p in points_now]
    result["data_items"] = [_data_item(d, deadline, today) for d in await queries.data_items(inspection_id)]
    result["photographs"] = [
        {
            "id": p["id"],
            "caption": p["caption"],
            "identity_check": p["identity_check"],
            "consent": {f: p[f] for f in CONSENT_FIELDS} | {"withdrawn_on": _iso(p["consent_withdrawn_on"])}
            if p["identity_check"] == "consent_held"
            else None,
            "prisoner_of_interest": p["prisoner_of_interest"],
            "may_upset_victims": p["may_upset_victims"],
            "governor_consulted_on": _iso(p["governor_consulted_on"]),
            "response": p["response"] or None,
            "objection_reason": p["objection_reason"],
            "published_over_objection_at": _iso(p["overridden_at"]),
            "published_over_objection_reason": p["override_reason"] or None,
            "status": queries.photo_status(p).key,
            "version": p["version"],
        }
        for p in await queries.photographs(inspection_id)
    ]
    ready = await checklist(row, today, events)
    published = queries.standing(events, "published")
    result["publication"] = {
        "ready": ready.ready,
        "checklist": [{"item": i.label, "done": i.done, "detail": i.detail} for i in ready.items],
        "published_on": _iso(published["occurred_on"]) if published else None,
        "link": (published.get("detail") or {}).get("link") if published else None,
    }
    return result


@post("/inspections/{inspection_id:int}/factcheck/points", opt=PROPOSERS)
async def api_add_point(request: Request, inspection_id: FromPath[int]) -> Response:
    await load(request, inspection_id, "factcheck.point.add")
    point = await points.add_point(actor(request), inspection_id, await _body(request))
    return Response(_point(point), status_code=201)


@put("/inspections/{inspection_id:int}/factcheck/return", opt=SCRUTINY_ONLY)
async def api_return(request: Request, inspection_id: FromPath[int]) -> Response:
    await load(request, inspection_id, "factcheck.return.prepare")
    body = await _body(request)
    errors: dict[str, str] = {}
    returned_on = _day(body.get("returned_on"), "returned_on", errors)
    content = body.get("content_to_publish")
    if content not in (True, False):
        errors["content_to_publish"] = (
            "Say whether HMPPS is content to publish on the indicative date (true or false)"
        )
    version = body.get("version")
    if version is not None and not isinstance(version, int):
        errors["version"] = "Give the return's version as a whole number"
    if errors:
        raise Refused(errors)
    reason = str(body.get("not_content_reason") or "").strip()
    try:
        await returns.save_return_details(
            actor(request),
            inspection_id,
            returned_on,
            "yes" if content else "no",
            reason,
            today=today_london(),
            version=version,
        )
    except Refused as refused:
        raise Refused(
            {_API_FIELDS.get(k, k): v for k, v in refused.errors.items()}, state=refused.state
        ) from None
    if body.get("submit"):
        await returns.submit_return(actor(request), inspection_id, today=today_london())
    details = await queries.return_row(inspection_id)
    return Response(
        {
            "submitted": details["submitted_at"] is not None,
            "returned_on": _iso(details["returned_on"]),
            "version": details["version"],
        }
    )


_API_FIELDS = {"returned": "returned_on", "content": "content_to_publish", "responded": "responded_on"}


@put("/inspections/{inspection_id:int}/factcheck/points/{point_id:int}/answer", opt=HMIP_EDITORS)
async def api_answer(request: Request, inspection_id: FromPath[int], point_id: FromPath[int]) -> Response:
    await load(request, inspection_id, "factcheck.point.answer")
    point = await queries.point_row(inspection_id, point_id)
    if point is None or point["state"] != "included":
        await deny_as_not_found(request, "accuracy_point", point_id)
    body = await _body(request)
    version = body.get("version", point["version"])
    if not isinstance(version, int):
        raise Refused({"version": "Give the point's version as a whole number"})
    try:
        saved = await answers.answer_point(
            actor(request),
            inspection_id,
            point_id,
            version,
            str(body.get("decision") or ""),
            bool(body.get("matter_of_judgement")),
            str(body.get("reason") or "").strip(),
        )
    except Conflict as conflict:
        return Response(
            {"errors": {"version": "Someone else changed this answer"}, "current": _point(conflict.current)},
            status_code=409,
        )
    return Response(_point(saved))


@post("/inspections/{inspection_id:int}/data", opt=HMIP_EDITORS)
async def api_add_data_item(request: Request, inspection_id: FromPath[int]) -> Response:
    await load(request, inspection_id, "factcheck.data.add")
    body = await _body(request)
    errors: dict[str, str] = {}
    notified = _day(body.get("notified_on"), "notified_on", errors, required=False)
    errors |= data.data_item_problems(body)[1]
    if errors:
        raise Refused(errors)
    item = await data.add_data_item(actor(request), inspection_id, body, notified, today=today_london())
    return Response({"id": item["id"]}, status_code=201)


@put("/inspections/{inspection_id:int}/data/{item_id:int}/response", opt=SCRUTINY_ONLY)
async def api_data_response(
    request: Request, inspection_id: FromPath[int], item_id: FromPath[int]
) -> Response:
    await load(request, inspection_id, "factcheck.data.respond")
    if await queries.data_item(inspection_id, item_id) is None:
        await deny_as_not_found(request, "data_item", item_id)
    body = await _body(request)
    errors: dict[str, str] = {}
    responded = _day(body.get("responded_on") or today_london().isoformat(), "responded_on", errors)
    version = body.get("version")
    if version is not None and not isinstance(version, int):
        errors["version"] = "Give the data item's version as a whole number"
    if errors:
        raise Refused(errors)
    item = await data.respond_to_data_item(
        actor(request),
        inspection_id,
        item_id,
        str(body.get("response") or ""),
        str(body.get("objection_reason") or "").strip(),
        str(body.get("consent_reference") or "").strip(),
        responded,
        today=today_london(),
        version=version,
    )
    return Response({"id": item_id, "response": item["response"], "version": item["version"]})


@post("/inspections/{inspection_id:int}/publication", opt=HMIP_EDITORS)
async def api_publication(request: Request, inspection_id: FromPath[int]) -> Response:
    await load(request, inspection_id, "factcheck.record.published")
    body = await _body(request)
    errors: dict[str, str] = {}
    published = _day(body.get("published_on"), "published_on", errors)
    link = str(body.get("link") or "").strip()
    if errors:
        raise Refused(errors)
    try:
        await publication.record_publication(
            actor(request), inspection_id, published, link, today=today_london()
        )
    except Refused as refused:
        fields = {"published": "published_on"}
        raise Refused({fields.get(k, k): v for k, v in refused.errors.items()}, state=refused.state) from None
    return Response({"published_on": published.isoformat(), "link": link}, status_code=201)


async def _publish_over(
    request: Request, inspection_id: int, publish, what: dict | None, kind: str, id_: int
):
    if what is None:
        await deny_as_not_found(request, kind, id_)
    body = await _body(request)
    version = body.get("version")
    if version is not None and not isinstance(version, int):
        raise Refused("Give the version as a whole number", "version")
    await publish(actor(request), inspection_id, id_, str(body.get("reason") or ""), version=version)
    return Response({"id": id_, "status": "published_over"})


@post(
    "/inspections/{inspection_id:int}/data/{item_id:int}/publish-over-objection",
    opt=HMIP_EDITORS,
    status_code=200,
)
async def api_data_over_objection(
    request: Request, inspection_id: FromPath[int], item_id: FromPath[int]
) -> Response:
    """HMIP publishes over HMPPS's objection to non-Hub data (MoU ¶31), with its reason."""
    await load(request, inspection_id, "factcheck.data.override")
    item = await queries.data_item(inspection_id, item_id)
    return await _publish_over(
        request, inspection_id, data.publish_over_objection, item, "data_item", item_id
    )


@post(
    "/inspections/{inspection_id:int}/photographs/{photo_id:int}/publish-over-objection",
    opt=HMIP_EDITORS,
    status_code=200,
)
async def api_photo_over_objection(
    request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]
) -> Response:
    """HMIP publishes over HMPPS's objection to a photograph (MoU ¶31), with its reason."""
    await load(request, inspection_id, "factcheck.photo.override")
    photo = await queries.photograph(inspection_id, photo_id)
    return await _publish_over(
        request, inspection_id, photographs.publish_over_objection, photo, "photograph", photo_id
    )


API_ROUTES = [
    api_data_over_objection,
    api_photo_over_objection,
    api_factcheck,
    api_add_point,
    api_return,
    api_answer,
    api_add_data_item,
    api_data_response,
    api_publication,
]

__all__ = ["API_ROUTES"]

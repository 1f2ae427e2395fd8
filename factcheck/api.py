"""The fact check's JSON API under /api/v1: the same operations and policy as the pages.

Reads accept a session or an API token; writes need a personal API token (tracker.api).
An operation's refusal comes back as {"errors": {field: message}} with 422 (409 when the state
of the fact check refuses it), a lost update as 409 with the current values, a denial as 403
(tracker.errors).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec
from litestar import Request, Response, get, post, put
from litestar.params import FromPath

from factcheck import queries
from factcheck.checklist import checklist
from factcheck.operations import answers, photographs, points, publication, returns
from factcheck.operations import data as data_items
from factcheck.operations.photographs import CONSENT_FIELDS
from factcheck.points import CATEGORIES, DECISIONS, FIELDS, MAX_LENGTHS, sentence
from factcheck.queries import DATA_SOURCES
from factcheck.web.common import HMIP_EDITORS, PROPOSERS, READ_ALL, READERS, SCRUTINY_ONLY, actor, load
from tracker.access import MAX_ID, current, deny_as_not_found
from tracker.api import json_object
from tracker.clock import today_london
from tracker.forms import MAX_YEAR, MIN_YEAR
from tracker.operations import Conflict, Refused
from tracker.policy import can
from tracker.query import in_service_years, version_or_none_such

Version = Annotated[int, msgspec.Meta(ge=0, le=MAX_ID)]
Text = Annotated[str, msgspec.Meta(max_length=5000)]


class NewPoint(msgspec.Struct):
    """An accuracy point (from the establishment: a proposal the Scrutiny Team takes in or not)."""

    location: Annotated[str, msgspec.Meta(max_length=MAX_LENGTHS["location"])]
    category: Literal[tuple(CATEGORIES)]
    proposed_correction: Text
    current_text: Text = ""
    evidence: Text = ""


class ReturnDetails(msgspec.Struct):
    """The fact-check return's details; `submit` sends the return to HMIP as well."""

    returned_on: date
    content_to_publish: bool
    not_content_reason: Text = ""
    version: Version | None = None
    submit: bool = False


class PointAnswer(msgspec.Struct):
    """HMIP's answer to an included accuracy point."""

    decision: Literal[tuple(DECISIONS)]
    version: Version | None = None
    matter_of_judgement: bool = False
    reason: Text = ""


class NewDataItem(msgspec.Struct):
    """Unpublished data the report uses, for HMPPS to consent to or object to."""

    description: Annotated[str, msgspec.Meta(max_length=2000)]
    source: Literal[tuple(DATA_SOURCES)]
    report_section: Annotated[str, msgspec.Meta(max_length=200)]
    notified_on: date | None = None


class DataResponse(msgspec.Struct):
    """HMPPS's consent to, or objection to, the use of a data item."""

    response: Literal["consent", "objection"]
    responded_on: date | None = None
    objection_reason: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    consent_reference: Annotated[str, msgspec.Meta(max_length=100)] = ""
    version: Version | None = None


class PublishOverObjection(msgspec.Struct):
    """HMIP's decision to publish over HMPPS's objection (MoU ¶31), with its reason."""

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    version: Version | None = None


class Publication(msgspec.Struct):
    """The report's publication: the day and the link to it."""

    published_on: date
    link: str = ""


def _day(value, name: str, errors: dict, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            errors[name] = f"Enter {name.replace('_', ' ')} (YYYY-MM-DD)"
        return None
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        errors[name] = f"{sentence(name.replace('_', ' '))} must be a real date (YYYY-MM-DD)"
        return None
    if not in_service_years(day):
        errors[name] = f"{sentence(name.replace('_', ' '))} must be between {MIN_YEAR} and {MAX_YEAR}"
        return None
    return day


def _version(body: dict, errors: dict, message: str, *, default: int | None = None) -> int | None:
    """The version the caller read (K5): one no row could have is a conflict, never a 500."""
    version = body.get("version", default)
    if version is None:
        return None
    if isinstance(version, bool) or not isinstance(version, int):
        errors["version"] = message
        return None
    return version_or_none_such(version)


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
async def api_add_point(
    request: Request, inspection_id: FromPath[int], data: json_object(NewPoint)
) -> Response:
    await load(request, inspection_id, "factcheck.point.add")
    point = await points.add_point(actor(request), inspection_id, data)
    return Response(_point(point), status_code=201)


@put("/inspections/{inspection_id:int}/factcheck/return", opt=SCRUTINY_ONLY)
async def api_return(
    request: Request, inspection_id: FromPath[int], data: json_object(ReturnDetails)
) -> Response:
    await load(request, inspection_id, "factcheck.return.prepare")
    errors: dict[str, str] = {}
    returned_on = _day(data.get("returned_on"), "returned_on", errors)
    content = data.get("content_to_publish")
    if content not in (True, False):
        errors["content_to_publish"] = (
            "Say whether HMPPS is content to publish on the indicative date (true or false)"
        )
    version = _version(data, errors, "Give the return's version as a whole number")
    if errors:
        raise Refused(errors)
    reason = str(data.get("not_content_reason") or "").strip()
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
    if data.get("submit"):
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
async def api_answer(
    request: Request, inspection_id: FromPath[int], point_id: FromPath[int], data: json_object(PointAnswer)
) -> Response:
    await load(request, inspection_id, "factcheck.point.answer")
    point = await queries.point_row(inspection_id, point_id)
    if point is None or point["state"] != "included":
        await deny_as_not_found(request, "accuracy_point", point_id)
    errors: dict[str, str] = {}
    version = _version(data, errors, "Give the point's version as a whole number", default=point["version"])
    if errors or version is None:
        raise Refused(errors or {"version": "Give the point's version as a whole number"})
    try:
        saved = await answers.answer_point(
            actor(request),
            inspection_id,
            point_id,
            version,
            str(data.get("decision") or ""),
            bool(data.get("matter_of_judgement")),
            str(data.get("reason") or "").strip(),
        )
    except Conflict as conflict:
        return Response(
            {"errors": {"version": "Someone else changed this answer"}, "current": _point(conflict.current)},
            status_code=409,
        )
    return Response(_point(saved))


@post("/inspections/{inspection_id:int}/data", opt=HMIP_EDITORS)
async def api_add_data_item(
    request: Request, inspection_id: FromPath[int], data: json_object(NewDataItem)
) -> Response:
    await load(request, inspection_id, "factcheck.data.add")
    errors: dict[str, str] = {}
    notified = _day(data.get("notified_on"), "notified_on", errors, required=False)
    errors |= data_items.data_item_problems(data)[1]
    if errors:
        raise Refused(errors)
    item = await data_items.add_data_item(actor(request), inspection_id, data, notified, today=today_london())
    return Response({"id": item["id"]}, status_code=201)


@put("/inspections/{inspection_id:int}/data/{item_id:int}/response", opt=SCRUTINY_ONLY)
async def api_data_response(
    request: Request, inspection_id: FromPath[int], item_id: FromPath[int], data: json_object(DataResponse)
) -> Response:
    await load(request, inspection_id, "factcheck.data.respond")
    if await queries.data_item(inspection_id, item_id) is None:
        await deny_as_not_found(request, "data_item", item_id)
    errors: dict[str, str] = {}
    responded = _day(data.get("responded_on") or today_london().isoformat(), "responded_on", errors)
    version = _version(data, errors, "Give the data item's version as a whole number")
    if errors:
        raise Refused(errors)
    item = await data_items.respond_to_data_item(
        actor(request),
        inspection_id,
        item_id,
        str(data.get("response") or ""),
        str(data.get("objection_reason") or "").strip(),
        str(data.get("consent_reference") or "").strip(),
        responded,
        today=today_london(),
        version=version,
    )
    return Response({"id": item_id, "response": item["response"], "version": item["version"]})


@post("/inspections/{inspection_id:int}/publication", opt=HMIP_EDITORS)
async def api_publication(
    request: Request, inspection_id: FromPath[int], data: json_object(Publication)
) -> Response:
    await load(request, inspection_id, "factcheck.record.published")
    errors: dict[str, str] = {}
    published = _day(data.get("published_on"), "published_on", errors)
    link = str(data.get("link") or "").strip()
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
    request: Request, inspection_id: int, publish, what: dict | None, kind: str, id_: int, body: dict
):
    if what is None:
        await deny_as_not_found(request, kind, id_)
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
    request: Request,
    inspection_id: FromPath[int],
    item_id: FromPath[int],
    data: json_object(PublishOverObjection),
) -> Response:
    """HMIP publishes over HMPPS's objection to non-Hub data (MoU ¶31), with its reason."""
    await load(request, inspection_id, "factcheck.data.override")
    item = await queries.data_item(inspection_id, item_id)
    return await _publish_over(
        request, inspection_id, data_items.publish_over_objection, item, "data_item", item_id, data
    )


@post(
    "/inspections/{inspection_id:int}/photographs/{photo_id:int}/publish-over-objection",
    opt=HMIP_EDITORS,
    status_code=200,
)
async def api_photo_over_objection(
    request: Request,
    inspection_id: FromPath[int],
    photo_id: FromPath[int],
    data: json_object(PublishOverObjection),
) -> Response:
    """HMIP publishes over HMPPS's objection to a photograph (MoU ¶31), with its reason."""
    await load(request, inspection_id, "factcheck.photo.override")
    photo = await queries.photograph(inspection_id, photo_id)
    return await _publish_over(
        request, inspection_id, photographs.publish_over_objection, photo, "photograph", photo_id, data
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

"""JSON API (mounted under /api/v1): the same policy and operations as the pages.

The debrief note never appears here.
"""

from __future__ import annotations

from datetime import date, datetime

from litestar import Request, Response, get, post
from litestar.params import FromPath

from inspections.operations.extensions import ExtensionInput, extend_deadline, milestone_of
from inspections.operations.facts import FactInput, record_fact
from inspections.operations.inspections import InspectionInput, create_inspection, inspection_problems
from inspections.permissions import LEADERS, READERS, load_inspection, scoped
from inspections.queries import events_with_names, late_notice, stored_milestones
from inspections.tables import Establishment, Inspection, InspectionTeamMember
from timelines.core.engine import is_closed, to_json
from timelines.core.offsets import as_london
from timelines.store import current_calendar, milestones_for
from tracker.access import current, signed_in
from tracker.clock import today_london
from tracker.operations import Actor, Refused
from tracker.roles import Role
from tracker.settings import load_settings

MILESTONE_FIELDS = (
    "key", "label", "due", "original_due", "status", "owner", "rule", "source", "working_days", "done_on",
    "note",
)


def bad_request(message: str, errors: dict | None = None) -> Response:
    return Response({"status_code": 400, "detail": message, "errors": errors or {}}, status_code=400)


def _iso(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _establishment_json(row: dict) -> dict:
    keys = ("id", "name", "code", "kind", "cohort", "operator", "prison_group", "region", "active")
    data = {k: row[k] for k in keys}
    data["operational_on"] = _iso(row["operational_on"])
    data["hmpps_notified_on"] = _iso(row["hmpps_notified_on"])
    data["late_notice"] = late_notice(row)
    return data


def _inspection_json(row: dict) -> dict:
    return {
        "id": row["id"],
        "establishment_id": row["establishment"],
        "establishment": row.get("establishment_name", ""),
        "kind": row["kind"],
        "title": row["title"],
        "start_date": _iso(row["start_date"]),
        "end_date": _iso(row["end_date"]),
        "announced": row["announced"],
        "announced_on": _iso(row.get("announced_on")),
        "team_leader_id": row["team_leader"],
        "follows": row.get("follows"),
        "urgent_notification": row["urgent_notification"],
        "closed": row["closed"],
        "partner_inspectorates": [p for p in (row.get("partner_inspectorates") or "").split(",") if p],
        "inspector_count": row.get("inspector_count"),
        "days_on_site": row.get("days_on_site"),
    }


@get("/establishments", opt=signed_in())
async def api_establishments(request: Request) -> list[dict]:
    rows = await scoped(
        Establishment.select().order_by(Establishment.name), current(request), Establishment.id
    )
    return [_establishment_json(r) for r in rows]


@get("/inspections", opt=READERS)
async def api_inspections(request: Request) -> list[dict]:
    principal = current(request)
    query = Inspection.select(
        *Inspection.all_columns(exclude=[Inspection.stage_overrides]),
        Inspection.establishment.name.as_alias("establishment_name"),
    ).order_by(Inspection.start_date, ascending=False)
    query = scoped(query, principal, Inspection.establishment)
    if principal.has(Role.HMIP_INSPECTOR) and not principal.has(
        Role.HMIP_MANAGER, Role.HMIP_TEAM_LEADER, Role.HMPPS_SCRUTINY, Role.HMPPS_MANAGER, Role.ESTABLISHMENT
    ):
        on_team = InspectionTeamMember.select(InspectionTeamMember.inspection).where(
            InspectionTeamMember.user == principal.user_id
        )
        query = query.where((Inspection.team_leader == principal.user_id) | Inspection.id.is_in(on_team))
    return [_inspection_json(r) for r in await query]


@get("/inspections/{inspection_id:int}", opt=READERS)
async def api_inspection(request: Request, inspection_id: FromPath[int]) -> dict:
    row = await load_inspection(request, inspection_id)
    data = _inspection_json(row)
    data["milestones"] = [
        {
            k: _iso(v)
            for k, v in m.items()
            if k in MILESTONE_FIELDS
        }
        for m in await stored_milestones(inspection_id)
    ]
    return data


@get("/inspections/{inspection_id:int}/timeline", opt=READERS)
async def api_timeline(request: Request, inspection_id: FromPath[int]) -> dict:
    row = await load_inspection(request, inspection_id)
    events = await events_with_names(inspection_id)
    milestones = milestones_for(
        row,
        events,
        today=today_london(),
        calendar=await current_calendar(),
        sos_anchor=load_settings().sos_receipt_fact,
    )
    return {
        "inspection_id": inspection_id,
        "day0": row["end_date"].isoformat(),
        "closed": is_closed(milestones),
        "milestones": [to_json(m) for m in milestones],
    }


def _date(payload: dict, key: str, errors: dict, *, required: bool = True) -> date | None:
    value = payload.get(key)
    if value in (None, ""):
        if required:
            errors[key] = f"{key} is required (YYYY-MM-DD)"
        return None
    if not isinstance(value, str):
        errors[key] = f"{key} must be a date string YYYY-MM-DD"
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[key] = f"{key} must be a real date in the form YYYY-MM-DD"
        return None


async def _payload(request: Request) -> dict | None:
    try:
        payload = await request.json()
    except Exception:  # noqa: BLE001 - any malformed body is a 400
        return None
    return payload if isinstance(payload, dict) else None


def _int(payload: dict, key: str, errors: dict, *, required: bool = False) -> int | None:
    value = payload.get(key)
    if value is None:
        if required:
            errors[key] = f"{key} is required"
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[key] = f"{key} must be a whole number"
        return None
    return value


def _half_days(payload: dict, key: str, errors: dict) -> float | None:
    value = payload.get(key)
    if value is None:
        return None
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or not 0.5 <= value <= 21 or value * 2 % 1:
        errors[key] = f"{key} must be a number of whole or half days, like 2.5"
        return None
    return float(value)


def _int_list(payload: dict, key: str, errors: dict) -> list[int]:
    value = payload.get(key, [])
    if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
        errors[key] = f"{key} must be a list of whole numbers"
        return []
    return value


@post("/inspections", opt=LEADERS, status_code=201)
async def api_create_inspection(request: Request) -> Response:
    principal = current(request)
    payload = await _payload(request)
    if payload is None:
        return bad_request("The body must be a JSON object")
    errors: dict[str, str] = {}
    data = InspectionInput(
        establishment_id=_int(payload, "establishment_id", errors, required=True),
        kind=str(payload.get("kind", "")),
        title=str(payload.get("title", ""))[:300],
        start_date=_date(payload, "start_date", errors),
        end_date=_date(payload, "end_date", errors),
        announced=bool(payload.get("announced", False)),
        announced_on=_date(payload, "announced_on", errors, required=False),
        team_leader_id=_int(payload, "team_leader_id", errors)
        or (principal.user_id if principal.has(Role.HMIP_TEAM_LEADER) else None),
        team_ids=_int_list(payload, "team_ids", errors),
        partners=[str(p) for p in payload.get("partner_inspectorates", []) if isinstance(p, str)],
        coordinator=str(payload.get("coordinator", ""))[:200],
        liaison_officer=str(payload.get("liaison_officer", ""))[:200],
        follows_id=_int(payload, "follows", errors),
        visited_ids=_int_list(payload, "visited_establishment_ids", errors),
        stage_overrides={str(k): str(v)[:60] for k, v in (payload.get("stage_overrides") or {}).items()}
        if isinstance(payload.get("stage_overrides"), dict)
        else {},
        inspector_count=_int(payload, "inspector_count", errors),
        days_on_site=_half_days(payload, "days_on_site", errors),
    )
    if errors:
        raise Refused(errors)
    actor = Actor(principal, request)
    problems, warnings = await inspection_problems(actor, data, today=today_london())
    if problems:
        raise Refused(problems)
    new_id = await create_inspection(actor, data, today=today_london())
    return Response({"id": new_id, "warnings": warnings, "href": f"/inspections/{new_id}"}, status_code=201)


def _timestamp(payload: dict, key: str, errors: dict) -> datetime | None:
    value = payload.get(key)
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        errors[key] = f"{key} must be a date and time with its offset, like 2025-03-18T10:00:00+00:00"
        return None
    return moment


def _yes_no(payload: dict, key: str, errors: dict) -> str:
    value = payload.get(key)
    if value is None:
        return ""
    if not isinstance(value, bool):
        errors[key] = f"{key} must be true or false"
        return ""
    return "yes" if value else "no"


def _text(payload: dict, key: str, errors: dict) -> str:
    value = payload.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[key] = f"{key} must be text"
        return ""
    return value


@post("/inspections/{inspection_id:int}/events", opt=READERS, status_code=201)
async def api_record_event(request: Request, inspection_id: FromPath[int]) -> Response:
    """Record any fact (or, with `corrects` and `reason`, correct one) through the same operation
    as the pages: 422 bad input, 409 a history that cannot have happened, 403 not theirs."""
    await load_inspection(request, inspection_id)
    payload = await _payload(request)
    if payload is None:
        return bad_request("The body must be a JSON object")
    errors: dict[str, str] = {}
    kind = payload.get("kind")
    data = FactInput(
        kind=kind if isinstance(kind, str) else "",
        occurred_on=_date(payload, "occurred_on", errors),
        occurred_at=_timestamp(payload, "occurred_at", errors),
        note=_text(payload, "note", errors),
        link=_text(payload, "link", errors),
        corrects=_int(payload, "corrects", errors),
        reason=_text(payload, "reason", errors),
        content_to_publish=_yes_no(payload, "content_to_publish", errors),
    )
    if data.occurred_at and data.occurred_on and as_london(data.occurred_at).date() != data.occurred_on:
        errors["occurred_at"] = "occurred_at must fall on occurred_on (Europe/London)"
    if errors:
        raise Refused(errors)
    event_id = await record_fact(Actor(current(request), request), inspection_id, data)
    body = {"id": event_id, "kind": data.kind, "occurred_on": data.occurred_on.isoformat()}
    return Response(body, status_code=201)


@post("/inspections/{inspection_id:int}/extensions", opt=READERS, status_code=201)
async def api_extend_deadline(request: Request, inspection_id: FromPath[int]) -> Response:
    """Record an agreed extension through the same operation as the page: `key`, `new_due`,
    `reason`, `agreed_by`. 422 bad input, 409 a milestone that is not open, 403 not theirs."""
    await load_inspection(request, inspection_id)
    payload = await _payload(request)
    if payload is None:
        return bad_request("The body must be a JSON object")
    errors: dict[str, str] = {}
    data = ExtensionInput(
        key=_text(payload, "key", errors),
        new_due=_date(payload, "new_due", errors),
        reason=_text(payload, "reason", errors),
        agreed_by=_text(payload, "agreed_by", errors),
    )
    if errors:
        raise Refused(errors)
    actor = Actor(current(request), request)
    event_id = await extend_deadline(actor, inspection_id, data, today=today_london())
    stored = await milestone_of(inspection_id, data.key)
    body = {"id": event_id, "key": data.key, "due": _iso(stored["due"])}
    body["original_due"] = _iso(stored["original_due"])
    return Response(body, status_code=201)


API_ROUTES = [
    api_establishments,
    api_inspections,
    api_create_inspection,
    api_inspection,
    api_timeline,
    api_record_event,
    api_extend_deadline,
]

"""JSON API (mounted under /api/v1): the same policy and operations as the pages.

The debrief note never appears here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath

from inspections.constants import INSPECTION_KINDS
from inspections.operations.extensions import ExtensionInput, extend_deadline, milestone_of
from inspections.operations.facts import FactInput, record_fact
from inspections.operations.inspections import InspectionInput, create_inspection, inspection_problems
from inspections.permissions import LEADERS, READERS, load_inspection, scoped
from inspections.queries import events_with_names, late_notice, stored_milestones
from inspections.tables import Establishment, Inspection, InspectionTeamMember
from timelines.core.engine import is_closed, to_json
from timelines.core.offsets import as_london
from timelines.core.workflow import STEP
from timelines.store import current_calendar, milestones_for
from tracker.access import MAX_ID, current, signed_in
from tracker.api import json_object
from tracker.clock import today_london
from tracker.forms import MAX_YEAR, MIN_YEAR
from tracker.operations import Actor, Refused
from tracker.query import id_or_no_row, in_service_years
from tracker.roles import Role
from tracker.settings import load_settings

MILESTONE_FIELDS = (
    "key", "label", "due", "original_due", "status", "owner", "rule", "source", "working_days", "done_on",
    "note",
)


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
        day = date.fromisoformat(value)
    except ValueError:
        errors[key] = f"{key} must be a real date in the form YYYY-MM-DD"
        return None
    if not in_service_years(day):
        errors[key] = f"{key} must be a date between {MIN_YEAR} and {MAX_YEAR}"
        return None
    return day


def _int(payload: dict, key: str, errors: dict, *, required: bool = False) -> int | None:
    value = payload.get(key)
    if value is None:
        if required:
            errors[key] = f"{key} is required"
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[key] = f"{key} must be a whole number"
        return None
    return id_or_no_row(value)


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
    return [id_or_no_row(v) for v in value]


def _text_list(payload: dict, key: str, errors: dict) -> list[str]:
    value = payload.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[key] = f"{key} must be a list of names"
        return []
    return value


Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


class NewInspection(msgspec.Struct):
    """A new inspection: the same checks as the page's form; 422 names every problem at once."""

    establishment_id: Id
    kind: Literal[tuple(INSPECTION_KINDS)]
    start_date: date
    end_date: date
    title: Annotated[str, msgspec.Meta(max_length=300)] = ""
    announced: bool = False
    announced_on: date | None = None
    team_leader_id: Id | None = None
    team_ids: list[Id] = []
    partner_inspectorates: list[str] = []
    coordinator: Annotated[str, msgspec.Meta(max_length=200)] = ""
    liaison_officer: Annotated[str, msgspec.Meta(max_length=200)] = ""
    follows: Id | None = None
    visited_establishment_ids: list[Id] = []
    stage_overrides: dict[str, Annotated[str, msgspec.Meta(max_length=60)]] = {}
    inspector_count: Annotated[int, msgspec.Meta(ge=1)] | None = None
    days_on_site: Annotated[float, msgspec.Meta(ge=0.5, le=21, multiple_of=0.5)] | None = None


class NewFact(msgspec.Struct):
    """A fact that happened (or, with `corrects` and `reason`, the correction of one)."""

    kind: Literal[tuple(STEP)]
    occurred_on: date
    occurred_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None
    note: str = ""
    link: str = ""
    corrects: Id | None = None
    reason: str = ""
    content_to_publish: bool | None = None


class NewExtension(msgspec.Struct):
    """An agreed extension of an open milestone's deadline."""

    key: str
    new_due: date
    reason: str
    agreed_by: str


@post("/inspections", opt=LEADERS, status_code=201)
async def api_create_inspection(request: Request, data: json_object(NewInspection)) -> Response:
    principal = current(request)
    errors: dict[str, str] = {}
    values = InspectionInput(
        establishment_id=_int(data, "establishment_id", errors, required=True),
        kind=str(data.get("kind", "")),
        title=str(data.get("title", ""))[:300],
        start_date=_date(data, "start_date", errors),
        end_date=_date(data, "end_date", errors),
        announced=bool(data.get("announced", False)),
        announced_on=_date(data, "announced_on", errors, required=False),
        team_leader_id=_int(data, "team_leader_id", errors)
        or (principal.user_id if principal.has(Role.HMIP_TEAM_LEADER) else None),
        team_ids=_int_list(data, "team_ids", errors),
        partners=_text_list(data, "partner_inspectorates", errors),
        coordinator=str(data.get("coordinator", ""))[:200],
        liaison_officer=str(data.get("liaison_officer", ""))[:200],
        follows_id=_int(data, "follows", errors),
        visited_ids=_int_list(data, "visited_establishment_ids", errors),
        stage_overrides={str(k): str(v)[:60] for k, v in (data.get("stage_overrides") or {}).items()}
        if isinstance(data.get("stage_overrides"), dict)
        else {},
        inspector_count=_int(data, "inspector_count", errors),
        days_on_site=_half_days(data, "days_on_site", errors),
    )
    if errors:
        raise Refused(errors)
    actor = Actor(principal, request)
    problems, warnings = await inspection_problems(actor, values, today=today_london())
    if problems:
        raise Refused(problems)
    new_id = await create_inspection(actor, values, today=today_london())
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
    if not (MIN_YEAR < moment.year < MAX_YEAR):  # a day's margin for the offset to London
        errors[key] = f"{key} must be a date and time between {MIN_YEAR} and {MAX_YEAR}"
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
async def api_record_event(
    request: Request, inspection_id: FromPath[int], data: json_object(NewFact)
) -> Response:
    """Record any fact (or, with `corrects` and `reason`, correct one) through the same operation
    as the pages: 422 bad input, 409 a history that cannot have happened, 403 not theirs."""
    await load_inspection(request, inspection_id)
    errors: dict[str, str] = {}
    kind = data.get("kind")
    fact = FactInput(
        kind=kind if isinstance(kind, str) else "",
        occurred_on=_date(data, "occurred_on", errors),
        occurred_at=_timestamp(data, "occurred_at", errors),
        note=_text(data, "note", errors),
        link=_text(data, "link", errors),
        corrects=_int(data, "corrects", errors),
        reason=_text(data, "reason", errors),
        content_to_publish=_yes_no(data, "content_to_publish", errors),
    )
    if fact.occurred_at and fact.occurred_on and as_london(fact.occurred_at).date() != fact.occurred_on:
        errors["occurred_at"] = "occurred_at must fall on occurred_on (Europe/London)"
    if errors:
        raise Refused(errors)
    event_id = await record_fact(Actor(current(request), request), inspection_id, fact)
    body = {"id": event_id, "kind": fact.kind, "occurred_on": fact.occurred_on.isoformat()}
    return Response(body, status_code=201)


@post("/inspections/{inspection_id:int}/extensions", opt=READERS, status_code=201)
async def api_extend_deadline(
    request: Request, inspection_id: FromPath[int], data: json_object(NewExtension)
) -> Response:
    """Record an agreed extension through the same operation as the page: `key`, `new_due`,
    `reason`, `agreed_by`. 422 bad input, 409 a milestone that is not open, 403 not theirs."""
    await load_inspection(request, inspection_id)
    errors: dict[str, str] = {}
    extension = ExtensionInput(
        key=_text(data, "key", errors),
        new_due=_date(data, "new_due", errors),
        reason=_text(data, "reason", errors),
        agreed_by=_text(data, "agreed_by", errors),
    )
    if errors:
        raise Refused(errors)
    actor = Actor(current(request), request)
    event_id = await extend_deadline(actor, inspection_id, extension, today=today_london())
    stored = await milestone_of(inspection_id, extension.key)
    body = {"id": event_id, "key": extension.key, "due": _iso(stored["due"])}
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

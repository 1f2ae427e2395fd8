"""Inspections of every kind: check, create, change, and raise an urgent notification."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from inspections.constants import (
    INSPECTION_KINDS,
    PARTNERS,
    STC_PARTNERS,
)
from inspections.events import record_event, workflow_inspection
from inspections.permissions import inspection_row
from inspections.queries import THEMATIC_STAGE_KEYS, hmip_staff, irp_window, team_leaders
from inspections.tables import (
    Establishment,
    Inspection,
    InspectionEstablishment,
    InspectionEvent,
    InspectionTeamMember,
)
from timelines.core.offsets import add_months
from timelines.core.rules import (
    THEMATIC,
    irp_visit_warnings,
    rule,
    with_override,
)
from timelines.core.workflow import UN_RAISED, check_history, standing_facts
from timelines.store import current_calendar, refresh_inspection
from tracker import policy
from tracker.access import establishment_scope
from tracker.clock import now_utc
from tracker.operations import Actor, Conflict, Refused, change

MAX_FIELDWORK_DAYS = {"full": 56, "irp": 21, "thematic": 366}



EARLIEST_YEARS_AGO = 10



LATEST_YEARS_AHEAD = 5



@dataclass
class InspectionInput:
    establishment_id: int | None = None
    kind: str = ""
    title: str = ""
    start_date: date | None = None
    end_date: date | None = None
    announced: bool = False
    announced_on: date | None = None
    team_leader_id: int | None = None
    team_ids: list[int] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    coordinator: str = ""
    liaison_officer: str = ""
    follows_id: int | None = None
    visited_ids: list[int] = field(default_factory=list)
    stage_overrides: dict[str, str] = field(default_factory=dict)
    inspector_count: int | None = None
    days_on_site: float | None = None



async def check_inspection(
    data: InspectionInput,
    *,
    today: date,
    scope: frozenset[int] | None,
    errors: dict[str, str],
    inspection_id=None,
) -> list[str]:
    """Checks an inspection's values; adds errors and returns warnings (allowed, but said)."""
    warnings: list[str] = []
    establishment = None
    if data.establishment_id is not None:
        establishment = await Establishment.select().where(Establishment.id == data.establishment_id).first()
        if establishment is None or (scope is not None and establishment["id"] not in scope):
            errors.setdefault("establishment", "Select the establishment")
            establishment = None
        elif not establishment["active"] and inspection_id is None:
            errors.setdefault("establishment", f"{establishment['name']} is no longer active: select another")
    elif "establishment" not in errors:
        errors["establishment"] = "Select the establishment"
    if data.kind not in INSPECTION_KINDS and "kind" not in errors:
        errors["kind"] = "Select the kind of inspection"
    if data.kind == "thematic" and not data.title and "title" not in errors:
        errors["title"] = "Enter the title of the thematic review"
    start, end = data.start_date, data.end_date
    if start and end:
        if end < start:
            errors.setdefault("end_date", "The last day must be the same as or after the first day")
        elif (end - start).days > MAX_FIELDWORK_DAYS.get(data.kind, 366):
            limit = MAX_FIELDWORK_DAYS.get(data.kind, 366)
            errors.setdefault("end_date", f"The last day must be within {limit} days of the first day")
    for name, value in (("start_date", start), ("end_date", end)):
        if value and not (
            add_months(today, -12 * EARLIEST_YEARS_AGO) <= value <= add_months(today, 12 * LATEST_YEARS_AHEAD)
        ):
            errors.setdefault(
                name,
                f"The date must be within {EARLIEST_YEARS_AGO} years before "
                f"and {LATEST_YEARS_AHEAD} years after today",
            )
    if data.announced:
        if data.announced_on is None:
            errors.setdefault("announced_on", "Enter the date the establishment was told of the inspection")
        elif start and data.announced_on > start:
            errors.setdefault(
                "announced_on", "The date the establishment was told must be before the first day"
            )
    unknown_partners = set(data.partners) - set(PARTNERS)
    if unknown_partners:
        errors.setdefault("partners", "Select partner inspectorates from the list")
    if data.team_leader_id is not None:
        leaders = {r["id"] for r in await team_leaders()}
        if data.team_leader_id not in leaders:
            errors.setdefault("team_leader", "Select the team leader")
    else:
        errors.setdefault("team_leader", "Select the team leader")
    staff = {r["id"] for r in await hmip_staff()}
    if set(data.team_ids) - staff:
        errors.setdefault("team", "Select team members from the list")
    if data.kind == "irp":
        await _check_irp(data, establishment, errors, warnings)
        warnings.extend(irp_warnings(data.announced, data.inspector_count, data.days_on_site, start, end))
    if data.kind == "thematic":
        for key, text in data.stage_overrides.items():
            if key not in THEMATIC_STAGE_KEYS:
                errors.setdefault(f"stage_{key}", "Unknown stage")
                continue
            try:
                with_override(rule(THEMATIC, key), text)
            except ValueError:
                errors.setdefault(
                    f"stage_{key}",
                    "Enter a duration like \u201c40 working days\u201d, \u201c8 weeks\u201d, "
                    "\u201c3 months\u201d, or \u201cnot applicable\u201d",
                )
        if data.visited_ids:
            found = await Establishment.select(Establishment.id).where(
                Establishment.id.is_in(data.visited_ids)
            )
            if len(found) != len(set(data.visited_ids)):
                errors.setdefault("visited", "Select establishments from the list")
    if establishment and establishment["kind"] == "stc" and data.kind != "thematic":
        for partner in STC_PARTNERS:
            if partner not in data.partners:
                data.partners.append(partner)
    return warnings



def irp_warnings(
    announced: bool, inspectors: int | None, days_on_site: float | None, start: date | None, end: date | None
) -> list[str]:
    """¶49's warnings for an IRP; its days on site, when not given, counted from its dates."""
    if days_on_site is None and start and end and end >= start:
        days_on_site = (end - start).days + 1
    return irp_visit_warnings(announced=announced, inspectors=inspectors, days_on_site=days_on_site)


async def _check_irp(data: InspectionInput, establishment, errors, warnings) -> None:
    if data.follows_id is None:
        errors.setdefault("follows", "Select the full inspection this review follows")
        return
    full = await Inspection.select().where(Inspection.id == data.follows_id).first()
    if (
        full is None
        or full["kind"] != "full"
        or (establishment is not None and full["establishment"] != establishment["id"])
    ):
        errors.setdefault(
            "follows",
            "An independent review of progress must follow a full inspection of the same establishment",
        )
        return
    if data.start_date and data.start_date <= full["end_date"]:
        errors.setdefault("start_date", "The review must start after the full inspection it follows ended")
        return
    if data.start_date:
        opens, closes = irp_window(full["end_date"], await current_calendar())
        if not opens <= data.start_date <= closes:
            warnings.append(
                "This review is outside the 8 to 12 month window after the full inspection "
                f"({opens.day} {opens:%B %Y} to {closes.day} {closes:%B %Y}, MoU \u00b648)"
            )



async def inspection_problems(
    actor: Actor, data: InspectionInput, *, today: date, inspection_id: int | None = None
) -> tuple[dict[str, str], list[str]]:
    """Every error in the input (field → message) and the warnings (allowed, but said)."""
    errors: dict[str, str] = {}
    principal = actor.principal
    scope = establishment_scope(principal) if principal else None
    warnings = await check_inspection(
        data, today=today, scope=scope, errors=errors, inspection_id=inspection_id
    )
    leads_own_only = principal and not policy.can(principal, "inspection.lead_anyones")
    if leads_own_only and data.team_leader_id != actor.user_id:
        errors.setdefault(
            "team_leader",
            "Select yourself as team leader: only an HMIP manager can create another's inspection",
        )
    return errors, warnings


async def create_inspection(actor: Actor, data: InspectionInput, *, today: date) -> int:
    """Insert the inspection, its team and visits, store its milestones and audit it, in one
    transaction. The same form sent twice (a double click, a resend after a slow answer) makes one
    inspection: an identical one created in the last two minutes is returned instead (F4)."""
    if actor.principal is not None:
        policy.require(actor.principal, "inspection.create")
    errors, _ = await inspection_problems(actor, data, today=today)
    if errors:
        raise Refused(errors)
    detail = f"kind={data.kind} establishment={data.establishment_id}"
    async with change(actor, "inspection.create", object_type="inspection", detail=detail) as entry:
        twin = await _recent_twin(data)
        if twin:
            entry.object_id = twin
            entry.extra.append("resent")
            return twin
        row = Inspection(
            establishment=data.establishment_id,
            kind=data.kind,
            title=data.title,
            start_date=data.start_date,
            end_date=data.end_date,
            announced=data.announced,
            announced_on=data.announced_on if data.announced else None,
            team_leader=data.team_leader_id,
            coordinator=data.coordinator,
            liaison_officer=data.liaison_officer,
            partner_inspectorates=",".join(data.partners),
            follows=data.follows_id if data.kind == "irp" else None,
            stage_overrides=json.dumps(data.stage_overrides if data.kind == "thematic" else {}),
            inspector_count=data.inspector_count if data.kind == "irp" else None,
            days_on_site=data.days_on_site if data.kind == "irp" else None,
            created_at=now_utc(),
        )
        await row.save()
        entry.object_id = row.id
        await _write_team_and_visits(row.id, data)
        await refresh_inspection(row.id, today=today, reason="inspection created")
    return row.id


async def _recent_twin(data: InspectionInput) -> int | None:
    twin = (
        await Inspection.select(Inspection.id)
        .where(
            (Inspection.establishment == data.establishment_id)
            & (Inspection.kind == data.kind)
            & (Inspection.title == data.title)
            & (Inspection.start_date == data.start_date)
            & (Inspection.end_date == data.end_date)
            & (Inspection.team_leader == data.team_leader_id)
            & (Inspection.announced == data.announced)
            & (Inspection.coordinator == data.coordinator)
            & (Inspection.liaison_officer == data.liaison_officer)
            & (Inspection.partner_inspectorates == ",".join(data.partners))
            & (Inspection.created_at >= now_utc() - timedelta(minutes=2))
        )
        .first()
    )
    return twin["id"] if twin else None


async def _write_team_and_visits(inspection_id: int, data: InspectionInput) -> None:
    await InspectionTeamMember.delete().where(InspectionTeamMember.inspection == inspection_id)
    members = sorted(set(data.team_ids) - {data.team_leader_id})
    if members:
        await InspectionTeamMember.insert(
            *[InspectionTeamMember(inspection=inspection_id, user=u) for u in members]
        )
    await InspectionEstablishment.delete().where(InspectionEstablishment.inspection == inspection_id)
    visited = sorted(set(data.visited_ids) - {data.establishment_id}) if data.kind == "thematic" else []
    if visited:
        await InspectionEstablishment.insert(
            *[InspectionEstablishment(inspection=inspection_id, establishment=e) for e in visited]
        )



async def update_inspection(
    actor: Actor, inspection_id: int, data: InspectionInput, *, version: int, today: date
) -> None:
    """Change an inspection (not its kind or establishment), checking nobody else changed it and
    that what it recorded can still have happened between its new dates."""
    async with change(actor, "inspection.update", object_type="inspection", object_id=inspection_id):
        row = await inspection_row(inspection_id)
        if actor.principal is not None:
            policy.require(actor.principal, "inspection.change", row)
        errors, _ = await inspection_problems(actor, data, today=today, inspection_id=inspection_id)
        if errors:
            raise Refused(errors)
        updated = (
            await Inspection.update(
                {
                    Inspection.title: data.title,
                    Inspection.start_date: data.start_date,
                    Inspection.end_date: data.end_date,
                    Inspection.announced: data.announced,
                    Inspection.announced_on: data.announced_on if data.announced else None,
                    Inspection.team_leader: data.team_leader_id,
                    Inspection.coordinator: data.coordinator,
                    Inspection.liaison_officer: data.liaison_officer,
                    Inspection.partner_inspectorates: ",".join(data.partners),
                    Inspection.follows: data.follows_id if data.kind == "irp" else None,
                    Inspection.stage_overrides: json.dumps(
                        data.stage_overrides if data.kind == "thematic" else {}
                    ),
                    Inspection.inspector_count: data.inspector_count if data.kind == "irp" else None,
                    Inspection.days_on_site: data.days_on_site if data.kind == "irp" else None,
                    Inspection.version: version + 1,
                }
            )
            .where((Inspection.id == inspection_id) & (Inspection.version == version))
            .returning(Inspection.id)
        )
        if not updated:
            raise Conflict(
                await Inspection.select().where(Inspection.id == inspection_id).output(load_json=True).first()
                or {}
            )
        await _check_history_still_possible(inspection_id, today)
        await _write_team_and_visits(inspection_id, data)
        await refresh_inspection(inspection_id, today=today, reason="inspection changed")


async def _check_history_still_possible(inspection_id: int, today: date) -> None:
    """New dates must leave every recorded fact possible (a draft is not before the end, …)."""
    row = await Inspection.select().where(Inspection.id == inspection_id).first()
    events = await InspectionEvent.select().where(InspectionEvent.inspection == inspection_id)
    problems = check_history(
        workflow_inspection(row), standing_facts(events), today=today, calendar=await current_calendar()
    )
    if problems:
        field = "end_date" if problems[0].other == "ended" else "start_date"
        raise Refused({field: problems[0].message})


async def raise_urgent_notification(
    actor: Actor, inspection_id: int, *, today: date, reason: str, on: date | None = None
) -> None:
    """MoU ¶39: the Chief Inspector's urgent notification on a full inspection, once (`on`: the
    day it was raised, today unless said)."""
    if not reason.strip():
        raise Refused({"reason": "Enter why the urgent notification is being raised"})
    audit_as = "inspection.urgent_notification"
    async with change(actor, audit_as, object_type="inspection", object_id=inspection_id):
        row = await inspection_row(inspection_id)
        if actor.principal is not None:
            policy.require(actor.principal, "inspection.change", row)
        if row["kind"] != "full":
            message = "An urgent notification can only be raised on a full inspection"
            raise Refused({"reason": message}, state=True)
        if row["urgent_notification"]:
            raise Refused({"reason": "An urgent notification has already been raised"}, state=True)
        await Inspection.update(
            {Inspection.urgent_notification: True, Inspection.version: Inspection.version + 1}
        ).where(Inspection.id == inspection_id)
        await record_event(
            inspection_id,
            "urgent_notification_raised",
            on or today,
            by_user_id=actor.user_id,
            detail={"note": reason, "reinspection": "in due course"},
            today=today,
            field="reason",
        )


async def raise_as_a_fact(actor: Actor, inspection_id: int, data, today: date) -> int | None:
    """The urgent notification as the generic fact operation reaches it (the API's events route):
    its note is the reason."""
    await raise_urgent_notification(actor, inspection_id, today=today, reason=data.note, on=data.occurred_on)
    row = (
        await InspectionEvent.select(InspectionEvent.id)
        .where((InspectionEvent.inspection == inspection_id) & (InspectionEvent.kind == UN_RAISED))
        .first()
    )
    return row["id"] if row else None

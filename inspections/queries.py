"""Read models of the inspections domain, shared by pages, the API and other domains."""

from __future__ import annotations

from datetime import date, datetime

from inspections.tables import (
    Debrief,
    DebriefNote,
    Establishment,
    FollowUp,
    Inspection,
    InspectionEstablishment,
    InspectionEvent,
    InspectionTeamMember,
    Recommendation,
)
from timelines.core.rules import (
    FULL_INSPECTION,
    PROGRAMME,
    THEMATIC,
    rule,
    rules_for,
    window_dates,
)
from tracker.cache import memoised
from tracker.roles import Role
from tracker.tables import AppUser, UserRole


def late_notice(row: dict) -> bool:
    """MoU ¶12: HMPPS tells HMIP of a new establishment before it is operational."""
    operational = row.get("operational_on")
    if not operational:
        return False
    notified = row.get("hmpps_notified_on")
    return notified is None or notified >= operational



async def name_taken(name: str, except_id: int | None = None) -> bool:
    rows = await Establishment.select(Establishment.id, Establishment.name)
    return any(r["name"].lower() == name.lower() and r["id"] != except_id for r in rows)



async def team_leaders() -> list[dict]:
    rows = (
        await AppUser.select(AppUser.id, AppUser.display_name)
        .where(
            AppUser.id.is_in(
                UserRole.select(UserRole.user).where(UserRole.role == Role.HMIP_TEAM_LEADER.value)
            )
        )
        .where(AppUser.active == True)  # noqa: E712
        .order_by(AppUser.display_name)
    )
    return rows



async def hmip_staff() -> list[dict]:
    roles = [Role.HMIP_TEAM_LEADER.value, Role.HMIP_INSPECTOR.value]
    return (
        await AppUser.select(AppUser.id, AppUser.display_name)
        .where(AppUser.id.is_in(UserRole.select(UserRole.user).where(UserRole.role.is_in(roles))))
        .where(AppUser.active == True)  # noqa: E712
        .order_by(AppUser.display_name)
    )



def irp_window(full_end: date, calendar) -> tuple[date, date]:
    """MoU ¶7, ¶48: an IRP visit 8 to 12 months after the full inspection it follows."""
    return window_dates(rule(PROGRAMME, "irp_visit"), full_end, calendar)



THEMATIC_STAGE_KEYS = [r.key for r in rules_for(THEMATIC)]



def stage_defaults() -> list[dict]:
    """Each thematic stage with the full-inspection rule it defaults to (MoU ¶53)."""
    return [{"key": r.key, "label": r.label, "default": r.describe()} for r in rules_for(THEMATIC)]



async def follows_choices(establishment_id: int | None = None) -> list[dict]:
    query = Inspection.select(
        Inspection.id,
        Inspection.end_date,
        Inspection.establishment,
        Inspection.establishment.name.as_alias("establishment_name"),
    ).where(Inspection.kind == "full")
    if establishment_id:
        query = query.where(Inspection.establishment == establishment_id)
    rows = await query.order_by(Inspection.end_date, ascending=False)
    return rows



async def team_of(inspection_id: int) -> list[dict]:
    return await InspectionTeamMember.select(
        InspectionTeamMember.user, InspectionTeamMember.user.display_name.as_alias("name")
    ).where(InspectionTeamMember.inspection == inspection_id)



async def visited_of(inspection_id: int) -> list[dict]:
    return await InspectionEstablishment.select(
        InspectionEstablishment.establishment,
        InspectionEstablishment.establishment.name.as_alias("name"),
    ).where(InspectionEstablishment.inspection == inspection_id)



async def events_with_names(inspection_id: int) -> list[dict]:
    """Every event (for the history), newest last, with who recorded it and what superseded it."""
    rows = (
        await InspectionEvent.select(
            *InspectionEvent.all_columns(), InspectionEvent.recorded_by.display_name.as_alias("by_name")
        )
        .where(InspectionEvent.inspection == inspection_id)
        .output(load_json=True)
        .order_by(InspectionEvent.occurred_on)
        .order_by(InspectionEvent.id)
    )
    superseded = {r["supersedes"]: r["id"] for r in rows if r["supersedes"]}
    for row in rows:
        row["superseded_by"] = superseded.get(row["id"])
    return rows



async def debrief_of(inspection_id: int) -> dict | None:
    return (
        await Debrief.select(*Debrief.all_columns(), Debrief.recorded_by.display_name.as_alias("by_name"))
        .where(Debrief.inspection == inspection_id)
        .output(load_json=True)
        .first()
    )



async def note_of(inspection_id: int, *, with_content: bool = False) -> dict | None:
    columns = [c for c in DebriefNote.all_columns() if with_content or c._meta.name != "file_content"]
    return (
        await DebriefNote.select(*columns, DebriefNote.recorded_by.display_name.as_alias("by_name"))
        .where(DebriefNote.inspection == inspection_id)
        .first()
    )



async def note_exists(inspection_id: int) -> bool:
    return await DebriefNote.exists().where(DebriefNote.inspection == inspection_id)



async def recommendations_of(inspection_id: int) -> list[dict]:
    """In report order (one read per page: tracker.cache.memoised)."""
    return await memoised(
        ("recommendations", inspection_id),
        lambda: (
            Recommendation.select()
            .where(Recommendation.inspection == inspection_id)
            .order_by(Recommendation.position)
            .order_by(Recommendation.id)
            .run()
        ),
    )



async def follow_up_ids(irp_id: int) -> list[int]:
    rows = await FollowUp.select(FollowUp.recommendation).where(FollowUp.inspection == irp_id)
    return [r["recommendation"] for r in rows]



def facts_of(events: list[dict]) -> dict[str, date]:
    from timelines.store import facts_from_events

    facts, _ = facts_from_events(events)
    return {k: (v.date() if isinstance(v, datetime) else v) for k, v in facts.items()}



def stage_of(inspection: dict, facts: dict, today: date) -> str:
    if inspection.get("closed") or "action_plan_available" in facts:
        return "complete"
    if today < inspection["start_date"]:
        return "planned"
    if today <= inspection["end_date"] and "debrief_held" not in facts:
        return "on_site"
    if "published" in facts:
        return "complete" if inspection["kind"] == "irp" else "action_plan"
    if "draft_sent" not in facts:
        return "drafting"
    if "factcheck_returned" not in facts:
        return "fact_check"
    if "hmip_response_sent" not in facts and inspection["kind"] != "irp":
        return "hmip_response"
    return "publication"



async def stored_milestones(inspection_id: int) -> list[dict]:
    from timelines.store import stored_rows

    return await stored_rows(inspection_id)



def next_debrief_note_due(milestones: list[dict]) -> dict | None:
    return next((m for m in milestones if m["key"] == "debrief_note_to_hq"), None)



def last_full_before(rows: list[dict], today: date) -> dict | None:
    done = [r for r in rows if r["kind"] == "full" and r["end_date"] <= today]
    return max(done, key=lambda r: r["end_date"]) if done else None







def full_rule_label(key: str) -> str:
    return rule(FULL_INSPECTION, key).label

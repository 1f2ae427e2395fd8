"""Action plans: what is read, for the pages, the JSON API, the panels and the commands alike
(read models; nothing here writes)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from actionplans.services import ACTION_STATUSES
from actionplans.tables import ActionPlan, ActionPlanEvent, ActionProgress, PlanAction, PlanFile, PlanResponse
from inspections.tables import (
    Establishment,
    Inspection,
    InspectionEvent,
    InspectionTeamMember,
    Recommendation,
)
from tracker import policy
from tracker.principal import Principal
from tracker.roles import Role
from tracker.tables import AppUser


async def get_plan(plan_id: int) -> dict | None:
    return await ActionPlan.select().where(ActionPlan.id == plan_id).first()


async def plan_for_inspection(inspection_id: int) -> dict | None:
    return await ActionPlan.select().where(ActionPlan.inspection == inspection_id).first()


async def get_inspection(inspection_id: int) -> dict | None:
    return (
        await Inspection.select(
            Inspection.all_columns(),
            Inspection.establishment.name.as_alias("establishment_name"),
        )
        .where(Inspection.id == inspection_id)
        .first()
    )


async def published_on(inspection_id: int) -> date | None:
    rows = await InspectionEvent.select(
        InspectionEvent.id, InspectionEvent.occurred_on, InspectionEvent.supersedes, InspectionEvent.kind
    ).where(InspectionEvent.inspection == inspection_id)
    superseded = {r["supersedes"] for r in rows if r["supersedes"]}
    published = [r for r in rows if r["kind"] == "published" and r["id"] not in superseded]
    return max(published, key=lambda r: r["id"])["occurred_on"] if published else None


async def milestone(inspection_id: int) -> dict | None:
    """The stored `action_plan` milestone (computed only by timelines/)."""
    from timelines.store import stored_rows

    return next((m for m in await stored_rows(inspection_id) if m["key"] == "action_plan"), None)


async def recommendations(inspection_id: int) -> list[dict]:
    from inspections.queries import recommendations_of

    return await recommendations_of(inspection_id)


def is_overdue(action: dict, today: date) -> bool:
    return action["status"] != "complete" and action["target_date"] < today


async def plan_detail(plan: dict, *, today: date) -> dict:
    """Everything the plan page shows, in report order."""
    recs = await recommendations(plan["inspection"])
    responses = {
        r["recommendation"]: r for r in await PlanResponse.select().where(PlanResponse.plan == plan["id"])
    }
    actions = (
        await PlanAction.select()
        .where(PlanAction.plan == plan["id"])
        .order_by(PlanAction.position)
        .order_by(PlanAction.id)
    )
    by_rec: dict[int, list[dict]] = {}
    for action in actions:
        action["overdue"] = is_overdue(action, today)
        by_rec.setdefault(action["recommendation"], []).append(action)
    items = []
    for rec in recs:
        items.append({"rec": rec, "response": responses.get(rec["id"]), "actions": by_rec.get(rec["id"], [])})
    counts = {key: sum(1 for a in actions if a["status"] == key) for key in ACTION_STATUSES}
    counts["overdue"] = sum(1 for a in actions if a["overdue"])
    counts["total"] = len(actions)
    counts["answered"] = sum(1 for i in items if i["response"] and i["response"]["response"])
    return {"items": items, "counts": counts, "problems": completeness_problems(items)}


async def plan_counts(plans: list[dict], *, today: date) -> dict[int, dict]:
    """For a few plans at once, what `plan_detail` counts (and the number of recommendations),
    in three queries whatever the number of plans, reading only the columns counted."""
    if not plans:
        return {}
    plan_ids = [p["id"] for p in plans]
    inspection_ids = list({p["inspection"] for p in plans})
    recs: dict[int, list[int]] = {}
    for rec in await Recommendation.select(Recommendation.id, Recommendation.inspection).where(
        Recommendation.inspection.is_in(inspection_ids)
    ):
        recs.setdefault(rec["inspection"], []).append(rec["id"])
    responses: dict[int, dict[int, str]] = {}
    for row in await PlanResponse.select(
        PlanResponse.plan, PlanResponse.recommendation, PlanResponse.response
    ).where(PlanResponse.plan.is_in(plan_ids)):
        responses.setdefault(row["plan"], {})[row["recommendation"]] = row["response"]
    actions: dict[int, list[dict]] = {}
    for row in await PlanAction.select(PlanAction.plan, PlanAction.status, PlanAction.target_date).where(
        PlanAction.plan.is_in(plan_ids)
    ):
        actions.setdefault(row["plan"], []).append(row)
    result = {}
    for plan in plans:
        mine = actions.get(plan["id"], [])
        answers = responses.get(plan["id"], {})
        rec_ids = recs.get(plan["inspection"], [])
        counts = {key: sum(1 for a in mine if a["status"] == key) for key in ACTION_STATUSES}
        counts["overdue"] = sum(1 for a in mine if is_overdue(a, today))
        counts["total"] = len(mine)
        counts["answered"] = sum(1 for r in rec_ids if answers.get(r))
        result[plan["id"]] = {"counts": counts, "recommendations": len(rec_ids)}
    return result


def completeness_problems(items: list[dict]) -> list[str]:
    problems = []
    if not items:
        problems.append("The report has no recommendations recorded yet")
    for item in items:
        ref = item["rec"]["reference"]
        response = item["response"]
        if not response or not response["response"]:
            problems.append(f"{ref}: select a response")
        elif response["response"] in ("agreed", "partly_agreed") and not item["actions"]:
            problems.append(f"{ref}: add at least one action")
        elif response["response"] == "not_agreed" and item["actions"]:
            problems.append(f"{ref}: remove the actions, or change the response (it is not agreed)")
    return problems


async def events(plan_id: int) -> list[dict]:
    return (
        await ActionPlanEvent.select(
            ActionPlanEvent.all_columns(), ActionPlanEvent.by_user.display_name.as_alias("by_name")
        )
        .where(ActionPlanEvent.plan == plan_id)
        .order_by(ActionPlanEvent.id, ascending=False)
    )


async def latest_comment(plan_id: int) -> dict | None:
    return (
        await ActionPlanEvent.select(
            ActionPlanEvent.all_columns(), ActionPlanEvent.by_user.display_name.as_alias("by_name")
        )
        .where(ActionPlanEvent.plan == plan_id, ActionPlanEvent.kind == "returned")
        .order_by(ActionPlanEvent.id, ascending=False)
        .first()
    )


async def files(plan_id: int) -> list[dict]:
    return (
        await PlanFile.select(
            PlanFile.id,
            PlanFile.number,
            PlanFile.purpose,
            PlanFile.original_name,
            PlanFile.file_type,
            PlanFile.size,
            PlanFile.sha256,
            PlanFile.scan_status,
            PlanFile.uploaded_at,
            PlanFile.uploaded_by.display_name.as_alias("by_name"),
        )
        .where(PlanFile.plan == plan_id)
        .order_by(PlanFile.number, ascending=False)
    )


async def get_action(plan_id: int, action_id: int) -> dict | None:
    return await PlanAction.select().where(PlanAction.id == action_id, PlanAction.plan == plan_id).first()


async def progress_history(action_id: int) -> list[dict]:
    return (
        await ActionProgress.select(
            ActionProgress.all_columns(), ActionProgress.recorded_by.display_name.as_alias("by_name")
        )
        .where(ActionProgress.action == action_id)
        .order_by(ActionProgress.occurred_on, ascending=False)
        .order_by(ActionProgress.id, ascending=False)
    )


async def recommendation_in_plan(plan: dict, recommendation_id: int) -> dict | None:
    return (
        await Recommendation.select()
        .where(Recommendation.id == recommendation_id, Recommendation.inspection == plan["inspection"])
        .first()
    )


async def plans_in_scope(establishment_ids: Iterable[int] | None, statuses: Iterable[str] | None = None):
    query = ActionPlan.select(
        ActionPlan.all_columns(),
        ActionPlan.establishment.name.as_alias("establishment_name"),
        ActionPlan.inspection.end_date.as_alias("inspection_end"),
        ActionPlan.inspection.kind.as_alias("inspection_kind"),
    ).order_by(ActionPlan.updated_at, ascending=False)
    if establishment_ids is not None:
        ids = list(establishment_ids)
        if not ids:
            return []
        query = query.where(ActionPlan.establishment.is_in(ids))
    if statuses is not None:
        query = query.where(ActionPlan.status.is_in(list(statuses)))
    return await query


async def overdue_actions(establishment_ids: Iterable[int] | None, today: date) -> list[dict]:
    """Actions past their target date and not complete, for the dashboards.

    `establishment_ids` None means every establishment; an empty collection means none."""
    query = (
        PlanAction.select(
            PlanAction.all_columns(),
            PlanAction.plan.establishment.as_alias("establishment"),
            PlanAction.plan.establishment.name.as_alias("establishment_name"),
            PlanAction.plan.inspection.as_alias("inspection"),
            PlanAction.plan.inspection.end_date.as_alias("inspection_end"),
            PlanAction.plan.status.as_alias("plan_status"),
            PlanAction.recommendation.reference.as_alias("reference"),
        )
        .where(PlanAction.target_date < today, PlanAction.status != "complete")
        .order_by(PlanAction.target_date)
    )
    if establishment_ids is not None:
        ids = list(establishment_ids)
        if not ids:
            return []
        query = query.where(PlanAction.plan.establishment.is_in(ids))
    rows = await query
    for row in rows:
        row["days_overdue"] = (today - row["target_date"]).days
    return rows


async def current_plan_for_establishment(establishment_id: int, before: date | None = None) -> dict | None:
    """The establishment's latest plan (of an inspection ending before `before`, if given)."""
    query = (
        ActionPlan.select(ActionPlan.all_columns(), ActionPlan.inspection.end_date.as_alias("inspection_end"))
        .where(ActionPlan.establishment == establishment_id)
        .order_by(ActionPlan.inspection.end_date, ascending=False)
    )
    if before is not None:
        query = query.where(ActionPlan.inspection.end_date < before)
    return await query.first()


async def file_content(plan_id: int, file_id: int) -> dict | None:
    return await PlanFile.select().where(PlanFile.id == file_id, PlanFile.plan == plan_id).first()


async def user_names(ids: Iterable[int]) -> dict[int, str]:
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    rows = await AppUser.select(AppUser.id, AppUser.display_name).where(AppUser.id.is_in(ids))
    return {r["id"]: r["display_name"] for r in rows}


async def establishment_name(establishment_id: int) -> str:
    row = await Establishment.select(Establishment.name).where(Establishment.id == establishment_id).first()
    return row["name"] if row else ""


# ---------------------------------------------------------------- who may read (tracker.policy "plan.read")


async def hmip_team(inspection: dict) -> frozenset[int]:
    """The user ids of the teams (leaders and members) of this inspection and of every later
    inspection of the same establishment: HMIP read the plan current when they next inspect."""
    later = await Inspection.select(Inspection.id, Inspection.team_leader).where(
        Inspection.establishment == inspection["establishment"],
        Inspection.end_date >= inspection["end_date"],
    )
    if not later:
        return frozenset()
    members = await InspectionTeamMember.select(InspectionTeamMember.user).where(
        InspectionTeamMember.inspection.is_in([r["id"] for r in later])
    )
    return frozenset({r["team_leader"] for r in later if r["team_leader"]} | {r["user"] for r in members})


async def readable_row(principal: Principal, inspection: dict) -> dict:
    """The row `plan.read` is asked about for an inspection: its establishment and, for HMIP
    team leaders and inspectors (the only ones it matters to), the teams."""
    row = {"establishment": inspection["establishment"]}
    if principal.has(Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR):
        row["hmip_team"] = await hmip_team(inspection)
    return row


async def may_read_inspection_plan(principal: Principal, inspection: dict) -> bool:
    """May this person read the action plan of `inspection` (a row with establishment, end_date)?"""
    return policy.can(principal, "plan.read", await readable_row(principal, inspection))


async def plan_row(plan_id: int) -> dict | None:
    """The plan with its inspection ("inspection_row") and what the policy's predicates read."""
    plan = await get_plan(plan_id)
    if plan is None:
        return None
    plan["inspection_row"] = await get_inspection(plan["inspection"])
    plan["hmip_team"] = await hmip_team(plan["inspection_row"])
    return plan


async def hmip_team_inspections(principal: Principal) -> set[int]:
    from tracker.cache import memoised

    return set(
        await memoised(("hmip team inspections", principal.user_id), lambda: _team_inspections(principal))
    )


async def _team_inspections(principal: Principal) -> frozenset[int]:
    led = await Inspection.select(Inspection.id).where(Inspection.team_leader == principal.user_id)
    member = await InspectionTeamMember.select(InspectionTeamMember.inspection).where(
        InspectionTeamMember.user == principal.user_id
    )
    return frozenset({r["id"] for r in led} | {r["inspection"] for r in member})


async def plan_reader(principal: Principal):
    """`plan.read` for many inspection rows (id, establishment, end_date) at once: at most two
    queries up front, then a plain function of a row that asks nothing more. For an HMIP team
    member the row's "hmip_team" is only what matters to them: themselves, when they are on the
    team of this or a later inspection of the establishment."""
    latest: dict[int, object] = {}
    if principal.has(Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR):
        mine = await hmip_team_inspections(principal)
        if mine:
            for row in await Inspection.select(Inspection.establishment, Inspection.end_date).where(
                Inspection.id.is_in(list(mine))
            ):
                known = latest.get(row["establishment"])
                if known is None or row["end_date"] > known:
                    latest[row["establishment"]] = row["end_date"]
    me = frozenset({principal.user_id})

    def may_read(inspection: dict) -> bool:
        last = latest.get(inspection["establishment"])
        on_team = last is not None and last >= inspection["end_date"]
        row = {"establishment": inspection["establishment"], "hmip_team": me if on_team else frozenset()}
        return policy.can(principal, "plan.read", row)

    return may_read


STAGE_LABELS = {
    "action_plan_received": "Submitted by the establishment",
    "action_plan_quality_assured": "Quality-assured by the Scrutiny Team",
    "action_plan_cleared": "Cleared by the Executive Director",
    "action_plan_available": "Available",
    "action_plan_published": "Published on HMIP's website",
}


async def stages(inspection_id: int) -> list[dict]:
    """The plan's stages (MoU ¶37) as the inspection's facts record them: each with the day and
    who recorded it, or None for a stage still to come."""
    from timelines.core.history import standing

    events = await InspectionEvent.select(
        InspectionEvent.all_columns(), InspectionEvent.recorded_by.display_name.as_alias("by_name")
    ).where(InspectionEvent.inspection == inspection_id, InspectionEvent.kind.is_in(list(STAGE_LABELS)))
    recorded = {e["kind"]: e for e in standing(events)}
    return [
        {"fact": fact, "label": label, "event": recorded.get(fact)} for fact, label in STAGE_LABELS.items()
    ]

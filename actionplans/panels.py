"""Home page panels and the sections on the inspection and establishment pages."""

from __future__ import annotations

from actionplans import queries
from actionplans.services import PLAN_STATUS_COLOURS, PLAN_STATUS_WORDS, PLAN_STATUSES
from tracker import policy
from tracker.access import establishment_scope
from tracker.clock import today_london
from tracker.roles import Role


def inspection_name(kind: str, title: str) -> str:
    """ "full inspection", or a thematic review's title: how a person tells inspections apart."""
    from timelines.core.kinds import KIND_LABELS

    label = KIND_LABELS.get(kind, "inspection")
    return f"{label.lower()}: {title}" if kind == "thematic" and title else label.lower()


async def establishment_panel(request, principal) -> dict | None:
    """One line per inspection whose action plan is still due (MoU ¶37): "HMP Example, full
    inspection ending 14 March 2025: the report was published 10 June, the action plan is due
    10 September", with the one link that inspection needs."""
    if not principal.has(Role.ESTABLISHMENT) or not principal.establishment_ids:
        return None
    from timelines.core.engine import OPEN_STATUSES
    from timelines.tables import StoredMilestone

    today = today_london()
    ids = list(principal.establishment_ids)
    milestones = (
        await StoredMilestone.select(
            StoredMilestone.inspection,
            StoredMilestone.establishment.name.as_alias("establishment_name"),
            StoredMilestone.inspection.kind.as_alias("inspection_kind"),
            StoredMilestone.inspection.title.as_alias("inspection_title"),
            StoredMilestone.inspection.end_date.as_alias("inspection_end"),
            StoredMilestone.due,
            StoredMilestone.status,
            StoredMilestone.working_days,
            StoredMilestone.rule,
            StoredMilestone.source,
        )
        .where(
            StoredMilestone.key == "action_plan",
            StoredMilestone.due.is_not_null(),
            StoredMilestone.status.is_in(list(OPEN_STATUSES)),
            StoredMilestone.establishment.is_in(ids),
        )
        .order_by(StoredMilestone.due, ascending=False)
    )
    reports = []
    for row in milestones:
        row["plan"] = await queries.plan_for_inspection(row["inspection"])
        row["published_on"] = await queries.published_on(row["inspection"])
        row["inspection_name"] = inspection_name(row["inspection_kind"], row["inspection_title"])
        reports.append(row)
    overdue = await queries.overdue_actions(ids, today)
    if not reports and not overdue:
        return None
    return {
        "template": "actionplans/_home_establishment.html",
        "reports": reports,
        "overdue": overdue,
        "PLAN_STATUS_WORDS": PLAN_STATUS_WORDS,
    }


async def scrutiny_panel(request, principal) -> dict | None:
    """Plans waiting for the Scrutiny Team: quality assurance, and making cleared plans available."""
    if not principal.has(Role.HMPPS_SCRUTINY):
        return None
    plans = await queries.plans_in_scope(None, ["submitted"])
    cleared = await queries.plans_in_scope(None, ["cleared"])
    return {"template": "actionplans/_home_scrutiny.html", "plans": plans, "cleared": cleared}


async def manager_panel(request, principal) -> dict | None:
    """Plans waiting on a manager: to clear, for the Executive Director (an HMPPS manager for the
    establishment); to publish on HMIP's website, for HMIP (an HMIP manager: every one; a team
    leader: those of the inspections they led)."""
    to_clear = to_publish = []
    if principal.has(Role.HMPPS_MANAGER):
        to_clear = await queries.plans_in_scope(establishment_scope(principal), ["accepted"])
    if principal.has(Role.HMIP_MANAGER, Role.HMIP_TEAM_LEADER):
        to_publish = [
            plan
            for plan in await queries.plans_in_scope(None, ["available"])
            if policy.can(principal, "plan.publish", await queries.plan_row(plan["id"]))
        ]
    if not to_clear and not to_publish:
        return None
    return {"template": "actionplans/_home_manager.html", "plans": to_clear, "to_publish": to_publish}


async def _summary(plan: dict) -> dict:
    return (await _summaries([plan]))[0]


async def _summaries(plans: list[dict]) -> list[dict]:
    counted = await queries.plan_counts(plans, today=today_london())
    return [
        {
            "plan": plan,
            "counts": counted[plan["id"]]["counts"],
            "recommendations": counted[plan["id"]]["recommendations"],
            "status_label": PLAN_STATUSES[plan["status"]],
            "colour": PLAN_STATUS_COLOURS[plan["status"]],
        }
        for plan in plans
    ]


async def _previous_plan(inspection: dict) -> tuple[dict, dict] | None:
    """The establishment's current plan from an inspection that ended before this one, with that
    inspection (id, establishment, end date: what access and the page need), in one query."""
    from actionplans.tables import ActionPlan

    plan = (
        await ActionPlan.select(
            ActionPlan.all_columns(),
            ActionPlan.inspection.end_date.as_alias("inspection_end"),
            ActionPlan.inspection.establishment.as_alias("inspection_establishment"),
        )
        .where(
            ActionPlan.establishment == inspection["establishment"],
            ActionPlan.inspection.end_date < inspection["end_date"],
        )
        .order_by(ActionPlan.inspection.end_date, ascending=False)
        .first()
    )
    if plan is None:
        return None
    previous = {
        "id": plan["inspection"],
        "establishment": plan.pop("inspection_establishment"),
        "end_date": plan["inspection_end"],
    }
    return plan, previous


async def inspection_section(request, principal, inspection: dict) -> dict | None:
    """This inspection's plan, and the establishment's current plan from before it (MoU ¶38)."""
    plan = milestone = None
    if await queries.may_read_inspection_plan(principal, inspection):
        plan = await queries.plan_for_inspection(inspection["id"])
        milestone = await queries.milestone(inspection["id"])
    found = await _previous_plan(inspection)
    previous = previous_inspection = None
    if found and await queries.may_read_inspection_plan(principal, found[1]):
        previous, previous_inspection = found
    summaries = iter(await _summaries([p for p in (plan, previous) if p]))
    this_plan = next(summaries) if plan else None
    previous_summary = next(summaries) if previous else None
    if previous_summary:
        previous_summary["inspection"] = previous_inspection
    if not this_plan and not previous_summary and not (milestone and milestone["due"]):
        return None
    return {
        "template": "actionplans/_inspection_section.html",
        "actionplan_section": {
            "inspection": inspection,
            "this": this_plan,
            "milestone": milestone if milestone and milestone["due"] else None,
            "previous": previous_summary,
        },
    }


async def establishment_section(request, principal, establishment: dict) -> dict | None:
    plan = await queries.current_plan_for_establishment(establishment["id"])
    if plan is None:
        return None
    inspection = await queries.get_inspection(plan["inspection"])
    if not await queries.may_read_inspection_plan(principal, inspection):
        return None
    summary = await _summary(plan)
    summary["inspection"] = inspection
    return {"template": "actionplans/_establishment_section.html", "actionplan_section": summary}

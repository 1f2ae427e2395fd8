"""How the audit log names action plans, their actions and their files ("Action for R3 in the
action plan for HMP Leeds, inspection March 2026"), each linked for a reader the policy lets
read the plan ("plan.read"; a file's name only to them), and finds them by the establishment's
name or the inspection's title.

Each kind names all its rows on a page in a query, plus at most two for who may read
(actionplans.queries.plan_reader), whatever their number."""

from __future__ import annotations

from actionplans.queries import plan_reader
from actionplans.tables import ActionPlan, PlanAction, PlanFile
from actionplans.web.common import plan_url
from inspections.audit_subjects import about_inspection, inspection_columns, inspection_words
from tracker.extensions import AuditSubjects
from tracker.principal import Principal


async def _linker(principal: Principal | None):
    if principal is None:
        return lambda row, url: ""
    may_read = await plan_reader(principal)

    def link(row: dict, url: str) -> str:
        inspection = {"establishment": row["establishment"], "end_date": row["inspection_end"]}
        return url if may_read(inspection) else ""

    return link


async def plan_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = await ActionPlan.select(ActionPlan.id, *inspection_columns(ActionPlan.inspection)).where(
        ActionPlan.id.is_in(ids)
    )
    link = await _linker(principal)
    return {
        row["id"]: (f"Action plan for {about_inspection(row)}", link(row, plan_url(row["id"])))
        for row in rows
    }


def plans_matching(words: str):
    return ActionPlan.select(ActionPlan.id).where(inspection_words(ActionPlan.inspection, words))


async def action_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = await PlanAction.select(
        PlanAction.id,
        PlanAction.plan,
        PlanAction.recommendation,
        PlanAction.recommendation.reference.as_alias("reference"),
        *inspection_columns(PlanAction.plan.inspection),
    ).where(PlanAction.id.is_in(ids))
    link = await _linker(principal)

    def named(row: dict) -> tuple[str, str]:
        words = f"Action for {row['reference']} in the action plan for {about_inspection(row)}"
        return words, link(row, plan_url(row["plan"], f"rec-{row['recommendation']}"))

    return {row["id"]: named(row) for row in rows}


def actions_matching(words: str):
    return PlanAction.select(PlanAction.id).where(inspection_words(PlanAction.plan.inspection, words))


async def file_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = await PlanFile.select(
        PlanFile.id,
        PlanFile.plan,
        PlanFile.number,
        PlanFile.original_name,
        *inspection_columns(PlanFile.plan.inspection),
    ).where(PlanFile.id.is_in(ids))
    link = await _linker(principal)

    def named(row: dict) -> tuple[str, str]:
        url = link(row, f"/action-plans/{row['plan']}/files")
        file = (
            f"File '{row['original_name']}' (version {row['number']})"
            if url
            else f"File (version {row['number']})"
        )
        return f"{file} of the action plan for {about_inspection(row)}", url

    return {row["id"]: named(row) for row in rows}


def files_matching(words: str):
    return PlanFile.select(PlanFile.id).where(inspection_words(PlanFile.plan.inspection, words))


AUDIT_SUBJECTS = {
    "action_plan": AuditSubjects(plan_names, plans_matching),
    "plan_action": AuditSubjects(action_names, actions_matching),
    "action_plan_file": AuditSubjects(file_names, files_matching),
}

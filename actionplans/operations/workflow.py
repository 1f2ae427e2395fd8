"""The plan's workflow (MoU ¶37): start, submit, quality assurance (return or accept), clearance,
availability and publication on HMIP's website. Each move is one `change(...)` block: the state,
the plan's history line, the stage's inspection fact (actionplans.policy STAGE_FACTS, checked
against the inspection's history by inspections.events.record_event) and the audit row are
written together or not at all. Who may and from which state: the policy's RULES."""

from __future__ import annotations

from datetime import date

from actionplans import queries
from actionplans.operations.common import check, current_plan, not_now, plan_event
from actionplans.policy import RULES, STAGE_FACTS
from actionplans.tables import ActionPlan
from inspections.events import record_event
from inspections.operations.facts import may_record
from inspections.permissions import inspection_row, with_team
from tracker.clock import now_utc, today_london
from tracker.links import link_problem
from tracker.operations import Actor, Denied, Refused, change

RECEIVED = STAGE_FACTS["plan.submit"]


async def start_plan(actor: Actor, inspection_id: int) -> int:
    """Start the inspection's action plan (a second call returns the same plan)."""
    async with change(actor, "actionplan.create", object_type="action_plan") as entry:
        inspection = await inspection_row(inspection_id)
        if inspection is None:
            raise Refused({"start": "There is no such inspection"})
        check(actor, "plan.start", {**inspection, "status": "draft"})
        if await queries.published_on(inspection_id) is None:
            raise Refused({"start": "The report has not been published yet"}, state=True)
        existing = await queries.plan_for_inspection(inspection_id)
        if existing:
            entry.object_id = existing["id"]
            return existing["id"]
        now = now_utc()
        plan = ActionPlan(
            inspection=inspection_id,
            establishment=inspection["establishment"],
            status="draft",
            created_at=now,
            updated_at=now,
        )
        await plan.save()
        entry.object_id = plan.id
        await plan_event(actor, plan.id, "created")
    return plan.id


async def _move(actor: Actor, plan: dict, action: str, comment: str = "", **fields) -> None:
    """Move the plan on, only from the action's states (a double submit moves it once)."""
    rule = RULES[action]
    values = {
        ActionPlan.status: rule.to,
        ActionPlan.updated_at: now_utc(),
        ActionPlan.version: ActionPlan.version + 1,
    }
    values.update({getattr(ActionPlan, name): value for name, value in fields.items()})
    moved = (
        await ActionPlan.update(values)
        .where(ActionPlan.id == plan["id"], ActionPlan.status.is_in(list(rule.states)))
        .returning(ActionPlan.id)
    )
    if not moved:
        raise Refused({"plan": not_now(plan, rule.to)}, state=True)
    await plan_event(actor, plan["id"], rule.to, comment)


async def _may_record_stage(actor: Actor, plan: dict, action: str) -> None:
    """The stage's fact is recorded by the party the inspection's workflow names (the same
    party as the move's: actionplans.policy)."""
    fact = STAGE_FACTS[action]
    if actor.principal is None:
        return
    inspection = await with_team(await inspection_row(plan["inspection"]))
    if not may_record(actor.principal, fact, inspection):
        raise Denied(f"fact.{fact}")


async def _record_stage(
    actor: Actor, plan: dict, action: str, on: date, *, today: date, field: str, **detail
) -> int:
    """The stage's fact on the inspection, refused if it cannot have happened (its order, MoU ¶37)."""
    return await record_event(
        plan["inspection"],
        STAGE_FACTS[action],
        on,
        by_user_id=actor.user_id,
        detail={"action_plan": plan["id"], **detail},
        today=today,
        field=field,
    )


async def submit(actor: Actor, plan_id: int, *, today: date, on: date | None = None) -> None:
    """Submit for quality assurance. The first submission records the action_plan_received
    fact (the plan in place; the three-month milestone waits for it to be available, MoU ¶37),
    which the workflow of the inspection refuses if it cannot have happened (a plan for a
    report not published)."""
    async with change(actor, "actionplan.submit", object_type="action_plan", object_id=plan_id):
        plan = await current_plan(actor, "plan.submit", plan_id)
        first = plan["first_submitted_on"] is None
        if first:
            await _may_record_stage(actor, plan, "plan.submit")
        problems = (await queries.plan_detail(plan, today=today))["problems"]
        if problems:
            raise Refused({"submit": "The action plan is not complete: " + "; ".join(problems[:3])})
        on = on or today
        await _move(actor, plan, "plan.submit", **({"first_submitted_on": on} if first else {}))
        if first:
            await _record_stage(actor, plan, "plan.submit", on, today=today, field="submit")


DECISIONS = {"return": "plan.return", "accept": "plan.accept"}


async def review(
    actor: Actor, plan_id: int, decision: str, comment: str, *, today: date | None = None,
    on: date | None = None,
) -> str:
    """The Scrutiny Team's quality assurance: return with comments, or accept (the plan is
    quality-assured: the action_plan_quality_assured fact, dated `on`, today by default).
    Returns the state the plan is now in."""
    action = DECISIONS.get(decision, "plan.review")
    done = RULES[action].to or "reviewed"
    today = today or today_london()
    async with change(actor, f"actionplan.{done}", object_type="action_plan", object_id=plan_id):
        plan = await current_plan(actor, action, plan_id)
        if decision not in DECISIONS:
            raise Refused({"decision": "Select whether to accept the action plan or return it"})
        if decision == "return" and not comment:
            raise Refused({"comment": "Enter your comments for the establishment"})
        if action in STAGE_FACTS:
            await _may_record_stage(actor, plan, action)
        await _move(actor, plan, action, comment)
        if action in STAGE_FACTS:
            await _record_stage(actor, plan, action, on or today, today=today, field="decision")
    return done


async def clear(
    actor: Actor, plan_id: int, comment: str = "", *, today: date | None = None, on: date | None = None
) -> None:
    """The Executive Director clears the quality-assured plan (action_plan_cleared)."""
    today = today or today_london()
    async with change(actor, "actionplan.cleared", object_type="action_plan", object_id=plan_id):
        plan = await current_plan(actor, "plan.clear", plan_id)
        await _may_record_stage(actor, plan, "plan.clear")
        await _move(actor, plan, "plan.clear", comment)
        await _record_stage(actor, plan, "plan.clear", on or today, today=today, field="comment")


async def make_available(
    actor: Actor, plan_id: int, *, today: date | None = None, on: date | None = None
) -> None:
    """The Scrutiny Team makes the cleared plan available (action_plan_available): this meets the
    three-month milestone (MoU ¶37), and HMIP may then publish it on its website."""
    today = today or today_london()
    async with change(actor, "actionplan.available", object_type="action_plan", object_id=plan_id):
        plan = await current_plan(actor, "plan.make_available", plan_id)
        await _may_record_stage(actor, plan, "plan.make_available")
        await _move(actor, plan, "plan.make_available")
        await _record_stage(actor, plan, "plan.make_available", on or today, today=today, field="plan")


def publication_problems(url: str, on: date | None, today: date) -> dict[str, str]:
    errors = {}
    if not url:
        errors["url"] = "Enter the link to the published action plan"
    elif not url.startswith("https://") or link_problem(url):
        errors["url"] = "Enter a link that starts with https://"
    if on is None:
        errors["published_on"] = "Enter the date it was published"
    elif on > today:
        errors["published_on"] = "The date it was published must be today or in the past"
    return errors


def check_publication(actor: Actor, plan: dict, *, url: str, on: date | None, today: date) -> None:
    """What the check-your-answers page asks before anything is written: this person, this
    plan's state, and every problem with the link and the date at once."""
    check(actor, "plan.publish", plan)
    if errors := publication_problems(url, on, today):
        raise Refused(errors)


async def publish(actor: Actor, plan_id: int, *, url: str, on: date | None, today: date) -> None:
    """HMIP records the plan's publication on its website (action_plan_published, dated `on`)."""
    async with change(actor, "actionplan.published", object_type="action_plan", object_id=plan_id):
        plan = await current_plan(actor, "plan.publish", plan_id)
        if errors := publication_problems(url, on, today):
            raise Refused(errors)
        await _may_record_stage(actor, plan, "plan.publish")
        await _move(actor, plan, "plan.publish", url, published_url=url, published_on=on)
        await _record_stage(actor, plan, "plan.publish", on, today=today, field="published_on", link=url)

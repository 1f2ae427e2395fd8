"""What the action plan operations share: the plan as it is now, checked against the policy."""

from __future__ import annotations

from actionplans import queries
from actionplans.policy import RULES, party_may
from actionplans.services import MOVE_WORDS, PLAN_STATUS_WORDS
from actionplans.tables import ActionPlan, ActionPlanEvent
from tracker.clock import now_utc
from tracker.operations import Actor, Denied, Refused


def check(actor: Actor, action: str, plan: dict) -> None:
    """Denied unless this person is the action's party; Refused (state) unless the plan is in
    one of the action's states. The system (commands, demo data) is every party."""
    rule = RULES[action]
    if actor.principal is not None and not party_may(actor.principal, action, plan):
        raise Denied(action)
    if plan["status"] not in rule.states:
        raise Refused({"plan": rule.refusal or not_now(plan, rule.to)}, state=True)


def not_now(plan: dict, to: str) -> str:
    doing = MOVE_WORDS.get(to, to)
    return f"The action plan is {PLAN_STATUS_WORDS[plan['status']]}: it cannot be {doing} now"


async def current_plan(actor: Actor, action: str, plan_id: int) -> dict:
    """The plan as it is inside the change's transaction (with its inspection, which says who
    leads it: HMIP's party), checked."""
    plan = await queries.plan_row(plan_id)
    if plan is None:
        raise Refused({"plan": "There is no such action plan"})
    check(actor, action, plan)
    return plan


async def plan_event(actor: Actor, plan_id: int, kind: str, comment: str = "") -> None:
    """The plan's own history line, and the plan's "last changed" time."""
    now = now_utc()
    await ActionPlanEvent.insert(
        ActionPlanEvent(plan=plan_id, kind=kind, comment=comment, by_user=actor.user_id, at=now)
    )
    await ActionPlan.update({ActionPlan.updated_at: now}).where(ActionPlan.id == plan_id)

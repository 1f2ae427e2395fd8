"""Who may do what with an action plan, and in which of the plan's states, as data.

The plan's workflow (MoU ¶37, ¶38): draft (the establishment) → submitted → quality assurance by
the Scrutiny Team (returned with comments, or accepted: quality-assured) → cleared by the
Executive Director (an HMPPS manager of the establishment; the service has no separate role) →
available (the Scrutiny Team makes the cleared plan available: this meets the three-month
milestone) → published on HMIP's website (recorded by HMIP: an HMIP manager or the inspection's
team leader). Each of these moves records the inspection fact STAGE_FACTS names, whose party in
the workflow table (timelines.core.workflow) is the same as the move's. RULES gives, for every
action, the party that takes it, the states it applies in and, for a move of the workflow, the
state it ends in; the operations check it (Denied: not this person's to do; Refused state=True:
not in this state) and templates ask `can(action, plan)`, which holds only when both do (tracker.policy).

Rows are plan rows as `actionplans.queries.plan_row` gives them: with "hmip_team" (the user ids
of the teams of this and every later inspection of the establishment: HMIP reads the plan that is
current when they next inspect, MoU ¶38).
"""

from __future__ import annotations

from dataclasses import dataclass

from timelines.core.workflow import EXECUTIVE_DIRECTOR as EXECUTIVE_DIRECTOR_PARTY
from tracker.access import allow, may_see_establishment
from tracker.policy import Grant, grant
from tracker.principal import Principal
from tracker.roles import Role

R = Role

STATES = ("draft", "submitted", "returned", "accepted", "cleared", "available", "published")
WITH_THE_ESTABLISHMENT = frozenset({"draft", "returned"})
# Rows may be edited while the establishment holds the plan, and again once it is published
# (the plan is kept current, MoU ¶38). While HMPPS has it, it is locked.
EDITABLE = WITH_THE_ESTABLISHMENT | {"published"}


def their_establishment(principal: Principal, row: dict) -> bool:
    return may_see_establishment(principal, row["establishment"])


def on_a_team(principal: Principal, row: dict) -> bool:
    return principal.user_id in row.get("hmip_team", ())


def leads_the_inspection(principal: Principal, row: dict) -> bool:
    return (row.get("inspection_row") or {}).get("team_leader") == principal.user_id


OWN = (grant(R.ESTABLISHMENT, when=their_establishment),)
SCRUTINY = (grant(R.HMPPS_SCRUTINY),)
EXECUTIVE_DIRECTOR = (grant(R.HMPPS_MANAGER, when=their_establishment),)
HMIP = (grant(R.HMIP_MANAGER), grant(R.HMIP_TEAM_LEADER, when=leads_the_inspection))


@dataclass(frozen=True)
class Rule:
    by: tuple[Grant, ...]
    states: frozenset[str] = frozenset(STATES)
    to: str = ""
    """For a move of the workflow: the state the plan is in afterwards."""
    refusal: str = ""
    """What a person is told when the plan is not in one of `states`."""


LOCKED = "The action plan cannot be changed while it is with HMPPS for quality assurance or clearance"

RULES: dict[str, Rule] = {
    # the establishment's work on its plan
    "plan.start": Rule(OWN),
    "plan.edit": Rule(OWN, EDITABLE, refusal=LOCKED),
    "plan.remove_action": Rule(
        OWN, WITH_THE_ESTABLISHMENT, refusal="Actions can only be removed before the plan is submitted"
    ),
    "plan.import": Rule(
        OWN,
        WITH_THE_ESTABLISHMENT,
        refusal="A spreadsheet can only be uploaded while the plan is a draft or has been returned",
    ),
    "plan.template": Rule(OWN),
    "plan.upload": Rule(OWN, EDITABLE, refusal="Files cannot be added while the plan is with HMPPS"),
    "plan.progress": Rule(
        OWN, frozenset({"published"}), refusal="Progress can be recorded once the action plan is published"
    ),
    # the workflow
    "plan.submit": Rule(OWN, WITH_THE_ESTABLISHMENT, to="submitted"),
    "plan.review": Rule(SCRUTINY, frozenset({"submitted"})),
    "plan.return": Rule(SCRUTINY, frozenset({"submitted"}), to="returned"),
    "plan.accept": Rule(SCRUTINY, frozenset({"submitted"}), to="accepted"),
    "plan.clear": Rule(EXECUTIVE_DIRECTOR, frozenset({"accepted"}), to="cleared"),
    "plan.make_available": Rule(SCRUTINY, frozenset({"cleared"}), to="available"),
    "plan.publish": Rule(HMIP, frozenset({"available"}), to="published"),
}

# The inspection fact each stage records (MoU ¶37): the first submission, quality assurance
# (acceptance), clearance, availability (which meets the milestone) and publication.
STAGE_FACTS = {
    "plan.submit": "action_plan_received",
    "plan.accept": "action_plan_quality_assured",
    "plan.clear": "action_plan_cleared",
    "plan.make_available": "action_plan_available",
    "plan.publish": "action_plan_published",
}


def in_states(states: frozenset[str]):
    def holds(principal: Principal, row: dict) -> bool:
        return row["status"] in states

    return holds


def _and(first, second):
    if first is None:
        return second
    return lambda principal, row: first(principal, row) and second(principal, row)


def _with_states(rule: Rule) -> tuple[Grant, ...]:
    if rule.states == frozenset(STATES):
        return rule.by
    return tuple(grant(*g.roles, when=_and(g.when, in_states(rule.states))) for g in rule.by)


POLICY = {
    "plan.read": (
        grant(R.HMIP_MANAGER, R.HMPPS_SCRUTINY),
        grant(R.HMPPS_MANAGER, R.ESTABLISHMENT, when=their_establishment),
        grant(R.HMIP_TEAM_LEADER, R.HMIP_INSPECTOR, when=on_a_team),
    ),
    **{action: _with_states(rule) for action, rule in RULES.items()},
    # The workflow's party for clearance (timelines.core.workflow EXECUTIVE_DIRECTOR); rows are
    # inspection rows, which carry their establishment.
    f"fact.{EXECUTIVE_DIRECTOR_PARTY}": EXECUTIVE_DIRECTOR,
}


def party_may(principal: Principal, action: str, row: dict) -> bool:
    """Is this person the party that takes `action` on this plan, whatever its state?"""
    return any(g.allows(principal, row) for g in RULES[action].by)


def route_rule(*actions: str):
    """The route rule (tracker.access.allow) for a page of these actions: every role they name."""
    grants = [g for action in actions for g in POLICY[action]]
    return allow(*frozenset().union(*(g.roles for g in grants)))

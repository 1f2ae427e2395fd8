"""The action plan policy, cell by cell: every action × every role, their own establishment or
another, and every state of the plan (no database, no HTTP)."""

import pytest

from tracker import policy
from tracker.principal import Principal
from tracker.roles import Role

STATES = ("draft", "submitted", "returned", "accepted", "cleared", "available", "published")
ANY = set(STATES)
OWN_ESTABLISHMENT = 1
ME = 7

# action → (who, in which states): who is a set of (role, own establishment?) pairs.
EST = {(Role.ESTABLISHMENT, True)}
QA = {(Role.HMPPS_SCRUTINY, True), (Role.HMPPS_SCRUTINY, False)}
ED = {(Role.HMPPS_MANAGER, True)}
# HMIP: an HMIP manager anywhere, a team leader for the inspection they led ("own" here).
HMIP = {(Role.HMIP_MANAGER, True), (Role.HMIP_MANAGER, False), (Role.HMIP_TEAM_LEADER, True)}
EXPECTED = {
    "plan.start": (EST, ANY),
    "plan.edit": (EST, {"draft", "returned", "published"}),
    "plan.remove_action": (EST, {"draft", "returned"}),
    "plan.import": (EST, {"draft", "returned"}),
    "plan.template": (EST, ANY),
    "plan.upload": (EST, {"draft", "returned", "published"}),
    "plan.progress": (EST, {"published"}),
    "plan.submit": (EST, {"draft", "returned"}),
    "plan.review": (QA, {"submitted"}),
    "plan.return": (QA, {"submitted"}),
    "plan.accept": (QA, {"submitted"}),
    "plan.clear": (ED, {"accepted"}),
    "plan.make_available": (QA, {"cleared"}),
    "plan.publish": (HMIP, {"available"}),
    "fact.executive_director": (ED, ANY),
    "plan.read": (
        {(r, own) for r in (Role.HMIP_MANAGER, Role.HMPPS_SCRUTINY) for own in (True, False)}
        | {(Role.HMPPS_MANAGER, True), (Role.ESTABLISHMENT, True)}
        | {(Role.HMIP_TEAM_LEADER, True), (Role.HMIP_INSPECTOR, True)},
        ANY,
    ),
}


@pytest.fixture(autouse=True, scope="module")
def registered():
    import actionplans.policy

    policy.register(actionplans.policy.POLICY)


def principal(role: Role) -> Principal:
    scoped = role in (Role.ESTABLISHMENT, Role.HMPPS_MANAGER)
    return Principal(
        ME,
        "someone",
        "Someone",
        frozenset({role}),
        establishment_ids=frozenset({OWN_ESTABLISHMENT}) if scoped else frozenset(),
        prison_group="Yorkshire" if role == Role.HMPPS_MANAGER else "",
    )


def plan(status: str, own: bool) -> dict:
    """A plan of their own establishment (and, for HMIP, an inspection they are on the team of)."""
    return {
        "id": 1,
        "status": status,
        "establishment": OWN_ESTABLISHMENT if own else 2,
        "hmip_team": frozenset({ME}) if own else frozenset({99}),
        "inspection_row": {"team_leader": ME if own else 99},
    }


CELLS = [
    (action, role, own, status)
    for action in EXPECTED
    for role in Role
    for own in (True, False)
    for status in STATES
]


def test_every_action_of_the_policy_is_in_the_table():
    import actionplans.policy

    assert set(actionplans.policy.POLICY) == set(EXPECTED)


@pytest.mark.parametrize("action", list(EXPECTED))
def test_each_cell(action):
    wrong = []
    who, states = EXPECTED[action]
    for _, role, own, status in (c for c in CELLS if c[0] == action):
        expected = (role, own) in who and status in states
        if policy.can(principal(role), action, plan(status, own)) != expected:
            wrong.append((role.value, "own" if own else "other", status, expected))
    assert wrong == []


def test_the_establishment_is_never_offered_clearance_and_nobody_clears_a_published_plan():
    governor = principal(Role.ESTABLISHMENT)
    assert not any(policy.can(governor, "plan.clear", plan(s, True)) for s in STATES)
    manager = principal(Role.HMPPS_MANAGER)
    assert not any(policy.can(principal(r), "plan.clear", plan("published", True)) for r in Role)
    assert policy.can(manager, "plan.clear", plan("accepted", True))


def test_every_move_of_the_workflow_ends_in_a_state_and_starts_where_it_may():
    from actionplans.policy import RULES

    moves = {a: r for a, r in RULES.items() if r.to}
    assert {a: (sorted(r.states), r.to) for a, r in moves.items()} == {
        "plan.submit": (["draft", "returned"], "submitted"),
        "plan.return": (["submitted"], "returned"),
        "plan.accept": (["submitted"], "accepted"),
        "plan.clear": (["accepted"], "cleared"),
        "plan.make_available": (["cleared"], "available"),
        "plan.publish": (["available"], "published"),
    }


def test_each_stage_of_the_workflow_records_its_fact_by_the_party_the_workflow_names():
    """¶37's stages: the plan's move and the inspection's fact name the same party."""
    from actionplans.policy import RULES, STAGE_FACTS
    from timelines.core.workflow import STEP

    assert STAGE_FACTS == {
        "plan.submit": "action_plan_received",
        "plan.accept": "action_plan_quality_assured",
        "plan.clear": "action_plan_cleared",
        "plan.make_available": "action_plan_available",
        "plan.publish": "action_plan_published",
    }
    for action, fact in STAGE_FACTS.items():
        assert RULES[action].to, action
        assert STEP[fact].recorded_by, fact

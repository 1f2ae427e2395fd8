"""factcheck.policy, cell by cell (no HTTP, no database): every action × every role, on or off
the inspection's team, own or another establishment, draft shared or not."""

import pytest

import factcheck.policy
import inspections.policy
from inspections.operations.facts import may_record
from tracker import policy
from tracker.principal import Principal
from tracker.roles import Role

policy.register(inspections.policy.POLICY)
policy.register(factcheck.policy.POLICY)

OWN, OTHER = 10, 20
LEADER, MEMBER, STRANGER = 1, 2, 3


def _who(role: Role, user_id: int = 9, establishment: int | None = None) -> Principal:
    ids = frozenset({establishment}) if establishment else frozenset()
    return Principal(user_id, f"user{user_id}", "Someone", frozenset({role}), establishment_ids=ids)


# (person, the fact check's row as the policy reads it)
def _row(establishment: int = OWN, shared: bool = True) -> dict:
    return {
        "id": 1,
        "team_leader": LEADER,
        "team": frozenset({MEMBER}),
        "establishment": establishment,
        "shared": shared,
    }


SCENARIOS = {
    "team leader who leads it": (_who(Role.HMIP_TEAM_LEADER, LEADER), _row()),
    "team leader on its team": (_who(Role.HMIP_TEAM_LEADER, MEMBER), _row()),
    "team leader not on it": (_who(Role.HMIP_TEAM_LEADER, STRANGER), _row()),
    "inspector on its team": (_who(Role.HMIP_INSPECTOR, MEMBER), _row()),
    "inspector not on it": (_who(Role.HMIP_INSPECTOR, STRANGER), _row()),
    "HMIP manager": (_who(Role.HMIP_MANAGER), _row()),
    "Scrutiny Team": (_who(Role.HMPPS_SCRUTINY), _row()),
    "HMPPS manager of the establishment": (_who(Role.HMPPS_MANAGER, establishment=OWN), _row()),
    "establishment, draft shared": (_who(Role.ESTABLISHMENT, establishment=OWN), _row()),
    "establishment, draft not shared": (_who(Role.ESTABLISHMENT, establishment=OWN), _row(shared=False)),
    "another establishment": (_who(Role.ESTABLISHMENT, establishment=OTHER), _row()),
    "administrator": (_who(Role.ADMIN), _row()),
}

TEAM = {
    "team leader who leads it",
    "team leader on its team",
    "inspector on its team",
    "HMIP manager",
    "Scrutiny Team",
}
LEAD = {"team leader who leads it", "HMIP manager"}
SCRUTINY = {"Scrutiny Team"}

EXPECTED = {
    "factcheck.queue": {"HMIP manager", "Scrutiny Team"},
    "factcheck.read": TEAM | {"establishment, draft shared"},
    "factcheck.read_all": TEAM,
    "factcheck.draft.upload": LEAD,
    "factcheck.draft.share": SCRUTINY,
    "factcheck.point.add": SCRUTINY | {"establishment, draft shared"},
    "factcheck.point.take_in": SCRUTINY,
    "factcheck.point.edit": SCRUTINY | {"establishment, draft shared"},
    "factcheck.point.withdraw": {"establishment, draft shared"},
    "factcheck.points.import": SCRUTINY,
    "factcheck.return.prepare": SCRUTINY,
    "factcheck.point.answer": LEAD,
    "factcheck.data.add": LEAD,
    "factcheck.data.respond": SCRUTINY,
    "factcheck.data.resolve": LEAD,
    "factcheck.data.proceed": LEAD,
    "factcheck.photo.add": LEAD,
    "factcheck.photo.respond": SCRUTINY,
    "factcheck.photo.resolve": LEAD,
    "factcheck.data.override": LEAD,
    "factcheck.photo.override": LEAD,
    "factcheck.photo.consent_withdrawn": LEAD,
    "factcheck.photo.remove": LEAD,
    "factcheck.record.draft_sent": LEAD,
    "factcheck.record.factcheck_returned": SCRUTINY,
    "factcheck.record.hmip_response_sent": LEAD,
    "factcheck.record.factcheck_deadline_passed_proceeded": LEAD,
    "factcheck.record.published": LEAD,
    "factcheck.record.press_release_shared": LEAD,
    "factcheck.record.hmpps_response_letter": SCRUTINY | LEAD,
    "factcheck.record.emerging_findings_discussed": LEAD,
}


def test_every_factcheck_action_has_its_row_in_this_table():
    assert set(factcheck.policy.POLICY) == set(EXPECTED)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_who_may(action):
    allowed = {name for name, (who, row) in SCENARIOS.items() if policy.can(who, action, row)}
    assert allowed == EXPECTED[action]


@pytest.mark.parametrize("fact", factcheck.policy.FACTS)
def test_who_records_a_fact_is_the_workflows_party(fact):
    for name, (who, row) in SCENARIOS.items():
        assert policy.can(who, f"factcheck.record.{fact}", row) == may_record(who, fact, row), name


@pytest.mark.parametrize("action", sorted(factcheck.policy.STAGES))
def test_a_finished_stage_offers_nothing_to_anyone(action):
    """Points and the return until the return is submitted; the draft's file, data items and
    photographs until publication: `can` holds only then, whoever asks (issue 16)."""
    stage = factcheck.policy.STAGES[action]
    finished = {"returned": True, "published": True}
    for name, (who, row) in SCENARIOS.items():
        assert not policy.can(who, action, row | finished), name
        assert factcheck.policy.party_may(who, action, row | finished) == (name in EXPECTED[action]), name
    assert factcheck.policy.stage_refusal(action, _row() | finished) == stage.refusal
    assert factcheck.policy.stage_refusal(action, _row()) == ""

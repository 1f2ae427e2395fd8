"""Every cell of the inspections policy: each action × each role × their relation to the row
(leads it, on its team, their establishment or another's) and the row's state. Fast: no database.
The expectations are written out here from DOMAIN.md's table of roles, not derived from the code."""

import pytest

from inspections.policy import POLICY
from tracker import policy
from tracker.principal import Principal
from tracker.roles import Role

policy.register(POLICY)

ME, OTHER = 7, 8
OWN, ELSEWHERE = 1, 2

RELATIONS = {
    "leads": dict(team_leader=ME, team=frozenset(), establishment=OWN),
    "on team": dict(team_leader=OTHER, team=frozenset({ME}), establishment=OWN),
    "own establishment": dict(team_leader=OTHER, team=frozenset(), establishment=OWN),
    "elsewhere": dict(team_leader=OTHER, team=frozenset(), establishment=ELSEWHERE),
}


def person(role: Role) -> Principal:
    scoped = role in (Role.ESTABLISHMENT, Role.HMPPS_MANAGER)
    return Principal(
        ME, "me", "Me", frozenset({role}), establishment_ids=frozenset({OWN}) if scoped else frozenset(),
        prison_group="North" if role == Role.HMPPS_MANAGER else "",
    )


def row(relation: str, kind: str = "full", urgent: bool = False) -> dict:
    return {"id": 1, "kind": kind, "urgent_notification": urgent, **RELATIONS[relation]}


L, N, M = Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR, Role.HMIP_MANAGER
S, H, E, A = Role.HMPPS_SCRUTINY, Role.HMPPS_MANAGER, Role.ESTABLISHMENT, Role.ADMIN
ALL = (L, N, M, S, H, E, A)

# action -> relation -> the roles that may
EXPECTED = {
    "inspection.read": {
        "leads": {L, N, M, S, H, E},  # an inspector who leads it: the team leader field is theirs
        "on team": {L, N, M, S, H, E},
        "own establishment": {L, M, S, H, E},
        "elsewhere": {L, M, S},
    },
    "inspection.change": {"leads": {L, M}, "on team": {M}, "own establishment": {M}, "elsewhere": {M}},
    "fact.hmip": {"leads": {L, M}, "on team": {M}, "own establishment": {M}, "elsewhere": {M}},
    "fact.scrutiny": {r: {S} for r in RELATIONS},
    "fact.establishment": {"leads": {E}, "on team": {E}, "own establishment": {E}, "elsewhere": set()},
    # before HMIP records the copy sent to HMPPS HQ (¶25): HMIP and the establishment only
    "debrief_note.read": {
        "leads": {L, N, M, E},
        "on team": {L, N, M, E},
        "own establishment": {M, E},
        "elsewhere": {M},
    },
}

# once the copy to HMPPS HQ is recorded (¶25): the Scrutiny Team and the establishment's HMPPS managers too
NOTE_AFTER_COPY = {
    "leads": {L, N, M, S, H, E},
    "on team": {L, N, M, S, H, E},
    "own establishment": {M, S, H, E},
    "elsewhere": {M, S},
}


@pytest.mark.parametrize("relation", sorted(RELATIONS))
@pytest.mark.parametrize("role", ALL, ids=lambda r: r.value)
def test_hq_reads_the_note_once_the_copy_is_recorded(relation, role):
    sent = {**row(relation), "note_sent_to_hq": True}
    assert policy.can(person(role), "debrief_note.read", sent) is (role in NOTE_AFTER_COPY[relation])


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("relation", sorted(RELATIONS))
@pytest.mark.parametrize("role", ALL, ids=lambda r: r.value)
def test_each_cell(action, relation, role):
    expected = role in EXPECTED[action][relation]
    assert policy.can(person(role), action, row(relation)) is expected, (action, relation, role)


@pytest.mark.parametrize("role", ALL, ids=lambda r: r.value)
def test_states_narrow_what_is_offered(role):
    may_change = role in (L, M)
    assert policy.can(person(role), "inspection.raise_urgent_notification", row("leads")) is may_change
    assert not policy.can(person(role), "inspection.raise_urgent_notification", row("leads", urgent=True))
    assert not policy.can(person(role), "inspection.raise_urgent_notification", row("leads", kind="irp"))
    assert policy.can(person(role), "debrief.record", row("leads", kind="irp")) is may_change
    assert not policy.can(person(role), "debrief.record", row("leads", kind="thematic"))
    assert policy.can(person(role), "inspection.choose_follow_ups", row("leads", kind="irp")) is may_change
    assert not policy.can(person(role), "inspection.choose_follow_ups", row("leads"))


def test_only_an_hmip_manager_creates_anothers_inspection_and_admins_keep_establishments():
    assert [r for r in ALL if policy.can(person(r), "inspection.lead_anyones")] == [M]
    assert {r for r in ALL if policy.can(person(r), "inspection.create")} == {L, M}
    assert {r for r in ALL if policy.can(person(r), "establishment.change")} == {M, A}


def test_nobody_may_do_an_unregistered_action():
    with pytest.raises(KeyError):
        policy.can(person(M), "inspection.delete", row("leads"))
    assert not policy.can(None, "inspection.read", row("leads"))

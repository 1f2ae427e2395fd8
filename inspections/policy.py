"""Who may do what with an inspection, its facts and its debrief note (evaluated by tracker.policy).

Rows are inspection rows as `inspections.permissions.load_inspection` gives them: with "team"
(the user ids of the team members besides the team leader).
"""

from __future__ import annotations

from timelines.core.workflow import ESTABLISHMENT, HMIP, SCRUTINY
from tracker.access import may_see_establishment
from tracker.policy import grant
from tracker.principal import Principal
from tracker.roles import Role

R = Role


def leads(principal: Principal, row: dict) -> bool:
    return row["team_leader"] == principal.user_id


def on_team(principal: Principal, row: dict) -> bool:
    return leads(principal, row) or principal.user_id in row.get("team", ())


def their_establishment(principal: Principal, row: dict) -> bool:
    return may_see_establishment(principal, row["establishment"])


HMIP_LEAD = (grant(R.HMIP_MANAGER), grant(R.HMIP_TEAM_LEADER, when=leads))

POLICY = {
    "inspection.read": (
        grant(R.HMIP_MANAGER, R.HMIP_TEAM_LEADER, R.HMPPS_SCRUTINY),
        grant(R.HMPPS_MANAGER, R.ESTABLISHMENT, when=their_establishment),
        grant(R.HMIP_INSPECTOR, when=on_team),
    ),
    "inspection.create": (grant(R.HMIP_MANAGER, R.HMIP_TEAM_LEADER),),
    "inspection.change": HMIP_LEAD,
    "inspection.raise_urgent_notification": HMIP_LEAD,
    # Who records a fact: the workflow table names a party per fact (timelines.core.workflow).
    f"fact.{HMIP}": HMIP_LEAD,
    f"fact.{SCRUTINY}": (grant(R.HMPPS_SCRUTINY),),
    f"fact.{ESTABLISHMENT}": (grant(R.ESTABLISHMENT, when=their_establishment),),
    "debrief.record": HMIP_LEAD,
    "debrief_note.read": (
        grant(R.HMIP_MANAGER),
        grant(R.HMIP_TEAM_LEADER, R.HMIP_INSPECTOR, when=on_team),
        grant(R.HMPPS_SCRUTINY),
        grant(R.ESTABLISHMENT, R.HMPPS_MANAGER, when=their_establishment),
    ),
}

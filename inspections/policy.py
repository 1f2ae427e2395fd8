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


def full_without_urgent_notification(principal: Principal, row: dict) -> bool:
    return row["kind"] == "full" and not row.get("urgent_notification")


def has_a_debrief(principal: Principal, row: dict) -> bool:
    """A full inspection or an IRP ends with a formal debrief (¶23, ¶25); a thematic review not."""
    return row["kind"] in ("full", "irp")


def note_sent_to_hq(principal: Principal, row: dict) -> bool:
    """HMIP has recorded the debrief note's copy to HMPPS HQ (¶25; the row says, see
    inspections.permissions.with_note_copy)."""
    return bool(row.get("note_sent_to_hq"))


def is_irp(principal: Principal, row: dict) -> bool:
    return row["kind"] == "irp"


HMPPS_SIDE = ("scrutiny", "establishment", "hmpps")


def hmpps_deadline(principal: Principal, row: dict) -> bool:
    return row["owner"] in HMPPS_SIDE


def all_of(*predicates):
    def check(principal: Principal, row: dict) -> bool:
        return all(p(principal, row) for p in predicates)

    return check


def hmip_lead(*states):
    """The inspection's team leader or an HMIP manager, while the row is in these states."""
    return (
        grant(R.HMIP_MANAGER, when=all_of(*states) if states else None),
        grant(R.HMIP_TEAM_LEADER, when=all_of(leads, *states)),
    )


HMIP_LEAD = hmip_lead()

POLICY = {
    "inspection.read": (
        grant(R.HMIP_MANAGER, R.HMIP_TEAM_LEADER, R.HMPPS_SCRUTINY),
        grant(R.HMPPS_MANAGER, R.ESTABLISHMENT, when=their_establishment),
        grant(R.HMIP_INSPECTOR, when=on_team),
    ),
    "inspection.create": (grant(R.HMIP_MANAGER, R.HMIP_TEAM_LEADER),),
    "inspection.lead_anyones": (grant(R.HMIP_MANAGER),),
    "establishment.change": (grant(R.HMIP_MANAGER, R.ADMIN),),
    "inspection.change": HMIP_LEAD,
    "inspection.raise_urgent_notification": hmip_lead(full_without_urgent_notification),
    "inspection.choose_follow_ups": hmip_lead(is_irp),
    "inspection.add_recommendations": HMIP_LEAD,
    # Who records a fact: the workflow table names a party per fact (timelines.core.workflow).
    f"fact.{HMIP}": HMIP_LEAD,
    f"fact.{SCRUTINY}": (grant(R.HMPPS_SCRUTINY),),
    f"fact.{ESTABLISHMENT}": (grant(R.ESTABLISHMENT, when=their_establishment),),
    "debrief.record": hmip_lead(has_a_debrief),
    # An agreed extension of a milestone (DOMAIN.md, "Extensions"): any deadline by an HMIP manager
    # (JOURNEYS.md: the Scrutiny Team asks for two more days on a fact check and an HMIP manager
    # records the agreed extension); HMPPS's also by the Scrutiny Team or an HMPPS manager for the
    # establishment, with HMIP's agreement recorded. Rows: the inspection row with the milestone's "owner".
    "deadline.extend": (
        grant(R.HMIP_MANAGER),
        grant(R.HMPPS_SCRUTINY, when=hmpps_deadline),
        grant(R.HMPPS_MANAGER, when=all_of(hmpps_deadline, their_establishment)),
    ),
    # ¶25: the Governor gets the note at the debrief; HMPPS HQ (the Scrutiny Team, the HMPPS
    # managers for the establishment) once HMIP has recorded the copy sent to HQ.
    "debrief_note.read": (
        grant(R.HMIP_MANAGER),
        grant(R.HMIP_TEAM_LEADER, R.HMIP_INSPECTOR, when=on_team),
        grant(R.ESTABLISHMENT, when=their_establishment),
        grant(R.HMPPS_SCRUTINY, when=note_sent_to_hq),
        grant(R.HMPPS_MANAGER, when=all_of(their_establishment, note_sent_to_hq)),
    ),
}

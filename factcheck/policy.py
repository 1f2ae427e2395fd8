"""Who may do what in the fact check (MoU ¶31-¶35, ¶18, Annex A), evaluated by tracker.policy.

A draft report, its accuracy points, data items and photographs are for the inspection's HMIP
team, HMIP managers and the Scrutiny Team; the establishment concerned sees the draft (and may
propose points) only once the Scrutiny Team has shared it (¶32). Nobody else sees a draft.

Rows are factcheck.queries.factcheck_row: the inspection with its "team", its "draft" and
whether the draft is "shared". Who records each dated fact is not written here again: the
workflow table names the party (timelines.core.workflow STEP[fact].recorded_by) and the
inspections policy says who that party is for this row (inspections.policy "fact.<party>").
What state the fact check must be in for a change (returned, answered, ...) is checked by the
operation, which says why in words (Refused), not here.
"""

from __future__ import annotations

from inspections.policy import HMIP_LEAD, on_team, their_establishment
from inspections.policy import POLICY as INSPECTION_POLICY
from timelines.core.workflow import PROCEEDED, STEP
from tracker.policy import grant
from tracker.principal import Principal
from tracker.roles import Role

R = Role

# The dated facts the fact check records (as inspection events, through inspections.events).
FACTS = (
    "draft_sent",
    "factcheck_returned",
    "hmip_response_sent",
    PROCEEDED,
    "published",
    "press_release_shared",
    "hmpps_response_letter",
    "emerging_findings_discussed",
)


def shared_with_them(principal: Principal, row: dict) -> bool:
    return bool(row.get("shared")) and their_establishment(principal, row)


def recorders(fact: str) -> tuple:
    """The grants of the parties the workflow names for this fact: the same cells as
    inspections.operations.facts.may_record, for templates to offer the action."""
    return tuple(g for party in STEP[fact].recorded_by for g in INSPECTION_POLICY[f"fact.{party}"])


TEAM = (grant(R.HMIP_MANAGER, R.HMPPS_SCRUTINY), grant(R.HMIP_TEAM_LEADER, R.HMIP_INSPECTOR, when=on_team))
SCRUTINY = (grant(R.HMPPS_SCRUTINY),)

POLICY = {
    "factcheck.queue": (grant(R.HMPPS_SCRUTINY, R.HMIP_MANAGER),),
    # the draft and the establishment's own proposals; the establishment once the draft is shared
    "factcheck.read": (*TEAM, grant(R.ESTABLISHMENT, when=shared_with_them)),
    # the whole fact check: every point, data items, photographs, summaries, the publication page
    "factcheck.read_all": TEAM,
    "factcheck.draft.upload": HMIP_LEAD,
    "factcheck.draft.share": SCRUTINY,
    "factcheck.point.add": (*SCRUTINY, grant(R.ESTABLISHMENT, when=shared_with_them)),
    "factcheck.point.take_in": SCRUTINY,
    "factcheck.points.import": SCRUTINY,
    "factcheck.return.prepare": SCRUTINY,
    "factcheck.point.answer": HMIP_LEAD,
    "factcheck.data.add": HMIP_LEAD,
    "factcheck.data.respond": SCRUTINY,
    "factcheck.data.resolve": HMIP_LEAD,
    "factcheck.data.proceed": HMIP_LEAD,
    "factcheck.photo.add": HMIP_LEAD,
    "factcheck.photo.respond": SCRUTINY,
    "factcheck.photo.resolve": HMIP_LEAD,
    **{f"factcheck.record.{fact}": recorders(fact) for fact in FACTS},
}

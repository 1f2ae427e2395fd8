"""Who may do what in the fact check (MoU ¶31-¶35, ¶18, Annex A), evaluated by tracker.policy.

A draft report, its accuracy points, data items and photographs are for the inspection's HMIP
team, HMIP managers and the Scrutiny Team; the establishment concerned sees the draft (and may
propose points) only once the Scrutiny Team has shared it (¶32). Nobody else sees a draft.

Rows are factcheck.queries.factcheck_row: the inspection with its "team", its "draft" and
whether the draft is "shared". Who records each dated fact is not written here again: the
workflow table names the party (timelines.core.workflow STEP[fact].recorded_by) and the
inspections policy says who that party is for this row (inspections.policy "fact.<party>").
Some actions belong to a stage of the fact check (STAGES): points and the return's details only
until the return is submitted; the draft's file, data items and photographs only until
publication. `can` holds only in that stage, so a page never offers a finished stage's action;
the operations ask `party_may` (Denied: not this person's to do) and `stage_refusal` (Refused
state=True, in words: not at this stage). Rows carry "returned" and "published" for this.
Finer states (answered, responded, ...) are checked by the operation, which says why in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspections.policy import HMIP_LEAD, on_team, their_establishment
from inspections.policy import POLICY as INSPECTION_POLICY
from timelines.core.workflow import PROCEEDED, STEP
from tracker.policy import Grant, Predicate, grant
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


def before_return(principal: Principal, row: dict) -> bool:
    return not row.get("returned")


def before_publication(principal: Principal, row: dict) -> bool:
    return not row.get("published")


@dataclass(frozen=True)
class Stage:
    holds: Predicate
    refusal: str


OPEN_RETURN = Stage(before_return, "The fact check has already been returned")
UNPUBLISHED = Stage(before_publication, "The report has been published")

TEAM = (grant(R.HMIP_MANAGER, R.HMPPS_SCRUTINY), grant(R.HMIP_TEAM_LEADER, R.HMIP_INSPECTOR, when=on_team))
SCRUTINY = (grant(R.HMPPS_SCRUTINY),)

PARTIES = {
    "factcheck.queue": (grant(R.HMPPS_SCRUTINY, R.HMIP_MANAGER),),
    # the draft and the establishment's own proposals; the establishment once the draft is shared
    "factcheck.read": (*TEAM, grant(R.ESTABLISHMENT, when=shared_with_them)),
    # the whole fact check: every point, data items, photographs, summaries, the publication page
    "factcheck.read_all": TEAM,
    "factcheck.draft.upload": HMIP_LEAD,
    "factcheck.draft.share": SCRUTINY,
    "factcheck.point.add": (*SCRUTINY, grant(R.ESTABLISHMENT, when=shared_with_them)),
    "factcheck.point.take_in": SCRUTINY,
    # the Scrutiny Team any point; the establishment its own proposals (the operation checks whose)
    "factcheck.point.edit": (*SCRUTINY, grant(R.ESTABLISHMENT, when=shared_with_them)),
    "factcheck.point.withdraw": (grant(R.ESTABLISHMENT, when=shared_with_them),),
    "factcheck.points.import": SCRUTINY,
    "factcheck.return.prepare": SCRUTINY,
    "factcheck.point.answer": HMIP_LEAD,
    "factcheck.data.add": HMIP_LEAD,
    "factcheck.data.respond": SCRUTINY,
    "factcheck.data.resolve": HMIP_LEAD,
    "factcheck.data.proceed": HMIP_LEAD,
    # the decision to publish is HMIP's (MoU ¶31): over an objection to non-Hub data or a photograph
    "factcheck.data.override": HMIP_LEAD,
    "factcheck.photo.add": HMIP_LEAD,
    "factcheck.photo.respond": SCRUTINY,
    "factcheck.photo.resolve": HMIP_LEAD,
    "factcheck.photo.override": HMIP_LEAD,
    "factcheck.photo.consent_withdrawn": HMIP_LEAD,
    "factcheck.photo.remove": HMIP_LEAD,
    **{f"factcheck.record.{fact}": recorders(fact) for fact in FACTS},
}

NO_PHOTOGRAPH = Stage(
    before_publication, "No photograph can be added after the report is published (Annex A)"
)

STAGES = {
    "factcheck.point.add": OPEN_RETURN,
    "factcheck.point.take_in": OPEN_RETURN,
    "factcheck.point.edit": OPEN_RETURN,
    "factcheck.point.withdraw": OPEN_RETURN,
    "factcheck.points.import": OPEN_RETURN,
    "factcheck.return.prepare": OPEN_RETURN,
    "factcheck.draft.upload": UNPUBLISHED,
    "factcheck.data.add": UNPUBLISHED,
    "factcheck.data.override": UNPUBLISHED,
    "factcheck.photo.add": NO_PHOTOGRAPH,
    "factcheck.photo.override": UNPUBLISHED,
    "factcheck.photo.remove": UNPUBLISHED,
}


def _in_stage(grants: tuple[Grant, ...], stage: Stage | None) -> tuple[Grant, ...]:
    if stage is None:
        return grants

    def both(first):
        if first is None:
            return stage.holds
        return lambda principal, row: first(principal, row) and stage.holds(principal, row)

    return tuple(grant(*g.roles, when=both(g.when)) for g in grants)


POLICY = {action: _in_stage(grants, STAGES.get(action)) for action, grants in PARTIES.items()}


def party_may(principal: Principal, action: str, row: dict) -> bool:
    """Is this person the one who does `action` to this row, whatever the fact check's stage?"""
    return any(g.allows(principal, row) for g in PARTIES[action])


def stage_refusal(action: str, row: dict) -> str:
    """Why `action` cannot be done at the fact check's stage, or "" when it can."""
    stage = STAGES.get(action)
    return "" if stage is None or stage.holds(None, row) else stage.refusal

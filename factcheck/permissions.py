"""Who may see and do what in the fact check (MoU ¶31-¶35, ¶18, Annex A).

A draft report, its accuracy points, data items and photographs are for the inspection's HMIP
team, HMIP managers and the Scrutiny Team; the establishment concerned sees the draft (and may
propose points) only once the Scrutiny Team has shared it (¶32). Nobody else sees a draft.

Route rules let establishment users through every route that takes an inspection id, so that
another establishment's id (or an unshared draft) is reported as missing: 404, audited, nothing
of it in the body (SECURITY.md A1). Someone who may see the inspection but not do the action
gets 403 (audited).
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.exceptions import NotFoundException, PermissionDeniedException

from factcheck.tables import DraftReport
from inspections.tables import Inspection
from tracker import audit
from tracker.access import allow, current, deny_as_not_found, may_see_establishment
from tracker.principal import Principal
from tracker.roles import Role

# Actions
VIEW = "view"  # read the fact check: draft, points, answers, data items, photographs
HMIP = "hmip"  # the inspection's team leader or an HMIP manager: draft, answers, data, publication
SCRUTINY = "scrutiny"  # the Scrutiny Team: share, return, points, responses
PROPOSE = "propose"  # the Scrutiny Team, or the establishment once the draft is shared
RESPOND_LETTER = "letter"  # IRP response letter: the Scrutiny Team or HMIP
TEAM = "team"  # HMIP team and managers and the Scrutiny Team (not the establishment): summaries

# Route rules (who may call a route at all). Establishment users pass so another establishment's
# id gives 404 rather than 403; the handler then refuses what is not theirs to do.
EST = Role.ESTABLISHMENT
READERS = allow(Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR, Role.HMIP_MANAGER, Role.HMPPS_SCRUTINY, EST)
HMIP_EDITORS = allow(Role.HMIP_TEAM_LEADER, Role.HMIP_MANAGER, EST)
SCRUTINY_ONLY = allow(Role.HMPPS_SCRUTINY, EST)
PROPOSERS = allow(Role.HMPPS_SCRUTINY, EST)
LETTER_WRITERS = allow(Role.HMPPS_SCRUTINY, Role.HMIP_TEAM_LEADER, Role.HMIP_MANAGER, EST)
QUEUE = allow(Role.HMPPS_SCRUTINY, Role.HMIP_MANAGER)

ROLE_RULES = {
    VIEW: READERS,
    HMIP: HMIP_EDITORS,
    SCRUTINY: SCRUTINY_ONLY,
    PROPOSE: PROPOSERS,
    RESPOND_LETTER: LETTER_WRITERS,
}


@dataclass
class Access:
    """The inspection, who is asking, and what they may do with its fact check."""

    inspection: dict
    principal: Principal
    draft: dict | None
    on_team: bool

    @property
    def id(self) -> int:
        return self.inspection["id"]

    @property
    def is_establishment(self) -> bool:
        return self.principal.has(Role.ESTABLISHMENT) and not (
            self.principal.is_hmip or self.principal.has(Role.HMPPS_SCRUTINY)
        )

    @property
    def shared(self) -> bool:
        return bool(self.draft and self.draft["shared_with_establishment"])

    @property
    def is_lead_or_manager(self) -> bool:
        p = self.principal
        return p.has(Role.HMIP_MANAGER) or (
            p.has(Role.HMIP_TEAM_LEADER) and self.inspection["team_leader"] == p.user_id
        )

    @property
    def is_scrutiny(self) -> bool:
        return self.principal.has(Role.HMPPS_SCRUTINY)

    @property
    def sees_everything(self) -> bool:
        """HMIP team and managers and the Scrutiny Team see the whole fact check."""
        p = self.principal
        return p.has(Role.HMIP_MANAGER, Role.HMPPS_SCRUTINY) or (
            p.has(Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR) and self.on_team
        )

    def may(self, action: str) -> bool:
        if action == VIEW:
            return self.sees_everything or (self.is_establishment and self.shared)
        if action == HMIP:
            return self.is_lead_or_manager
        if action == SCRUTINY:
            return self.is_scrutiny
        if action == PROPOSE:
            return self.is_scrutiny or (self.is_establishment and self.shared)
        if action == TEAM:
            return self.sees_everything
        if action == RESPOND_LETTER:
            return self.is_scrutiny or self.is_lead_or_manager
        raise ValueError(f"unknown action {action!r}")


async def inspection_row(inspection_id: int) -> dict | None:
    return (
        await Inspection.select(
            *Inspection.all_columns(),
            Inspection.establishment.name.as_alias("establishment_name"),
            Inspection.team_leader.display_name.as_alias("team_leader_name"),
        )
        .where(Inspection.id == inspection_id)
        .output(load_json=True)
        .first()
    )


async def draft_row(inspection_id: int) -> dict | None:
    return await DraftReport.select().where(DraftReport.inspection == inspection_id).first()


async def is_on_team(principal: Principal, inspection: dict) -> bool:
    from inspections.permissions import team_ids

    if inspection["team_leader"] == principal.user_id:
        return True
    return principal.user_id in await team_ids(inspection["id"])


async def access_for(principal: Principal, inspection: dict) -> Access:
    from factcheck.services import draft_from_events

    return Access(
        inspection=inspection,
        principal=principal,
        draft=await draft_row(inspection["id"]) or await draft_from_events(inspection["id"]),
        on_team=await is_on_team(principal, inspection),
    )


async def load(request, inspection_id: int, action: str = VIEW) -> Access:
    """The inspection's fact check for this person, or 404/403 (audited).

    404 when the inspection is missing, belongs to an establishment they may not see, is not
    theirs to see as HMIP (an inspector not on the team), or (for an establishment user) the
    draft has not been shared with them. 403 when they may see it but not do `action`.
    """
    principal = current(request)
    row = await inspection_row(inspection_id)
    if row is None:
        raise NotFoundException("Page not found")
    if not may_see_establishment(principal, row["establishment"]):
        await deny_as_not_found(request, "inspection", inspection_id)
    access = await access_for(principal, row)
    if not access.may(VIEW):
        await deny_as_not_found(request, "inspection", inspection_id)
    if not access.may(action):
        await audit.record(
            "denied",
            request=request,
            object_type="inspection",
            object_id=inspection_id,
            outcome="denied",
            detail=request.url.path,
        )
        raise PermissionDeniedException("You cannot do this on this inspection")
    return access

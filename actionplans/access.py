"""Who may see and do what with an action plan.

- An establishment user: only their own establishment's plans (another's is "not found").
- The Scrutiny Team: every plan; quality assurance.
- An HMPPS manager: plans of their establishments (their prison group when set); clearance.
- HMIP: read only. A manager sees every plan; a team leader or inspector sees the plans of the
  inspections they lead or are on, and of earlier inspections of the same establishment (the
  current plan is sought at the next inspection, MoU ¶38).
- An administrator has no sight of action plans.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException

from actionplans import services
from inspections.tables import Inspection, InspectionTeamMember
from tracker.access import allow, current, deny_as_not_found, may_see_establishment
from tracker.principal import Principal
from tracker.roles import Role

READ = allow(
    Role.HMIP_TEAM_LEADER,
    Role.HMIP_INSPECTOR,
    Role.HMIP_MANAGER,
    Role.HMPPS_SCRUTINY,
    Role.HMPPS_MANAGER,
    Role.ESTABLISHMENT,
)
ESTABLISHMENT = allow(Role.ESTABLISHMENT)
QA = allow(Role.HMPPS_SCRUTINY)
CLEAR = allow(Role.HMPPS_MANAGER)
PUBLISH = allow(Role.HMPPS_SCRUTINY, Role.HMPPS_MANAGER)


async def hmip_team_inspections(principal: Principal) -> set[int]:
    from tracker.cache import memoised

    return set(
        await memoised(("hmip team inspections", principal.user_id), lambda: _team_inspections(principal))
    )


async def _team_inspections(principal: Principal) -> frozenset[int]:
    led = await Inspection.select(Inspection.id).where(Inspection.team_leader == principal.user_id)
    member = await InspectionTeamMember.select(InspectionTeamMember.inspection).where(
        InspectionTeamMember.user == principal.user_id
    )
    return frozenset({r["id"] for r in led} | {r["inspection"] for r in member})


async def may_read_inspection_plan(principal: Principal, inspection: dict) -> bool:
    """May this person read the action plan of `inspection` (a row with establishment, end_date)?"""
    roles = principal.roles - {Role.ADMIN}
    if not roles:
        return False
    if principal.has(Role.HMIP_MANAGER, Role.HMPPS_SCRUTINY):
        return True
    if principal.has(Role.HMPPS_MANAGER, Role.ESTABLISHMENT) and may_see_establishment(
        principal, inspection["establishment"]
    ):
        return True
    if principal.has(Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR):
        mine = await hmip_team_inspections(principal)
        if inspection["id"] in mine:
            return True
        if mine:
            later = await Inspection.count().where(
                Inspection.id.is_in(list(mine)),
                Inspection.establishment == inspection["establishment"],
                Inspection.end_date >= inspection["end_date"],
            )
            return later > 0
    return False


async def plan_reader(principal: Principal):
    """`may_read_inspection_plan` for many rows: at most two queries up front, then a plain
    function of one inspection row (id, establishment, end_date) that asks nothing more."""
    roles = principal.roles - {Role.ADMIN}
    everything = bool(roles) and principal.has(Role.HMIP_MANAGER, Role.HMPPS_SCRUTINY)
    by_establishment = bool(roles) and principal.has(Role.HMPPS_MANAGER, Role.ESTABLISHMENT)
    mine: set[int] = set()
    latest: dict[int, object] = {}
    if roles and not everything and principal.has(Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR):
        mine = await hmip_team_inspections(principal)
        if mine:
            for row in await Inspection.select(Inspection.establishment, Inspection.end_date).where(
                Inspection.id.is_in(list(mine))
            ):
                known = latest.get(row["establishment"])
                if known is None or row["end_date"] > known:
                    latest[row["establishment"]] = row["end_date"]

    def may_read(inspection: dict) -> bool:
        if not roles:
            return False
        if everything:
            return True
        if by_establishment and may_see_establishment(principal, inspection["establishment"]):
            return True
        if inspection["id"] in mine:
            return True
        last = latest.get(inspection["establishment"])
        return last is not None and last >= inspection["end_date"]

    return may_read


async def may_act_on_establishment(principal: Principal, establishment_id: int) -> bool:
    """Establishment users and HMPPS managers act only within their own establishments."""
    return may_see_establishment(principal, establishment_id)


async def inspection_for_request(request: ASGIConnection, inspection_id: int) -> dict:
    inspection = await services.get_inspection(inspection_id)
    if inspection is None or not await may_read_inspection_plan(current(request), inspection):
        await deny_as_not_found(request, "inspection", inspection_id)
    return inspection


async def plan_for_request(request: ASGIConnection, plan_id: int, *, act: bool = False) -> dict:
    """The plan, if this person may read it (and, with act, act on its establishment); else 404."""
    plan = await services.get_plan(plan_id)
    if plan is None:
        raise NotFoundException("Page not found")
    inspection = await services.get_inspection(plan["inspection"])
    principal = current(request)
    allowed = await may_read_inspection_plan(principal, inspection)
    if allowed and act:
        allowed = await may_act_on_establishment(principal, plan["establishment"])
    if not allowed:
        await deny_as_not_found(request, "action_plan", plan_id)
    plan["inspection_row"] = inspection
    return plan

"""Who may read and change an inspection, its debrief and its confidential debrief note.

Route rules (`opt=`) say which roles may use a route at all; the functions here add the row
rules: an establishment's users and a prison group's HMPPS manager see only their
establishments (404 for anything else, audited), HMIP inspectors only the inspections they are
on, team leaders change only the inspections they lead, and the debrief note goes only to those
MoU ¶25 names.
"""

from __future__ import annotations

from litestar.exceptions import NotFoundException

from inspections.tables import Establishment, Inspection, InspectionEvent, InspectionTeamMember
from tracker.access import (
    allow,
    current,
    deny_as_forbidden,
    deny_as_not_found,
    establishment_scope,
    require_establishment,
)
from tracker.policy import can
from tracker.principal import Principal
from tracker.roles import Role

READERS = allow(
    Role.HMIP_TEAM_LEADER,
    Role.HMIP_INSPECTOR,
    Role.HMIP_MANAGER,
    Role.HMPPS_SCRUTINY,
    Role.HMPPS_MANAGER,
    Role.ESTABLISHMENT,
)
LEADERS = allow(Role.HMIP_TEAM_LEADER, Role.HMIP_MANAGER)
NOTE_READERS = READERS
ESTABLISHMENT_EDITORS = allow(Role.HMIP_MANAGER, Role.ADMIN)
PROGRAMME_READERS = allow(Role.HMIP_MANAGER, Role.HMPPS_MANAGER)


async def inspection_row(inspection_id: int) -> dict | None:
    return (
        await Inspection.select(
            *Inspection.all_columns(),
            Inspection.establishment.name.as_alias("establishment_name"),
            Inspection.establishment.kind.as_alias("establishment_kind"),
            Inspection.establishment.cohort.as_alias("establishment_cohort"),
            Inspection.team_leader.display_name.as_alias("team_leader_name"),
        )
        .where(Inspection.id == inspection_id)
        .output(load_json=True)
        .first()
    )


async def team_ids(inspection_id: int) -> set[int]:
    from tracker.cache import memoised

    rows = await memoised(
        ("team ids", inspection_id),
        lambda: (
            InspectionTeamMember.select(InspectionTeamMember.user)
            .where(InspectionTeamMember.inspection == inspection_id)
            .run()
        ),
    )
    return {r["user"] for r in rows}


async def with_team(row: dict) -> dict:
    """The row with its team's user ids, which the policy's row predicates read."""
    if "team" not in row:
        row["team"] = frozenset(await team_ids(row["id"]))
    return row


async def may_read(principal: Principal, row: dict) -> bool:
    return can(principal, "inspection.read", await with_team(row))


async def readable(principal: Principal, rows: list[dict]) -> list[dict]:
    """The rows (inspections with id and team_leader) this person may read: `may_read` for many
    rows at once, with at most one query whatever the number of rows."""
    if principal.has(
        Role.HMIP_MANAGER, Role.HMIP_TEAM_LEADER, Role.HMPPS_SCRUTINY, Role.HMPPS_MANAGER, Role.ESTABLISHMENT
    ):
        return list(rows)
    if not principal.has(Role.HMIP_INSPECTOR) or not rows:
        return []
    on = await InspectionTeamMember.select(InspectionTeamMember.inspection).where(
        InspectionTeamMember.user == principal.user_id
    )
    mine = {r["inspection"] for r in on}
    return [r for r in rows if r["team_leader"] == principal.user_id or r["id"] in mine]


def may_edit(principal: Principal, row: dict) -> bool:
    return can(principal, "inspection.change", row)


async def with_note_copy(row: dict) -> dict:
    """The row with whether HMIP has recorded the debrief note's copy to HMPPS HQ (¶25), which
    the policy's "debrief_note.read" reads. A correction replaces the record, never removes it."""
    if "note_sent_to_hq" not in row:
        row["note_sent_to_hq"] = await InspectionEvent.exists().where(
            (InspectionEvent.inspection == row["id"]) & (InspectionEvent.kind == "debrief_note_sent")
        )
    return row


async def may_read_note(principal: Principal, row: dict) -> bool:
    """MoU ¶25 (inspections.policy, "debrief_note.read")."""
    return can(principal, "debrief_note.read", await with_note_copy(await with_team(row)))


async def awaits_hq_copy(principal: Principal, row: dict) -> bool:
    """An HMPPS HQ reader (¶25) who will read the note once HMIP records the copy sent to HQ."""
    if await may_read_note(principal, row):
        return False
    return can(principal, "debrief_note.read", {**row, "note_sent_to_hq": True})


async def kept_inspection_row(inspection_id: int) -> dict | None:
    """inspection_row with its team, kept until a change is written (tracker.cache; a change of
    team is one): for pages that only read. Never in a write: inside a transaction the kept row
    would not show its own changes."""
    from tracker.cache import cached

    async def read() -> dict | None:
        row = await inspection_row(inspection_id)
        return await with_team(row) if row is not None else None

    row = await cached(("inspection row", inspection_id), read)
    return dict(row) if row is not None else None


async def load_inspection(request, inspection_id: int, *, row_of=inspection_row) -> dict:
    """The inspection, or 404 (audited) when it is not there or not this person's to see."""
    row = await row_of(inspection_id)
    if row is None:
        raise NotFoundException("Page not found")
    await require_establishment(request, row["establishment"], "inspection", inspection_id)
    if not await may_read(current(request), row):
        await deny_as_not_found(request, "inspection", inspection_id)
    return row


async def load_for_edit(request, inspection_id: int) -> dict:
    """The inspection for a change: 404 as for reading, then 403 (audited) if not theirs to change."""
    row = await load_inspection(request, inspection_id)
    if not may_edit(current(request), row):
        message = "Only the inspection's team leader or an HMIP manager can do this"
        await deny_as_forbidden(request, "inspection", inspection_id, message)
    return row


async def load_establishment(request, establishment_id: int) -> dict:
    """An establishment's reference data: administrators keep it, so they see every one."""
    row = await Establishment.select().where(Establishment.id == establishment_id).first()
    if row is None:
        raise NotFoundException("Page not found")
    if not current(request).has(Role.ADMIN):
        await require_establishment(request, establishment_id, "establishment", establishment_id)
    return row


def scoped(query, principal: Principal, column, *, reference_data: bool = False):
    """Limit a query to the establishments this person may see (administrators see every
    establishment's reference data, but no inspection through this)."""
    if reference_data and principal.has(Role.ADMIN):
        return query
    scope = establishment_scope(principal)
    if scope is None:
        return query
    return query.where(column.is_in(sorted(scope) or [-1]))

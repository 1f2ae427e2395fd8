"""How the audit log names the fact check's rows: accuracy points and proposals, unpublished data
items, photographs and the draft report's files ("Photograph 'Cell on A wing' for HMP Leeds,
inspection March 2026"), each linked to its part of the fact check for a reader the policy lets
open it (only then with what it holds: a caption, a description, a file's name), and found by
the establishment's name or the inspection's title, never by what it holds.

Each kind names all its rows on a page in a few queries whatever their number: the rows with
their inspection, then, where the reader's roles make them matter, the inspections' teams and
shared drafts, which factcheck.policy's read actions ask about."""

from __future__ import annotations

from factcheck.queries import with_shown_numbers
from factcheck.tables import AccuracyPoint, DataItem, DraftFile, DraftReport, Photograph
from inspections.audit_subjects import about_inspection, inspection_columns, inspection_words
from inspections.tables import InspectionTeamMember
from tracker.extensions import AuditSubjects
from tracker.policy import can, roles_for
from tracker.principal import Principal
from tracker.roles import Role

READ = "factcheck.read"
READ_ALL = "factcheck.read_all"
LONGEST = 60  # characters of a description before it is cut short


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LONGEST else text[: LONGEST - 1].rstrip() + "…"


async def _policy_rows(principal: Principal | None, rows: list[dict]) -> dict[int, dict]:
    """inspection id -> the row factcheck.policy's read actions ask about, for every inspection of
    these rows: its team only for HMIP team leaders and inspectors, whether the draft is shared
    only for establishment users (the only ones those predicates matter to), a query each."""
    if principal is None or not rows or not principal.roles & roles_for(READ):
        return {}  # an administrator only, say: no link to give
    ids = sorted({row["inspection"] for row in rows})
    teams: dict[int, set[int]] = {}
    if principal.has(Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR):
        for member in await InspectionTeamMember.select(
            InspectionTeamMember.inspection, InspectionTeamMember.user
        ).where(InspectionTeamMember.inspection.is_in(ids)):
            teams.setdefault(member["inspection"], set()).add(member["user"])
    shared: set[int] = set()
    if principal.has(Role.ESTABLISHMENT):
        drafts = await DraftReport.select(DraftReport.inspection).where(
            DraftReport.inspection.is_in(ids), DraftReport.shared_with_establishment.eq(True)
        )
        shared = {draft["inspection"] for draft in drafts}
    return {
        row["inspection"]: {
            "id": row["inspection"],
            "establishment": row["establishment"],
            "team_leader": row["team_leader"],
            "team": frozenset(teams.get(row["inspection"], ())),
            "shared": row["inspection"] in shared,
        }
        for row in rows
    }


def _linker(principal: Principal | None, policy_rows: dict[int, dict]):
    def link(row: dict, part: str, action: str = READ_ALL) -> str:
        inspection = policy_rows.get(row["inspection"])
        if inspection is None or not can(principal, action, inspection):
            return ""
        return f"/inspections/{row['inspection']}/factcheck#{part}"

    return link


# -- accuracy points ------------------------------------------------------------------------------

POINT_NAMES = {
    "included": "Accuracy point {n} in the return for {of}",
    "proposed": "Proposal {n} from the establishment for {of}",
    "dropped": "Proposal {n} not taken forward, for {of}",
    "withdrawn": "Proposal {n} withdrawn by the establishment, for {of}",
}


async def point_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    """Numbered as the fact check shows them now: the return's points 1, 2, 3; the proposals 1, 2."""
    rows = await AccuracyPoint.select(
        AccuracyPoint.id, AccuracyPoint.origin, *inspection_columns(AccuracyPoint.inspection)
    ).where(AccuracyPoint.id.is_in(ids))
    inspections = sorted({row["inspection"] for row in rows})
    siblings: dict[int, list[dict]] = {}
    if inspections:
        for point in await AccuracyPoint.select(
            AccuracyPoint.id, AccuracyPoint.inspection, AccuracyPoint.number, AccuracyPoint.state
        ).where(AccuracyPoint.inspection.is_in(inspections)):
            siblings.setdefault(point["inspection"], []).append(point)
    shown = {p["id"]: p for points in siblings.values() for p in with_shown_numbers(points)}
    link = _linker(principal, await _policy_rows(principal, rows))

    def named(row: dict) -> tuple[str, str]:
        point = shown[row["id"]]
        words = POINT_NAMES.get(point["state"], POINT_NAMES["included"])
        own = row["origin"] == "establishment" and link(row, "points", READ)  # their own proposal
        return words.format(n=point["shown"], of=about_inspection(row)), link(row, "points") or own or ""

    return {row["id"]: named(row) for row in rows}


def points_matching(words: str):
    return AccuracyPoint.select(AccuracyPoint.id).where(inspection_words(AccuracyPoint.inspection, words))


# -- unpublished data items, photographs, the draft's files -----------------------------------------


def _held(link: str, with_what_it_holds: str, by_its_id: str) -> tuple[str, str]:
    """A caption, a description or a file's name is for those who may open the fact check (the
    link says they may); anyone else reads which row it was, of which inspection."""
    return (with_what_it_holds, link) if link else (by_its_id, "")


async def _names_of_held(
    principal: Principal | None, ids: list[int], table, text, anchor: str, noun: str, one: str
):
    """Unpublished data and photographs: named by what they hold for those who may open the fact
    check, by number for anyone else."""
    rows = await table.select(table.id, text.as_alias("text"), *inspection_columns(table.inspection)).where(
        table.id.is_in(ids)
    )
    link = _linker(principal, await _policy_rows(principal, rows))
    return {
        row["id"]: _held(
            link(row, anchor),
            f"{noun} '{_short(row['text'])}' for {about_inspection(row)}",
            f"{one} {row['id']} for {about_inspection(row)}",
        )
        for row in rows
    }


async def data_item_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    return await _names_of_held(
        principal, ids, DataItem, DataItem.description, "data", "Unpublished data", "Unpublished data item"
    )


def data_items_matching(words: str):
    return DataItem.select(DataItem.id).where(inspection_words(DataItem.inspection, words))


async def photograph_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    return await _names_of_held(
        principal, ids, Photograph, Photograph.caption, "photographs", "Photograph", "Photograph"
    )


def photographs_matching(words: str):
    return Photograph.select(Photograph.id).where(inspection_words(Photograph.inspection, words))


async def draft_file_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = await DraftFile.select(
        DraftFile.id, DraftFile.filename, *inspection_columns(DraftFile.inspection)
    ).where(DraftFile.id.is_in(ids))
    link = _linker(principal, await _policy_rows(principal, rows))
    return {
        row["id"]: _held(
            link(row, "draft", READ),
            f"Draft report '{_short(row['filename'])}' for {about_inspection(row)}",
            f"Draft report file for {about_inspection(row)}",
        )
        for row in rows
    }


def draft_files_matching(words: str):
    return DraftFile.select(DraftFile.id).where(inspection_words(DraftFile.inspection, words))


AUDIT_SUBJECTS = {
    "accuracy_point": AuditSubjects(point_names, points_matching),
    "data_item": AuditSubjects(data_item_names, data_items_matching),
    "photograph": AuditSubjects(photograph_names, photographs_matching),
    "draft_file": AuditSubjects(draft_file_names, draft_files_matching),
}

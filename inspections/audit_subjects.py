"""How the audit log names inspections and establishments ("Inspection of HMP Leeds, March 2026"),
links to them for a person who may open them, and finds them by name (tracker.extensions)."""

from __future__ import annotations

from inspections.permissions import READERS
from inspections.tables import Establishment, Inspection
from tracker.access import ACCESS_KEY, may_see_establishment
from tracker.db import contains_words
from tracker.extensions import AuditSubjects
from tracker.principal import Principal

NAMED = {
    "full": "Inspection of",
    "irp": "Independent review of progress at",
    "thematic": "Thematic review at",
}


def inspection_name(row: dict) -> str:
    when = row["start_date"]
    return f"{NAMED.get(row['kind'], 'Inspection of')} {row['establishment_name']}, {when:%B %Y}"


async def inspection_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = await Inspection.select(
        Inspection.id,
        Inspection.kind,
        Inspection.start_date,
        Inspection.establishment,
        Inspection.establishment.name.as_alias("establishment_name"),
    ).where(Inspection.id.is_in(ids))
    reader = principal is not None and bool(principal.roles & READERS[ACCESS_KEY])

    def link(row: dict) -> str:
        opens = reader and may_see_establishment(principal, row["establishment"])
        return f"/inspections/{row['id']}" if opens else ""

    return {row["id"]: (inspection_name(row), link(row)) for row in rows}


async def inspections_matching(words: str) -> list[int]:
    rows = await Inspection.select(Inspection.id).where(
        contains_words(Inspection.establishment.name, words) | contains_words(Inspection.title, words)
    )
    return [row["id"] for row in rows]


async def establishment_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = await Establishment.select(Establishment.id, Establishment.name).where(Establishment.id.is_in(ids))

    def link(row: dict) -> str:
        opens = principal is not None and may_see_establishment(principal, row["id"])
        return f"/establishments/{row['id']}" if opens else ""

    return {row["id"]: (row["name"], link(row)) for row in rows}


async def establishments_matching(words: str) -> list[int]:
    rows = await Establishment.select(Establishment.id).where(contains_words(Establishment.name, words))
    return [row["id"] for row in rows]


AUDIT_SUBJECTS = {
    "inspection": AuditSubjects(inspection_names, inspections_matching),
    "establishment": AuditSubjects(establishment_names, establishments_matching),
}

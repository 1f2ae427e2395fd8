"""How the audit log names inspections and establishments ("Inspection of HMP Leeds, March 2026"),
links to them for a person who may open them, and finds them by name (tracker.extensions); and
what the domains above name their rows after ("Photograph 'Cell on A wing' for HMP Leeds,
inspection March 2026"): `inspection_columns`, `about_inspection`, `inspection_words`."""

from __future__ import annotations

from inspections.permissions import READERS
from inspections.tables import Establishment, Inspection, Recommendation
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


KIND_WORDS = {"full": "inspection", "irp": "independent review of progress", "thematic": "thematic review"}


def inspection_columns(inspection) -> list:
    """Through a foreign key to Inspection (`Photograph.inspection`, `PlanAction.plan.inspection`),
    what `about_inspection` and a domain's policy read about the inspection."""
    return [
        inspection.as_alias("inspection"),
        inspection.kind.as_alias("inspection_kind"),
        inspection.start_date.as_alias("inspection_start"),
        inspection.end_date.as_alias("inspection_end"),
        inspection.team_leader.as_alias("team_leader"),
        inspection.establishment.as_alias("establishment"),
        inspection.establishment.name.as_alias("establishment_name"),
    ]


def about_inspection(row: dict) -> str:
    """The inspection in a few words (HMP Leeds, inspection March 2026), from a row selected with
    `inspection_columns`."""
    kind = KIND_WORDS.get(row["inspection_kind"], "inspection")
    return f"{row['establishment_name']}, {kind} {row['inspection_start']:%B %Y}"


def inspection_words(inspection, words: str):
    """A Where: the inspection (through a foreign key) is of an establishment, or has a title,
    holding these words."""
    return contains_words(inspection.establishment.name, words) | contains_words(inspection.title, words)


def _inspection_link(principal: Principal | None):
    reader = principal is not None and bool(principal.roles & READERS[ACCESS_KEY])

    def link(inspection_id: int, establishment_id: int) -> str:
        opens = reader and may_see_establishment(principal, establishment_id)
        return f"/inspections/{inspection_id}" if opens else ""

    return link


async def inspection_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = await Inspection.select(
        Inspection.id,
        Inspection.kind,
        Inspection.start_date,
        Inspection.establishment,
        Inspection.establishment.name.as_alias("establishment_name"),
    ).where(Inspection.id.is_in(ids))
    link = _inspection_link(principal)
    return {row["id"]: (inspection_name(row), link(row["id"], row["establishment"])) for row in rows}


async def debrief_note_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    """The debrief note of an inspection (its rows are the inspection's id), linked as the inspection."""
    named = await inspection_names(principal, ids)
    return {
        i: (f"Debrief note of the {name[:1].lower()}{name[1:]}", link) for i, (name, link) in named.items()
    }


async def recommendation_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = await Recommendation.select(
        Recommendation.id, Recommendation.reference, *inspection_columns(Recommendation.inspection)
    ).where(Recommendation.id.is_in(ids))
    link = _inspection_link(principal)
    return {
        row["id"]: (
            f"Recommendation {row['reference']} for {about_inspection(row)}",
            link(row["inspection"], row["establishment"]),
        )
        for row in rows
    }


def recommendations_matching(words: str):
    return Recommendation.select(Recommendation.id).where(inspection_words(Recommendation.inspection, words))


def inspections_matching(words: str):
    return Inspection.select(Inspection.id).where(
        contains_words(Inspection.establishment.name, words) | contains_words(Inspection.title, words)
    )


async def establishment_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = await Establishment.select(Establishment.id, Establishment.name).where(Establishment.id.is_in(ids))

    def link(row: dict) -> str:
        opens = principal is not None and may_see_establishment(principal, row["id"])
        return f"/establishments/{row['id']}" if opens else ""

    return {row["id"]: (row["name"], link(row)) for row in rows}


def establishments_matching(words: str):
    return Establishment.select(Establishment.id).where(contains_words(Establishment.name, words))


AUDIT_SUBJECTS = {
    "inspection": AuditSubjects(inspection_names, inspections_matching),
    "establishment": AuditSubjects(establishment_names, establishments_matching),
    "debrief_note": AuditSubjects(debrief_note_names, inspections_matching),
    "recommendation": AuditSubjects(recommendation_names, recommendations_matching),
}

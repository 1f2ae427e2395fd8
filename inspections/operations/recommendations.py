"""Recommendations of a report, and the ones an IRP follows up."""

from __future__ import annotations

import re

from inspections.constants import (
    RECOMMENDATION_KINDS,
)
from inspections.operations.establishments import choice_from
from inspections.permissions import inspection_row
from inspections.queries import recommendations_of
from inspections.tables import (
    FollowUp,
    Recommendation,
)
from tracker import policy
from tracker.operations import Actor, Refused, change

REFERENCE_PREFIX = re.compile(
    r"^\s*(?:(?P<ref>[A-Za-z]{0,4}\d+(?:\.\d+)*)[\s.:)\-\u2013]+)?(?P<text>.+?)\s*$"
)



def parse_pasted(text: str) -> list[tuple[str, str]]:
    """One recommendation per line; a leading reference (1., R2:, 3.4 -) is kept as its reference."""
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = REFERENCE_PREFIX.match(line)
        reference = (match.group("ref") or "") if match else ""
        body = match.group("text") if match else line.strip()
        items.append((reference, body.strip()))
    return items



async def add_recommendations(actor: Actor, inspection_id: int, items: list[dict], how: str = "one") -> int:
    """Append recommendations (reference, text, area, kind), numbering blank references."""
    audited = {"object_type": "inspection", "object_id": inspection_id}
    async with change(actor, "recommendation.add", **audited) as entry:
        if actor.principal is not None:
            row = await inspection_row(inspection_id)
            policy.require(actor.principal, "inspection.add_recommendations", row)
        current = await recommendations_of(inspection_id)
        position = max((r["position"] for r in current), default=0)
        taken = {r["reference"] for r in current}
        rows = []
        for item in items:
            position += 1
            reference = item.get("reference") or ""
            if not reference:
                number = position
                while f"R{number}" in taken:
                    number += 1
                reference = f"R{number}"
            taken.add(reference)
            rows.append(
                Recommendation(
                    inspection=inspection_id,
                    reference=reference[:40],
                    text=item["text"],
                    area=(item.get("area") or "")[:200],
                    kind=item.get("kind") or "recommendation",
                    position=position,
                )
            )
        if rows:
            await Recommendation.insert(*rows)
        entry.detail = f"how={how} added={len(rows)}"
    return len(rows)



def recommendation_rows(frame) -> tuple[list[dict], list[str]]:
    """Rows of a recommendations spreadsheet, and row-by-row errors."""
    errors: list[str] = []
    items: list[dict] = []
    if "text" not in frame.columns and "recommendation" not in frame.columns:
        return [], ["The file must have a column called 'text'"]
    text_column = "text" if "text" in frame.columns else "recommendation"
    for position, (_, record) in enumerate(frame.iterrows()):
        number = position + 2
        problems = []
        text = str(record[text_column])
        if not text:
            problems.append("enter the recommendation's text")
        elif len(text) > 5000:
            problems.append("the text must be 5,000 characters or fewer")
        kind_text = str(record["kind"]) if "kind" in frame.columns else ""
        kind = choice_from(kind_text, RECOMMENDATION_KINDS) if kind_text else "recommendation"
        if kind is None:
            problems.append("kind must be Recommendation or Area of concern")
        reference = str(record["reference"]) if "reference" in frame.columns else ""
        if len(reference) > 40:
            problems.append("the reference must be 40 characters or fewer")
        if problems:
            errors.append(f"Row {number}: " + "; ".join(problems))
        items.append(
            {
                "reference": reference,
                "text": text,
                "area": str(record["area"]) if "area" in frame.columns else "",
                "kind": kind,
            }
        )
    if not items and not errors:
        errors.append("The file has no rows")
    return items, errors



async def set_follow_ups(actor: Actor, irp: dict, recommendation_ids: list[int]) -> None:
    """The recommendations of the full inspection's report that an IRP follows up (¶45)."""
    if actor.principal is not None:
        policy.require(actor.principal, "inspection.choose_follow_ups", irp)
    if not recommendation_ids:
        raise Refused({"recommendations": "Select the recommendations this review follows up"})
    allowed = {r["id"] for r in await recommendations_of(irp["follows"])} if irp["follows"] else set()
    if set(recommendation_ids) - allowed:
        raise Refused({"recommendations": "Select recommendations from the full inspection's report"})
    detail = f"count={len(set(recommendation_ids))}"
    audited = {"object_type": "inspection", "object_id": irp["id"], "detail": detail}
    async with change(actor, "inspection.follow_ups", **audited):
        await FollowUp.delete().where(FollowUp.inspection == irp["id"])
        if recommendation_ids:
            await FollowUp.insert(
                *[FollowUp(inspection=irp["id"], recommendation=r) for r in sorted(set(recommendation_ids))]
            )

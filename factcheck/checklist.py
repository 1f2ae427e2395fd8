"""Ready to publish? The checklist before publication (MoU ¶32-¶35, ¶18, ¶52, Annex A)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from factcheck.queries import (
    EMERGING_FINDINGS_EVENT,
    data_items,
    data_status,
    deadline_passed_without_return,
    events_for,
    fact_check_deadline,
    facts,
    milestones,
    photo_status,
    photographs,
    points_for,
    standing,
)


@dataclass
class CheckItem:
    label: str
    done: bool
    detail: str = ""
    href: str = ""


@dataclass
class Checklist:
    items: list[CheckItem] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(i.done for i in self.items)

    @property
    def outstanding(self) -> list[CheckItem]:
        return [i for i in self.items if not i.done]


async def checklist(inspection: dict, today: date, events: list[dict] | None = None) -> Checklist:
    """Ready to publish? Fact check returned (or its deadline passed), every point answered,
    no unresolved data or photograph objection, the press release shared with HMPPS."""
    from tracker.templating import govuk_date

    iid = inspection["id"]
    events = await events_for(iid) if events is None else events
    known = facts(events)
    stones = await milestones(inspection, today, events)
    base = f"/inspections/{iid}"
    items = []
    deadline = fact_check_deadline(inspection, stones)
    if "factcheck_returned" in known:
        items.append(
            CheckItem("Fact check returned", True, f"Returned {govuk_date(known['factcheck_returned'])}")
        )
    elif deadline_passed_without_return(inspection, stones, today):
        items.append(
            CheckItem(
                "Fact check returned or its deadline passed",
                True,
                f"No return by {govuk_date(deadline.due)}: HMIP may proceed to publication (MoU ¶32)",
            )
        )
    else:
        detail = (
            f"Due {govuk_date(deadline.due)}" if deadline and deadline.due else "The draft has not been sent"
        )
        items.append(
            CheckItem("Fact check returned or its deadline passed", False, detail, f"{base}/factcheck")
        )
    points = await points_for(iid, ("included",))
    unanswered = [p for p in points if not p["decision"]]
    items.append(
        CheckItem(
            "Every accuracy point answered",
            not unanswered,
            f"{len(points) - len(unanswered)} of {len(points)} answered" if points else "No accuracy points",
            f"{base}/factcheck#points",
        )
    )
    data = await data_items(iid)
    blocking = [d for d in data if data_status(d, deadline, today).blocks]
    objections = [d for d in blocking if d["response"] == "objection"]
    items.append(
        CheckItem(
            "Unpublished data cleared: consent, objection resolved or proceeded under MoU ¶18",
            not blocking,
            (
                f"{len(objections)} unresolved objection(s), {len(blocking) - len(objections)} waiting"
                if blocking
                else f"{len(data)} data item(s) cleared"
            ),
            f"{base}/factcheck#data",
        )
    )
    photos = await photographs(iid)
    photo_blocks = [p for p in photos if photo_status(p).blocks]
    items.append(
        CheckItem(
            "No unresolved objection to a photograph",
            not photo_blocks,
            f"{len(photo_blocks)} unresolved objection(s)"
            if photo_blocks
            else f"{len(photos)} photograph(s)",
            f"{base}/factcheck#photographs",
        )
    )
    if inspection["kind"] == "thematic":
        discussed = standing(events, EMERGING_FINDINGS_EVENT)
        items.append(
            CheckItem(
                "Emerging findings discussed with HMPPS (MoU ¶52)",
                discussed is not None,
                f"Discussed {govuk_date(discussed['occurred_on'])}" if discussed else "Not recorded",
                f"{base}/emerging-findings",
            )
        )
    shared = known.get("press_release_shared")
    items.append(
        CheckItem(
            "Press notice or release shared with HMPPS (MoU ¶35)",
            shared is not None,
            f"Shared {govuk_date(shared)}" if shared else "Not recorded",
            f"{base}/publication#press-release",
        )
    )
    return Checklist(items)

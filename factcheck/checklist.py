"""Ready to publish? The checklist before publication (MoU ¶32-¶35, ¶18, ¶52, Annex A)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from factcheck.queries import (
    ANNEX_A_REMOVALS,
    EMERGING_FINDINGS_EVENT,
    PUBLISHED_OVER,
    data_items,
    data_status,
    deadline_passed_without_return,
    events_for,
    fact_check_deadline,
    facts,
    in_the_report,
    milestones,
    photo_status,
    photographs,
    points_for,
    standing,
)
from tracker.templating import plural


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
    no unresolved data or photograph objection (HMIP may publish over one to non-Hub data or a
    photograph, MoU ¶31), the photographs' Annex A checks, the press release shared with HMPPS."""
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
    items.append(data_item(await data_items(iid), deadline, today, f"{base}/factcheck#data"))
    photos = await photographs(iid)
    if photos:
        href = f"{base}/factcheck#photographs"
        items += [
            photo_objections(photos, href),
            annex_a(photos, href),
            governor(photos, deadline, today, href),
        ]
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


def published_over(count: int) -> str:
    return f"; HMIP is publishing over {plural(count, 'objection')} (MoU ¶31)" if count else ""


def data_item(data: list[dict], deadline, today: date, href: str) -> CheckItem:
    """Every data item consented to, its objection resolved or (not Hub data) published over, or
    proceeded with under ¶18. Hub data needs D&A's consent (Annex B ¶4.3)."""
    statuses = [data_status(d, deadline, today) for d in data]
    blocking = [s for s in statuses if s.blocks]
    objections = [s for s in blocking if s.key == "objection"]
    over = sum(1 for s in statuses if s is PUBLISHED_OVER)
    return CheckItem(
        "Unpublished data cleared: consent, objection resolved or published over by HMIP, "
        "or proceeded under MoU ¶18",
        not blocking,
        (
            f"{plural(len(objections), 'unresolved objection')}, {len(blocking) - len(objections)} waiting"
            if blocking
            else f"{plural(len(data), 'data item')} cleared{published_over(over)}"
        ),
        href,
    )


def photo_objections(photos: list[dict], href: str) -> CheckItem:
    statuses = [photo_status(p) for p in photos]
    objections = sum(1 for s in statuses if s.key == "objection")
    over = sum(1 for s in statuses if s is PUBLISHED_OVER)
    return CheckItem(
        "No unresolved objection to a photograph",
        not objections,
        plural(objections, "unresolved objection")
        if objections
        else f"{plural(len(photos), 'photograph')}{published_over(over)}",
        href,
    )


def annex_a(photos: list[dict], href: str) -> CheckItem:
    """None published whose consent was withdrawn, of a prisoner of interest, or that might upset
    victims (Annex A, identity)."""
    to_remove = sum(1 for p in photos if photo_status(p).key in ANNEX_A_REMOVALS)
    return CheckItem(
        "Photographs meet Annex A",
        not to_remove,
        f"{to_remove} to remove from the report: consent withdrawn, a prisoner of interest, "
        "or might upset victims"
        if to_remove
        else "No consent withdrawn, no prisoner of interest, nothing that might upset victims",
        href,
    )


def governor(photos: list[dict], deadline, today: date, href: str) -> CheckItem:
    """HMPPS has the chance to consult the Governor or Director before publication (Annex A): met
    when the Scrutiny Team has recorded it for every photograph in the report, or when the
    fact-check deadline (HMPPS's time to object) has passed."""
    from tracker.templating import govuk_date

    missing = sum(1 for p in photos if in_the_report(p) and not p["governor_consulted_on"])
    passed = bool(deadline and deadline.due and today > deadline.due)
    detail = (
        f"{plural(missing, 'photograph')} without the consultation recorded"
        + (f"; HMPPS had until {govuk_date(deadline.due)}" if passed else "")
        if missing
        else "Recorded for every photograph in the report"
    )
    return CheckItem(
        "Governor or Director consulted on the photographs (Annex A)", not missing or passed, detail, href
    )

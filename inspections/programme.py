"""The inspection programme (MoU ¶5-¶9, ¶47-¶48): which establishments are past their limits,
which windows open soon, IRP windows after each full inspection, and this business year's IRPs.

Every date comes from the timelines engine's programme rules (timelines.core.engine): each
establishment's cycles by kind and cohort (``programme_milestones``: ¶6 for adult prison
establishments, counted from operation for a new one; ¶7 for children's; none for an IRC, court
custody or an escort contract). A thematic review's visits count as planned visits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from inspections.tables import Establishment, Inspection, InspectionEstablishment
from timelines.core.engine import OVERDUE, Milestone, programme_milestones, programme_status
from timelines.core.offsets import add_months
from timelines.core.years import business_year_dates
from timelines.store import current_calendar

IRP_RANGE = (15, 20)
SOON_MONTHS = 3


@dataclass
class EstablishmentProgramme:
    establishment: dict
    last_full: dict | None
    last_visit: dict | None
    planned: list[dict]
    milestones: list[Milestone] = field(default_factory=list)

    @property
    def overdue(self) -> list[Milestone]:
        return [m for m in self.milestones if m.status == OVERDUE]


def _facts(establishment: dict, last_full: dict | None, last_visit: dict | None) -> dict:
    facts = {}
    if establishment.get("operational_on"):
        facts["operational_on"] = establishment["operational_on"]
    if last_full:
        facts["last_full_inspection"] = last_full["end_date"]
    if last_visit:
        facts["last_visit"] = last_visit["end_date"]
    return facts


async def establishment_programme(
    establishment: dict, inspections: list[dict], *, today: date, calendar
) -> EstablishmentProgramme:
    """What is due next for one establishment under the programme rules. ``inspections`` are its
    own and the thematic reviews that visit it (planned visits, never its last full inspection)."""
    done = sorted((i for i in inspections if i["end_date"] <= today), key=lambda i: i["end_date"])
    fulls = [i for i in done if i["kind"] == "full"]
    visits = [i for i in done if i["kind"] in ("full", "irp")]
    last_full = fulls[-1] if fulls else None
    last_visit = visits[-1] if visits else None
    planned = sorted((i for i in inspections if i["end_date"] > today), key=lambda i: i["start_date"])
    result = EstablishmentProgramme(establishment, last_full, last_visit, planned)
    result.milestones = programme_milestones(
        establishment["kind"],
        establishment["cohort"],
        _facts(establishment, last_full, last_visit),
        today=today,
        calendar=calendar,
    )
    return result


async def _visits_by_establishment(ids: list[int]) -> dict[int, list[dict]]:
    """Each establishment's inspections and the thematic reviews that visit it."""
    columns = (
        Inspection.id,
        Inspection.establishment,
        Inspection.kind,
        Inspection.start_date,
        Inspection.end_date,
        Inspection.follows,
    )
    by_establishment: dict[int, list[dict]] = {}
    for row in await Inspection.select(*columns).where(Inspection.establishment.is_in(ids)):
        by_establishment.setdefault(row["establishment"], []).append(row)
    visited = InspectionEstablishment
    visits = await visited.select(
        visited.establishment.as_alias("visited"),
        *(getattr(visited.inspection, c._meta.name).as_alias(c._meta.name) for c in columns),
    ).where(visited.establishment.is_in(ids))
    for visit in visits:
        by_establishment.setdefault(visit.pop("visited"), []).append(visit)
    return by_establishment


async def programme(*, today: date, scope: frozenset[int] | None) -> dict:
    calendar = await current_calendar()
    query = Establishment.select().where(Establishment.active == True).order_by(Establishment.name)  # noqa: E712
    if scope is not None:
        query = query.where(Establishment.id.is_in(sorted(scope) or [-1]))
    establishments = await query
    ids = [e["id"] for e in establishments] or [-1]
    by_establishment = await _visits_by_establishment(ids)
    inspections = [r for e, rows in by_establishment.items() for r in rows if r["establishment"] == e]

    soon = add_months(today, SOON_MONTHS)
    past_limit, opening, irp_windows = [], [], []
    for establishment in establishments:
        rows = by_establishment.get(establishment["id"], [])
        plan = await establishment_programme(establishment, rows, today=today, calendar=calendar)
        next_planned = next((p for p in plan.planned if p["kind"] == "full"), None) or next(
            iter(plan.planned), None
        )
        for milestone in plan.milestones:
            entry = {
                "establishment": establishment,
                "milestone": milestone,
                "planned": next_planned,
                "plan": plan,
            }
            if milestone.due is None:
                if milestone.key != "cyp_visit":
                    past_limit.append({**entry, "never": True})
                continue
            if milestone.status == OVERDUE:
                past_limit.append({**entry, "never": False})
                continue
            opens = milestone.window[0] if milestone.window else milestone.due
            if today <= opens <= soon or (milestone.window is None and today <= milestone.due <= soon):
                opening.append(entry)
        for full in (r for r in rows if r["kind"] == "full" and r["end_date"] <= today):
            status = programme_status(
                "irp_visit", {"last_full_inspection": full["end_date"]}, today=today, calendar=calendar
            )
            irps = [r for r in rows if r["kind"] == "irp" and r["follows"] == full["id"]]
            window = status.window
            if window and (window[1] >= today or irps) and window[1] >= add_months(today, -12):
                irp_windows.append(
                    {"establishment": establishment, "full": full, "milestone": status, "irps": irps}
                )
                if today <= window[0] <= soon:
                    opening.append(
                        {
                            "establishment": establishment,
                            "milestone": status,
                            "planned": irps[0] if irps else None,
                        }
                    )

    opening.sort(key=lambda e: (e["milestone"].window or (e["milestone"].due,))[0])
    irp_windows.sort(key=lambda e: e["milestone"].window[0])
    first, last = business_year_dates(today)
    year_irps = [
        {**r, "establishment_name": next(e["name"] for e in establishments if e["id"] == r["establishment"])}
        for r in inspections
        if r["kind"] == "irp" and first <= r["start_date"] <= last
    ]
    held = [r for r in year_irps if r["end_date"] <= today]
    planned = [r for r in year_irps if r["end_date"] > today]
    total = len(year_irps)
    return {
        "past_limit": past_limit,
        "opening": opening,
        "irp_windows": irp_windows,
        "year": (first, last),
        "irps_held": sorted(held, key=lambda r: r["start_date"]),
        "irps_planned": sorted(planned, key=lambda r: r["start_date"]),
        "irp_total": total,
        "irp_range": IRP_RANGE,
        "irp_position": "below" if total < IRP_RANGE[0] else ("above" if total > IRP_RANGE[1] else "within"),
        "soon_until": soon,
    }




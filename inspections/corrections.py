"""What a correction would change, before it is made: each milestone whose due date or status
would move (before and after, with its rule from the rule table), and whether the inspection
would close or reopen. A read: the engine runs on the history as it stands and as corrected."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from timelines.core.engine import Milestone, is_closed
from timelines.store import current_calendar, load_inspection_inputs, milestones_for
from tracker.settings import load_settings


@dataclass(frozen=True)
class Move:
    key: str
    label: str
    rule: str
    before_due: date | None
    after_due: date | None
    before_status: str
    after_status: str


@dataclass(frozen=True)
class Moves:
    moved: list[Move] = field(default_factory=list)
    closed_before: bool = False
    closed_after: bool = False

    @property
    def reopens(self) -> bool:
        return self.closed_before and not self.closed_after

    @property
    def closes(self) -> bool:
        return self.closed_after and not self.closed_before


async def correction_moves(
    inspection_id: int,
    kind: str,
    corrects: int,
    occurred_on: date,
    *,
    occurred_at: datetime | None = None,
    today: date,
) -> Moves:
    inspection, events = await load_inspection_inputs(inspection_id)
    latest = max((e["id"] for e in events), default=0) + 1  # the correction, as it will be once saved
    corrected = [
        *events,
        {"id": latest, "kind": kind, "occurred_on": occurred_on, "occurred_at": occurred_at,
         "supersedes": corrects, "detail": {}},
    ]
    calendar, anchor = await current_calendar(), load_settings().sos_receipt_fact
    before = milestones_for(inspection, events, today=today, calendar=calendar, sos_anchor=anchor)
    after = milestones_for(inspection, corrected, today=today, calendar=calendar, sos_anchor=anchor)
    return Moves(_moved(before, after), is_closed(before), is_closed(after))


def _moved(before: list[Milestone], after: list[Milestone]) -> list[Move]:
    earlier = {m.key: m for m in before}
    moved = []
    for m in after:
        old = earlier.get(m.key)
        if old is not None and (old.due, old.status) == (m.due, m.status):
            continue
        moved.append(
            Move(
                key=m.key,
                label=m.label,
                rule=m.rule if " — " in m.rule else f"{m.rule} — {m.source}",
                before_due=old.due if old else None,
                after_due=m.due,
                before_status=old.status if old else "",
                after_status=m.status,
            )
        )
    return moved

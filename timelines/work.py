"""Who sees and who owns which milestones: the queries behind "My work", the dashboard, the feed,
the JSON API and the reminders.

Stored milestones carry the status computed when they were last written; for an open milestone
the status moves with the calendar, so it is recomputed here against ``today`` (the stored due
date is the engine's answer and is never recomputed outside timelines/).

Visibility (what a person may see) follows tracker.access: an establishment user sees only their
establishment(s), an HMPPS manager with a prison group only that group, HMIP team leaders and
inspectors only the inspections they lead or are on. Ownership (what is *their* work) maps the
rule's owner to people: hmip -> the inspection's team leader and team (HMIP managers: all HMIP),
scrutiny -> the Scrutiny Team, establishment -> that establishment's users, hmpps and sos -> HMPPS
managers (scoped by prison group when set).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from timelines import risk
from timelines.core.calendar import WorkingCalendar
from timelines.core.engine import (
    DONE_EARLY,
    DUE_SOON,
    DUE_SOON_WORKING_DAYS,
    DUE_TODAY,
    NOT_YET_DUE,
    OPEN_STATUSES,
    OVERDUE,
    OVERTAKEN,
    _status,
    recurring_status,
)
from timelines.core.rules import OWNERS, RECURRING, rules_for
from timelines.tables import RecurringDone, StoredMilestone
from tracker.policy import can
from tracker.principal import Principal
from tracker.roles import Role

SIDES = {
    "hmip": "HMIP",
    "scrutiny": "Scrutiny Team",
    "establishment": "Establishment",
    "hmpps": "HMPPS",
    "sos": "Secretary of State",
}
STATUS_LABELS = {
    OVERDUE: "Overdue",
    DUE_TODAY: "Due today",
    DUE_SOON: "Due soon",
    NOT_YET_DUE: "Not yet due",
    DONE_EARLY: "Done early",
    OVERTAKEN: "Overtaken",
}
RAG = {OVERDUE: "red", DUE_TODAY: "orange", DUE_SOON: "yellow", NOT_YET_DUE: "green"}
RAG |= {DONE_EARLY: "turquoise", OVERTAKEN: "purple"}
ESCALATE_AFTER_WORKING_DAYS = 5


@dataclass(frozen=True)
class Scope:
    """What one person may see: establishments (None = all) and inspections (None = all)."""

    establishment_ids: frozenset[int] | None
    inspection_ids: frozenset[int] | None
    led_or_on: frozenset[int] = frozenset()

    def allows(self, establishment_id: int, inspection_id: int) -> bool:
        if self.establishment_ids is not None and establishment_id not in self.establishment_ids:
            return False
        return self.inspection_ids is None or inspection_id in self.inspection_ids


async def team_inspections(user_id: int) -> frozenset[int]:
    """Inspections this person leads or is on."""
    from inspections.tables import Inspection, InspectionTeamMember

    led = await Inspection.select(Inspection.id).where(Inspection.team_leader == user_id)
    on = await InspectionTeamMember.select(InspectionTeamMember.inspection).where(
        InspectionTeamMember.user == user_id
    )
    return frozenset({r["id"] for r in led} | {r["inspection"] for r in on})


async def scope_for(principal: Principal) -> Scope:
    from tracker.access import establishment_scope

    establishments = establishment_scope(principal)
    hmip_staff = principal.has(Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR)
    mine = await team_inspections(principal.user_id) if hmip_staff else frozenset()
    sees_every_inspection = principal.has(
        Role.HMIP_MANAGER, Role.HMPPS_SCRUTINY, Role.HMPPS_MANAGER, Role.ESTABLISHMENT
    )
    if hmip_staff and not sees_every_inspection:
        return Scope(establishments, mine, mine)
    return Scope(establishments, None, mine)


def owns(principal: Principal, item: dict, scope: Scope) -> bool:
    """Is this milestone this person's (or their team's) to do?"""
    owner = item["owner"]
    if owner == "hmip":
        return principal.has(Role.HMIP_MANAGER) or item["inspection"] in scope.led_or_on
    if owner == "scrutiny":
        return principal.has(Role.HMPPS_SCRUTINY)
    if owner == "establishment":
        return principal.has(Role.ESTABLISHMENT) and item["establishment"] in principal.establishment_ids
    if owner in ("hmpps", "sos"):
        return principal.has(Role.HMPPS_MANAGER) and (
            not principal.prison_group or item["prison_group"] == principal.prison_group
        )
    return False


def live(item: dict, today: date, calendar: WorkingCalendar) -> dict:
    """The item with its status and working days recomputed against today (open items only)."""
    if item["status"] in OPEN_STATUSES and item["due"] is not None:
        status, working_days, _days = _status(item["due"], None, None, today, calendar)
        item = {**item, "status": status, "working_days": working_days}
    item["status_label"] = STATUS_LABELS.get(item["status"], item["status"].replace("_", " "))
    item["rag"] = RAG.get(item["status"], "grey")
    item["side"] = SIDES.get(item["owner"], item["owner"])
    item["href"] = f"/inspections/{item['inspection']}"
    return item


def due_range(status: str, today: date, calendar: WorkingCalendar) -> tuple[date | None, date | None]:
    """The due dates (inclusive; None = unbounded) an open milestone has when its live status
    (``live``) is ``status``; anything else (e.g. "open") gives no bound. Lets the database pick
    the rows of one status instead of every open milestone being read to choose them."""
    day = timedelta(days=1)
    soon_until = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS + 1) - day
    return {
        OVERDUE: (None, today - day),
        DUE_TODAY: (today, today),
        DUE_SOON: (today + day, soon_until),
        NOT_YET_DUE: (soon_until + day, None),
    }.get(status, (None, None))


def _open_query(sm, query, scope: Scope):
    """Limit a query on StoredMilestone to open milestones of open inspections in the scope;
    None when the scope sees nothing."""
    from inspections.tables import Inspection

    # "not one of the (few) closed inspections" rather than a join on inspection.closed: with
    # the join SQLite starts from the inspections and reads every milestone of every open one.
    closed = Inspection.select(Inspection.id).where(Inspection.closed == True)  # noqa: E712
    query = query.where(
        sm.status.is_in(list(OPEN_STATUSES)),
        sm.due.is_not_null(),
        sm.inspection.not_in(closed),
    )
    if scope.establishment_ids is not None:
        if not scope.establishment_ids:
            return None
        query = query.where(sm.establishment.is_in(list(scope.establishment_ids)))
    if scope.inspection_ids is not None:
        if not scope.inspection_ids:
            return None
        query = query.where(sm.inspection.is_in(list(scope.inspection_ids)))
    return query


async def open_item_options(scope: Scope) -> dict[str, list[tuple[str, str]]]:
    """The stages, establishments and prison groups among the open milestones this scope may
    see (the dashboard's filter options), each from one small DISTINCT query."""
    sm = StoredMilestone
    wanted = {
        "stage": (sm.key, sm.label),
        "establishment": (sm.establishment, sm.establishment.name.as_alias("name")),
        "group": (sm.establishment.prison_group.as_alias("prison_group"),),
    }
    options: dict[str, list[tuple[str, str]]] = {}
    for name, columns in wanted.items():
        query = _open_query(sm, sm.select(*columns).distinct(), scope)
        rows = [] if query is None else await query
        values = [tuple(str(v) if v is not None else "" for v in r.values()) for r in rows]
        if name == "group":
            values = [(v[0], v[0]) for v in values if v[0]]
        options[name] = sorted(set(values), key=lambda kv: (kv[1], kv[0]))
    return options


async def open_items(
    scope: Scope,
    *,
    today: date,
    calendar: WorkingCalendar,
    establishment_ids: Iterable[int] | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    key: str | None = None,
    prison_group: str | None = None,
    owner: str | None = None,
) -> list[dict]:
    """Every open milestone (with a due date) of open inspections this scope may see; the
    keyword filters narrow it in the database (due dates inclusive)."""
    sm = StoredMilestone
    query = sm.select(
        sm.id,
        sm.inspection,
        sm.establishment,
        sm.key,
        sm.label,
        sm.process,
        sm.owner,
        sm.kind,
        sm.due,
        sm.status,
        sm.working_days,
        sm.rule,
        sm.source,
        sm.done_on,
        sm.establishment.name.as_alias("establishment_name"),
        sm.establishment.prison_group.as_alias("prison_group"),
        sm.inspection.kind.as_alias("inspection_kind"),
        sm.inspection.title.as_alias("inspection_title"),
        sm.inspection.end_date.as_alias("inspection_end"),
        sm.inspection.team_leader.as_alias("team_leader"),
    )
    query = _open_query(sm, query, scope)
    if query is None:
        return []
    if due_from is not None:
        query = query.where(sm.due >= due_from)
    if due_to is not None:
        query = query.where(sm.due <= due_to)
    if key:
        query = query.where(sm.key == key)
    if prison_group:
        query = query.where(sm.establishment.prison_group == prison_group)
    if owner:
        query = query.where(sm.owner == owner)
    if establishment_ids is not None:
        wanted = list(establishment_ids)
        if not wanted:
            return []
        query = query.where(sm.establishment.is_in(wanted))
    rows = await query.order_by(sm.due).order_by(sm.id)
    return [live(row, today, calendar) for row in rows]


def sort_items(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda i: (i["due"], i["establishment_name"], i["inspection"], i["id"]))


async def my_items(
    principal: Principal, *, today: date, calendar: WorkingCalendar, within: int | None = None
) -> list[dict]:
    """What this person owns, overdue first then by due date; ``within`` N working days."""
    scope = await scope_for(principal)
    items = [i for i in await open_items(scope, today=today, calendar=calendar) if owns(principal, i, scope)]
    if within is not None:
        horizon = calendar.add_working_days(today, within) if within > 0 else today
        items = [i for i in items if i["due"] <= horizon]
    return sort_items(await risk.flag_items(items, today, calendar))


def counts(items: Iterable[dict]) -> dict[str, int]:
    result = {OVERDUE: 0, DUE_TODAY: 0, DUE_SOON: 0, NOT_YET_DUE: 0}
    for item in items:
        result[item["status"]] = result.get(item["status"], 0) + 1
    return result


# -- recurring obligations ----------------------------------------------------------------------

def may_mark_recurring(principal: Principal, owner: str) -> bool:
    return can(principal, "recurring.mark_done", {"owner": owner})


async def recurring_obligations(*, today: date, calendar: WorkingCalendar) -> list[dict]:
    """Each recurring obligation with its last time done, next due date and status."""
    rows = (
        await RecurringDone.select()
        .order_by(RecurringDone.done_on, ascending=False)
        .order_by(RecurringDone.id, ascending=False)
    )
    latest: dict[str, dict] = {}
    for row in rows:
        latest.setdefault(row["key"], row)
    result = []
    for rule in rules_for(RECURRING):
        last = latest.get(rule.key)
        milestone = recurring_status(
            rule.key, last["done_on"] if last else None, today=today, calendar=calendar
        )
        result.append(
            {
                "key": rule.key,
                "label": rule.label,
                "owner": rule.owner,
                "side": SIDES.get(rule.owner, rule.owner),
                "owner_name": OWNERS[rule.owner],
                "rule": rule.describe(),
                "source": rule.source,
                "note": rule.note,
                "last_done": last["done_on"] if last else None,
                "due": milestone.due,
                "status": milestone.status,
                "status_label": STATUS_LABELS.get(milestone.status, "Not yet recorded")
                if milestone.due
                else "Not yet recorded",
                "rag": RAG.get(milestone.status, "grey"),
                "working_days": milestone.working_days,
            }
        )
    return result


async def my_recurring(principal: Principal, *, today: date, calendar: WorkingCalendar) -> list[dict]:
    return [
        r
        for r in await recurring_obligations(today=today, calendar=calendar)
        if may_mark_recurring(principal, r["owner"])
    ]




"""What the inspection pages show: milestone rows, the timeline of facts, the next action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from inspections.constants import EVENT_LABELS, EVENT_SOURCES, OWNER_SHORT, STATUS_TAGS
from timelines.core.engine import OPEN_STATUSES
from timelines.core.rules import rules_for
from timelines.words import late_by
from tracker.principal import Principal
from tracker.roles import Role
from tracker.templating import govuk_date, govuk_datetime

FACT_ACTIONS = {
    # the fact that closes a milestone -> what its recorder does next, and where
    "debrief_held": ("Log the final debrief", "/inspections/{id}/debrief"),
    "debrief_note_sent": (
        "Send the debrief note to HMPPS HQ",
        "/inspections/{id}/events/new?kind=debrief_note_sent",
    ),
    "draft_sent": ("Send the draft report", "/inspections/{id}/draft"),
    "factcheck_returned": ("Return the fact check", "/inspections/{id}/factcheck"),
    "hmip_response_sent": ("Respond to the accuracy points", "/inspections/{id}/factcheck/response"),
    "published": ("Publish the report", "/inspections/{id}/publication"),
    "action_plan_received": ("Submit the action plan", "/inspections/{id}/action-plan"),
    "action_plan_quality_assured": ("Quality-assure the action plan", "/inspections/{id}/action-plan"),
    "action_plan_cleared": ("Clear the action plan", "/inspections/{id}/action-plan"),
    "action_plan_available": ("Make the action plan available", "/inspections/{id}/action-plan"),
    "un_letter_sent": (
        "Record the letter sent to the Secretary of State",
        "/inspections/{id}/events/new?kind=un_letter_sent",
    ),
    "un_published": ("Record the letter published", "/inspections/{id}/events/new?kind=un_published"),
    "sos_responded": (
        "Record the Secretary of State's response",
        "/inspections/{id}/events/new?kind=sos_responded",
    ),
}


def offset_words(process: str, key: str) -> str:
    for candidate in rules_for(process):
        if candidate.key == key:
            return candidate.offset or candidate.window or ""
    return ""


def days_text(m: dict) -> str:
    status, days = m["status"], m["working_days"] or 0
    unit = "working day" if days == 1 else "working days"
    if status == "overdue" and days == 0:  # a calendar-day deadline that fell at the weekend
        return f"Overdue since {govuk_date(m['due'])}"
    if status == "overdue":
        return f"{days} {unit} overdue"
    if status in ("not_yet_due", "due_soon"):
        return f"{days} {unit} left"
    if status == "due_today":
        return "Due today"
    if status == "done_late":
        return f"Done {govuk_date(m['done_on'])}, {late_by(m)} late"
    if status in ("done_on_time", "done"):
        return f"Done {govuk_date(m['done_on'])}" if m["done_on"] else "Done"
    if status == "done_early":
        return f"Done {govuk_date(m['done_on'])}: {m['note']}" if m.get("note") else "Done early"
    if status == "overtaken":
        return sentence(m.get("note") or "")
    return ""


def sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def due_text(m: dict) -> str:
    if m.get("due_at"):
        return govuk_datetime(m["due_at"])
    if m.get("window_open") and m.get("window_close"):
        return f"{govuk_date(m['window_open'])} to {govuk_date(m['window_close'])}"
    if m.get("due"):
        return govuk_date(m["due"], True)
    return "When the earlier step happens"


def extensions_by_key(events: list[dict]) -> dict[str, dict]:
    """The standing agreed extension of each milestone: who agreed it and why."""
    return {
        (e["detail"] or {}).get("key"): e["detail"]
        for e in events
        if e["kind"] == "deadline_extended" and not e.get("superseded_by")
    }


def milestone_rows(milestones: list[dict], extensions: dict[str, dict] | None = None) -> list[dict]:
    rows = []
    for m in milestones:
        text, colour = STATUS_TAGS.get(m["status"], (m["status"], "grey"))
        rows.append(
            {
                **m,
                "tag_text": text,
                "tag_colour": colour,
                "days_text": days_text(m),
                "due_text": due_text(m),
                "owner_text": OWNER_SHORT.get(m["owner"], m["owner"]),
                "explained": m["rule"] if " — " in m["rule"] else f"{m['rule']} — {m['source']}",
                "open": m["status"] in OPEN_STATUSES,
                "extension": (extensions or {}).get(m["key"]),
            }
        )
    return rows


def timeline_items(events: list[dict]) -> list[dict]:
    """MOJ timeline items, newest first: a corrected entry stays, struck through, saying when, by
    whom and why it was corrected; its correction says it corrects an earlier entry."""
    by_id = {e["id"]: e for e in events}
    items = []
    for event in reversed(events):
        detail = event["detail"] or {}
        words = []
        if event["occurred_at"]:
            date_text = govuk_datetime(event["occurred_at"])
        else:
            date_text = govuk_date(event["occurred_on"])
        if event["supersedes"]:
            words.append("Corrects an earlier entry.")
        if detail.get("note"):
            words.append(str(detail["note"]))
        if detail.get("writer"):
            words.append(f"Written by {detail['writer']}.")
        if event["kind"] in EVENT_SOURCES:
            words.append(EVENT_SOURCES[event["kind"]])
        items.append(
            {
                "id": event["id"],
                "label": EVENT_LABELS.get(event["kind"], event["kind"].replace("_", " ").capitalize()),
                "date_text": date_text,
                "byline": event.get("by_name") or "",
                "description": " ".join(words),
                "link": detail.get("link") or "",
                "kind": event["kind"],
                "corrected": corrected_words(by_id.get(event.get("superseded_by"))),
            }
        )
    return items


def corrected_words(correction: dict | None) -> str:
    """"Corrected on 2 December 2026 by Sam Leader: the reason" for an entry a correction replaced."""
    if correction is None:
        return ""
    reason = (correction["detail"] or {}).get("reason", "")
    by = f" by {correction['by_name']}" if correction.get("by_name") else ""
    return f"Corrected on {govuk_date(correction['recorded_at'])}{by}" + (f": {reason}" if reason else "")


def sides_of(principal: Principal) -> set[str]:
    sides = set()
    if principal.is_hmip:
        sides.add("hmip")
    if principal.has(Role.HMPPS_SCRUTINY):
        sides.add("scrutiny")
    if principal.has(Role.ESTABLISHMENT):
        sides.add("establishment")
    if principal.has(Role.HMPPS_MANAGER):
        sides |= {"hmpps", "sos"}
    return sides


def closing_fact(milestone: dict) -> str | None:
    """The fact that meets this milestone, from the rule table."""
    return next(
        (r.done_by for r in rules_for(milestone["process"]) if r.key == milestone["key"]), None
    )


PLAN_STAGES = (
    "action_plan_received",
    "action_plan_quality_assured",
    "action_plan_cleared",
    "action_plan_available",
)
"""The action plan milestone is met only at the end of these stages (MoU ¶37)."""


def facts_towards(milestone: dict) -> list[str]:
    """The facts that lead to meeting this milestone, earliest first: its closing fact, and for
    the action plan every stage up to it (whoever holds the plan now has the next one)."""
    fact = closing_fact(milestone)
    if fact in PLAN_STAGES:
        return list(PLAN_STAGES[: PLAN_STAGES.index(fact) + 1])
    return [fact] if fact in FACT_ACTIONS else []


def next_action(
    inspection: dict,
    milestones: list[dict],
    principal: Principal,
    may_record: Callable[[str], bool],
    today: date,
) -> dict:
    """The first open milestone this person's side holds and, as the page's one primary button,
    the first open milestone whose closing fact this person may record (the workflow names who
    records it, the policy who that is: `may_record(fact)`); no button when none is theirs."""
    if today < inspection["start_date"]:
        return {"text": f"The inspection starts on {govuk_date(inspection['start_date'], True)}.", "href": ""}
    open_ones = sorted(
        (m for m in milestones if m["status"] in OPEN_STATUSES), key=lambda m: m["due"] or date.max
    )
    mine = [m for m in open_ones if m["owner"] in sides_of(principal)]
    action = next(
        (FACT_ACTIONS[fact] for m in open_ones for fact in facts_towards(m) if may_record(fact)),
        ("", ""),
    )
    link_text, href = action
    result = {"href": href.format(id=inspection["id"]), "link_text": link_text}
    if not mine:
        return {**result, "text": "Nothing is waiting on you for this inspection."}
    first = mine[0]
    return {
        **result,
        "text": f"{first['label']}: due {due_text(first)}",
        "days": days_text(first),
        "status": first["status"],
    }

"""Reading the inspections domain's HTML forms into service inputs, and pre-filling them."""

from __future__ import annotations

import json
from datetime import date

from inspections.operations.debrief import DebriefInput
from inspections.operations.inspections import InspectionInput
from inspections.queries import THEMATIC_STAGE_KEYS
from tracker.forms import Form, date_parts
from tracker.query import parse_id, parse_ids

MULTI = ("team", "partners", "visited", "attendees", "recommendations")


def kept(form: Form) -> dict:
    """The submitted values to re-render with (multi-value fields as lists, no files)."""
    data = {k: v for k, v in form.data.items() if not hasattr(v, "filename") and k != "_csrf_token"}
    for name in MULTI:
        data[name] = form.values(name)
    return data




def date_fields(prefix: str, value: date | None) -> dict:
    return {f"{prefix}-{part}": text for part, text in date_parts(value).items()}


def read_inspection(form: Form, *, kind: str | None = None) -> InspectionInput:
    data = InspectionInput()
    if kind is None:
        establishment = form.raw("establishment")
        data.establishment_id = parse_id(establishment)
        data.kind = form.choice("kind", "the kind of inspection", ("full", "irp", "thematic"))
    else:
        data.kind = kind
    data.title = form.text("title", "the title of the thematic review", required=False, max_length=300)
    data.start_date = form.date("start_date", "the first day of the inspection")
    data.end_date = form.date("end_date", "the last day of the inspection")
    announced = form.choice("announced", "whether the inspection is announced", ("yes", "no"))
    data.announced = announced == "yes"
    if data.announced:
        data.announced_on = form.date("announced_on", "the date the establishment was told of the inspection")
    leader = form.raw("team_leader")
    data.team_leader_id = parse_id(leader)
    data.team_ids = parse_ids(form.values("team"))
    data.partners = form.values("partners")
    data.coordinator = form.text("coordinator", "the HMIP co-ordinator", required=False, max_length=200)
    data.liaison_officer = form.text(
        "liaison_officer", "the establishment liaison officer", required=False, max_length=200
    )
    follows = form.raw("follows")
    data.follows_id = parse_id(follows)
    data.visited_ids = parse_ids(form.values("visited"))
    data.stage_overrides = {
        key: form.raw(f"stage_{key}")[:60] for key in THEMATIC_STAGE_KEYS if form.raw(f"stage_{key}")
    }
    if data.kind == "irp":
        data.inspector_count = form.integer("inspector_count", "the number of inspectors", required=False,
                                            minimum=1, maximum=30)
        data.days_on_site = _half_days(form, "days_on_site")
    return data


def _half_days(form: Form, name: str) -> float | None:
    """Days in whole or half days ("2.5"), or None when blank."""
    raw = form.raw(name)
    if not raw:
        return None
    try:
        days = float(raw)
    except ValueError:
        days = -1.0
    if not (0.5 <= days <= 21 and (days * 2).is_integer()):
        form.error(name, "Enter the days on site in whole or half days, like 2.5")
        return None
    return days


def inspection_prefill(row: dict, team: list[int], visited: list[int]) -> dict:
    overrides = row.get("stage_overrides") or {}
    if isinstance(overrides, str):
        overrides = json.loads(overrides or "{}")
    data = {
        "establishment": str(row["establishment"]),
        "kind": row["kind"],
        "title": row["title"],
        "announced": "yes" if row["announced"] else "no",
        "team_leader": str(row["team_leader"] or ""),
        "team": [str(t) for t in team],
        "partners": [p for p in (row["partner_inspectorates"] or "").split(",") if p],
        "coordinator": row["coordinator"],
        "liaison_officer": row["liaison_officer"],
        "follows": str(row["follows"] or ""),
        "visited": [str(v) for v in visited],
        "version": str(row["version"]),
        "inspector_count": "" if row.get("inspector_count") is None else str(row["inspector_count"]),
        "days_on_site": "" if row.get("days_on_site") is None else f"{row['days_on_site']:g}",
        **date_fields("start_date", row["start_date"]),
        **date_fields("end_date", row["end_date"]),
        **date_fields("announced_on", row["announced_on"]),
    }
    for key, text in overrides.items():
        data[f"stage_{key}"] = text
    return data


def read_debrief(form: Form, follow_ups: list[int]) -> DebriefInput:
    from inspections.constants import HEALTHY_PRISON_TESTS

    data = DebriefInput()
    data.held_on = form.date("held_on", "the date of the debrief")
    data.attendees = form.values("attendees")
    data.representative = form.text("representative", "who represented them", required=False, max_length=200)
    data.absence_notice = form.raw("absence_notice")
    if data.absence_notice == "in_advance":
        data.notice_given_on = form.date("notice_given_on", "the date the team leader was told")
    data.judgements = {key: form.raw(f"judgement_{key}") for key in HEALTHY_PRISON_TESTS}
    data.progress = {str(r): form.raw(f"progress_{r}") for r in follow_ups}
    data.note_text = form.raw("note_text") if "note_text" in form.data else ""
    if isinstance(form.data.get("note_text"), str):
        data.note_text = form.data["note_text"].strip()
    return data


def debrief_prefill(debrief: dict, note: dict | None) -> dict:
    data = {
        "attendees": debrief["attendees"] or [],
        "representative": debrief["representative"],
        "absence_notice": debrief["absence_notice"]
        if debrief["absence_notice"] in ("in_advance", "none")
        else "",
        "version": str(debrief["version"]),
        "note_text": note["text"] if note else "",
        **date_fields("held_on", debrief["held_on"]),
        **date_fields("notice_given_on", debrief["notice_given_on"]),
    }
    for key, value in (debrief["judgements"] or {}).items():
        data[f"judgement_{key}"] = str(value)
    for key, value in (debrief["progress"] or {}).items():
        data[f"progress_{key}"] = value
    return data

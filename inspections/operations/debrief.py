"""The final debrief and its confidential note (MoU ¶23, ¶25)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from inspections.constants import (
    ABSENCE_NOTICE,
    ATTENDEES,
    HEALTHY_PRISON_TESTS,
    PROGRESS,
    SCORES,
)
from inspections.events import record_event, standing_events
from inspections.queries import debrief_of
from inspections.tables import (
    Debrief,
    DebriefNote,
)
from tracker import policy
from tracker.clock import now_utc
from tracker.operations import Actor, Conflict, Refused, change
from tracker.scanning import ScanResult


@dataclass
class DebriefInput:
    held_on: date | None = None
    attendees: list[str] = field(default_factory=list)
    representative: str = ""
    absence_notice: str = ""
    notice_given_on: date | None = None
    judgements: dict[str, str] = field(default_factory=dict)
    progress: dict[str, str] = field(default_factory=dict)
    note_text: str = ""

NO_NOTE = "Enter the debrief note, or upload it as a file"
"""¶25: the Governor is given a debrief note at the debrief; a debrief without one is not held."""


async def has_note_file(inspection_id: int) -> bool:
    return await DebriefNote.exists().where(
        (DebriefNote.inspection == inspection_id) & (DebriefNote.file_name != "")
    )


def check_debrief(
    data: DebriefInput, inspection: dict, follow_up_ids: list[int], errors: dict[str, str]
) -> None:
    if data.held_on and data.held_on < inspection["start_date"]:
        errors.setdefault("held_on", "The debrief date must be on or after the first day of the inspection")
    if set(data.attendees) - set(ATTENDEES):
        errors.setdefault("attendees", "Select who attended from the list")
    if not data.attendees:
        errors.setdefault("attendees", "Select who attended the debrief")
    senior_present = {"pgd", "ed", "representative"} & set(data.attendees)
    if "representative" in data.attendees and not data.representative:
        errors.setdefault(
            "representative", "Enter who represented the Prison Group Director or Executive Director"
        )
    if not senior_present and inspection["kind"] != "thematic":
        if data.absence_notice not in ABSENCE_NOTICE:
            errors.setdefault(
                "absence_notice",
                "Select whether the Prison Group Director or Executive Director "
                "gave notice they could not attend",
            )
        elif data.absence_notice == "in_advance":
            if data.notice_given_on is None and "notice_given_on" not in errors:
                errors["notice_given_on"] = "Enter the date the team leader was told"
            elif data.held_on and data.notice_given_on and data.notice_given_on > data.held_on:
                errors.setdefault(
                    "notice_given_on", "The date the team leader was told must be before the debrief"
                )
    if inspection["kind"] == "full":
        for key, label in HEALTHY_PRISON_TESTS.items():
            if data.judgements.get(key) not in SCORES:
                errors.setdefault(f"judgement_{key}", f"Select the indicative judgement for {label.lower()}")
    if inspection["kind"] == "irp":
        for rec_id in follow_up_ids:
            if data.progress.get(str(rec_id)) not in PROGRESS:
                errors.setdefault(f"progress_{rec_id}", "Select the progress made on this recommendation")
    if len(data.note_text) > 50000:
        errors.setdefault("note_text", "The debrief note must be 50,000 characters or fewer")



async def save_debrief(
    actor: Actor,
    inspection: dict,
    data: DebriefInput,
    *,
    today: date,
    version: int | None,
    note_file: tuple[str, str, bytes, str] | None = None,
) -> None:
    """Save the debrief, its note, the debrief_held fact and the audit row, in one transaction."""
    inspection_id = inspection["id"]
    by_user_id = actor.user_id
    if actor.principal is not None:
        policy.require(actor.principal, "debrief.record", inspection)
    detail = f"with file {ScanResult(note_file[3]).audit_detail()}" if note_file else ""
    senior_present = {"pgd", "ed", "representative"} & set(data.attendees)
    values = {
        Debrief.held_on: data.held_on,
        Debrief.attendees: json.dumps(data.attendees),
        Debrief.representative: data.representative if "representative" in data.attendees else "",
        Debrief.absence_notice: "not_needed" if senior_present else data.absence_notice,
        Debrief.notice_given_on: data.notice_given_on
        if (not senior_present and data.absence_notice == "in_advance")
        else None,
        Debrief.judgements: json.dumps(
            {k: int(v) for k, v in data.judgements.items() if k in HEALTHY_PRISON_TESTS}
            if inspection["kind"] == "full"
            else {}
        ),
        Debrief.progress: json.dumps(data.progress if inspection["kind"] == "irp" else {}),
        Debrief.recorded_by: by_user_id,
        Debrief.recorded_at: now_utc(),
    }
    audited = {"object_type": "inspection", "object_id": inspection_id, "detail": detail}
    async with change(actor, "debrief.save", **audited):
        if not data.note_text.strip() and note_file is None and not await has_note_file(inspection_id):
            raise Refused({"note_text": NO_NOTE})
        existing = (
            await Debrief.select(Debrief.id, Debrief.version, Debrief.held_on)
            .where(Debrief.inspection == inspection_id)
            .first()
        )
        if existing is None:
            await Debrief.insert(
                Debrief(inspection=inspection_id, version=1, **{c._meta.name: v for c, v in values.items()})
            )
        else:
            if version is None or existing["version"] != version:
                raise Conflict(await debrief_of(inspection_id) or {})
            values[Debrief.version] = version + 1
            await Debrief.update(values).where((Debrief.id == existing["id"]) & (Debrief.version == version))
        await _save_note(inspection_id, data.note_text, note_file, by_user_id)
        facts = await standing_events(inspection_id)
        held = [e for e in facts if e["kind"] == "debrief_held"]
        if not held:
            await record_event(
                inspection_id,
                "debrief_held",
                data.held_on,
                by_user_id=by_user_id,
                today=today,
                field="held_on",
            )
        elif held[-1]["occurred_on"] != data.held_on:
            await record_event(
                inspection_id,
                "debrief_held",
                data.held_on,
                by_user_id=by_user_id,
                supersedes=held[-1]["id"],
                detail={"note": "debrief date corrected"},
                today=today,
                field="held_on",
            )



async def _save_note(inspection_id: int, text: str, note_file, by_user_id: int) -> None:
    existing = (
        await DebriefNote.select(DebriefNote.id, DebriefNote.version)
        .where(DebriefNote.inspection == inspection_id)
        .first()
    )
    values = {DebriefNote.text: text, DebriefNote.recorded_by: by_user_id, DebriefNote.recorded_at: now_utc()}
    if note_file is not None:
        name, content_type, content, scan_result = note_file
        values.update(
            {
                DebriefNote.file_name: name,
                DebriefNote.file_type: content_type,
                DebriefNote.file_size: len(content),
                DebriefNote.file_content: content,
                DebriefNote.scan_result: scan_result,
            }
        )
    if existing is None:
        await DebriefNote.insert(
            DebriefNote(inspection=inspection_id, **{c._meta.name: v for c, v in values.items()})
        )
    else:
        values[DebriefNote.version] = existing["version"] + 1
        await DebriefNote.update(values).where(DebriefNote.id == existing["id"])

"""The final debrief as a short sequence of pages (issue 16: "one thing per page"): who attended,
the indicative judgements (or an IRP's progress), the note, then check your answers.

Nothing is written until the answers are confirmed: each page carries the earlier answers as
hidden fields (a note file as base64), so the service keeps no draft and needs no JavaScript.
"""

from __future__ import annotations

import base64

ATTENDANCE = "attendance"
JUDGEMENTS = "judgements"
NOTE = "note"
CHECK = "check"

TITLES = {
    ATTENDANCE: "When the debrief was held and who attended",
    JUDGEMENTS: "Indicative healthy prison test judgements",
    NOTE: "Debrief note",
    CHECK: "Check your answers before recording the debrief",
}
TEMPLATES = {
    ATTENDANCE: "inspections/debrief_attendance.html",
    JUDGEMENTS: "inspections/debrief_judgements.html",
    NOTE: "inspections/debrief_write_note.html",
    CHECK: "inspections/debrief_check.html",
}
IRP_JUDGEMENTS_TITLE = "Progress on each recommendation followed up"

NEVER_CARRIED = {"_csrf_token", "_form_token", "step", "go", "note_file"}
FILE_FIELDS = ("note_file_name", "note_file_data")


def steps_for(kind: str) -> list[str]:
    """A thematic review's debrief has no judgements and no recommendations to follow up."""
    return [ATTENDANCE, NOTE] if kind == "thematic" else [ATTENDANCE, JUDGEMENTS, NOTE]


def step_of(name: str) -> str | None:
    """The page a field (or its error) belongs to; None for what every page carries (the version,
    and whether a "Change" link on the check page brought them here)."""
    base = name.split("-")[0]
    if base in ("version", "changing"):
        return None
    if base.startswith(("judgement_", "progress_")):
        return JUDGEMENTS
    if base.startswith("note_"):
        return NOTE
    return ATTENDANCE


def following(steps: list[str], step: str) -> str:
    return steps[steps.index(step) + 1] if steps.index(step) + 1 < len(steps) else CHECK


def preceding(steps: list[str], step: str) -> str | None:
    if step == CHECK:
        return steps[-1]
    return steps[steps.index(step) - 1] if steps.index(step) > 0 else None


def carried(values: dict, step: str | None) -> list[tuple[str, str]]:
    """The hidden fields a page sends on: every answer not shown on it (the note file always);
    with no step, every answer (what the back link sends)."""
    hidden = []
    for name, value in values.items():
        if name in NEVER_CARRIED or (step_of(name) == step and name not in FILE_FIELDS):
            continue
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, str):
                hidden.append((name, one))
    return hidden


def errors_of(errors: dict[str, str], step: str) -> dict[str, str]:
    return {name: message for name, message in errors.items() if step_of(name) == step}


def first_step_with_errors(steps: list[str], errors: dict[str, str]) -> str:
    return next((step for step in steps if errors_of(errors, step)), steps[0])


def file_fields(name: str, content: bytes) -> dict[str, str]:
    return {"note_file_name": name, "note_file_data": base64.b64encode(content).decode("ascii")}


def file_from_fields(values: dict) -> tuple[str, bytes] | None:
    """The note file carried from the note page, or None (none attached, or not base64)."""
    data = values.get("note_file_data")
    if not isinstance(data, str) or not data:
        return None
    try:
        return str(values.get("note_file_name", "")), base64.b64decode(data, validate=True)
    except ValueError:
        return None

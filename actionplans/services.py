"""The action plan's vocabulary and the rules its input must meet: labels, the input types and
the problems with a response or an action (GOV.UK messages). Reads are in actionplans.queries,
changes in actionplans.operations, who may and in which state in actionplans.policy."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

RESPONSES = {"agreed": "Agreed", "partly_agreed": "Partly agreed", "not_agreed": "Not agreed"}
ACTION_STATUSES = {"not_started": "Not started", "in_progress": "In progress", "complete": "Complete"}
PLAN_STATUSES = {
    "draft": "Draft",
    "submitted": "Waiting for quality assurance",
    "returned": "Returned with comments",
    "accepted": "Quality-assured, waiting for clearance",
    "cleared": "Cleared, waiting to be made available",
    "available": "Available, waiting for publication on HMIP's website",
    "published": "Published on HMIP's website",
}
# The status inside a sentence: "It is quality-assured, waiting for clearance."
PLAN_STATUS_WORDS = {key: label[:1].lower() + label[1:] for key, label in PLAN_STATUSES.items()}
# What a move does, inside "it cannot be … now".
MOVE_WORDS = {"available": "made available", "published": "published on HMIP's website"}
PLAN_STATUS_COLOURS = {
    "draft": "grey",
    "submitted": "blue",
    "returned": "orange",
    "accepted": "turquoise",
    "cleared": "purple",
    "available": "light-blue",
    "published": "green",
}
EVENT_LABELS = {
    "created": "Action plan started",
    "imported": "Rows filled from a spreadsheet",
    "file_uploaded": "File uploaded",
    "submitted": "Submitted for quality assurance",
    "returned": "Returned with comments by the Scrutiny Team",
    "accepted": "Quality-assured by the Scrutiny Team",
    "cleared": "Cleared by the Executive Director",
    "available": "Made available by the Scrutiny Team",
    "published": "Published on HMIP's website",
    "response_changed": "Response changed",
    "action_added": "Action added",
    "action_changed": "Action changed",
    "action_removed": "Action removed",
    "progress": "Progress recorded",
}
MAX_TEXT = 4000
MAX_OWNER = 200




# ---------------------------------------------------------------- validation


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"(\+?\d[\d\s()-]{8,}\d)")


def owner_problem(owner: str) -> str | None:
    if not owner:
        return "Enter the owner (a role or team)"
    if len(owner) > MAX_OWNER:
        return f"Owner must be {MAX_OWNER} characters or fewer"
    if _EMAIL.search(owner) or _PHONE.search(owner):
        return "Owner must be a role or team, not an email address or phone number"
    return None


def response_problems(response: str, agreed_part: str, reason: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if response not in RESPONSES:
        errors["response"] = "Select whether the recommendation is agreed, partly agreed or not agreed"
    elif response == "partly_agreed" and not agreed_part:
        errors["agreed_part"] = "Enter which part of the recommendation is agreed"
    elif response == "not_agreed" and not reason:
        errors["reason"] = "Enter the reason the recommendation is not agreed"
    for name, value in (("agreed_part", agreed_part), ("reason", reason)):
        if len(value) > MAX_TEXT:
            errors.setdefault(name, f"Text must be {MAX_TEXT} characters or fewer")
    return errors


def action_problems(
    description: str,
    owner: str,
    target_date: date | None,
    status: str,
    *,
    today: date,
    target_must_be_future: bool = True,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not description:
        errors["description"] = "Enter the action"
    elif len(description) > MAX_TEXT:
        errors["description"] = f"Action must be {MAX_TEXT} characters or fewer"
    if problem := owner_problem(owner):
        errors["owner"] = problem
    if target_date is None:
        errors["target_date"] = "Enter the target date"
    elif target_must_be_future and target_date <= today:
        errors["target_date"] = "Target date must be in the future"
    if status not in ACTION_STATUSES:
        errors["status"] = "Select the status of the action"
    return errors


@dataclass
class ActionInput:
    description: str
    owner: str
    target_date: date | None
    status: str = "not_started"


@dataclass
class ImportedRows:
    responses: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # rec id -> (resp, part, why)
    actions: list[tuple[int, ActionInput]] = field(default_factory=list)

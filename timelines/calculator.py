"""The deadline calculator: a start date and a rule, the date, and how it was counted."""

from __future__ import annotations

from datetime import date, timedelta

from timelines.core.calendar import WorkingCalendar
from timelines.core.kinds import InspectionKind
from timelines.core.rules import PROCESSES, RULES, Rule, proposed_date, rule, window_dates

PROCESS_NAMES = {
    **{kind.process: kind.label for kind in InspectionKind},
    "urgent-notification": "Urgent Notification",
    "programme": "Inspection programme",
    "recurring": "Recurring obligation",
}


def rule_choices() -> list[tuple[str, str]]:
    """Every date rule (hour rules need a time, so they are left out), as (value, text)."""
    result = []
    for r in RULES:
        if r.offset is not None and r.is_timestamp:
            continue
        result.append((f"{r.process}:{r.key}", f"{PROCESS_NAMES.get(r.process, r.process)}: {r.label}"))
    return result


def find_rule(value: str) -> Rule | None:
    process, _, key = value.partition(":")
    if process not in PROCESSES:
        return None
    try:
        found = rule(process, key)
    except ValueError:
        return None
    return None if found.is_timestamp else found


def calculate(the_rule: Rule, start: date, calendar: WorkingCalendar) -> dict:
    """The due date (or window) from ``start``, with the holidays and weekend days skipped."""
    if the_rule.window:
        opens, due = window_dates(the_rule, start, calendar)
        proposed = proposed_date(the_rule, start, calendar)
    else:
        opens, proposed = None, None
        due = the_rule.parsed_offset.apply(start, calendar)
    low, high = (start, due) if due >= start else (due, start)
    holidays = calendar.holidays_between(low, high)
    weekend_days = sum(1 for n in range(1, (high - low).days + 1) if (low + timedelta(days=n)).weekday() >= 5)
    return {
        "rule": the_rule,
        "start": start,
        "due": due,
        "opens": opens,
        "proposed": proposed,
        "anchor": the_rule.anchor_words(),
        "description": the_rule.describe(),
        "calendar_days": (due - start).days,
        "working_days": calendar.working_days_between(start, due),
        "holidays": holidays,
        "weekend_days": weekend_days,
        "due_is_working_day": calendar.is_working_day(due),
    }

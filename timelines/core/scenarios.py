"""Scenarios as data: a named, dated history of one inspection (or one establishment's programme,
or a recurring obligation) with the milestones a domain expert expects, checked against the engine.

``parse_scenario`` turns the mapping read from a file (timelines/scenarios/*.yaml) into a
``Scenario``, naming the field that is wrong (``ScenarioError``); ``check_scenario`` returns the
differences between what the file expects and what the engine and the workflow check say. Pure:
reading the file is the caller's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from timelines.core.calendar import WorkingCalendar
from timelines.core.engine import (
    STATUSES,
    Extension,
    ExtensionRefused,
    Milestone,
    compute,
    is_closed,
    programme_milestones,
    programme_status,
    recurring_status,
)
from timelines.core.rules import (
    FACT_KEYS,
    FULL_INSPECTION,
    INSPECTION_PROCESSES,
    PROGRAMME,
    PROGRAMME_FACT_KEYS,
    RECURRING,
    SOS_ANCHORS,
    URGENT_NOTIFICATION,
    programme_rules_for,
    rules_for,
)
from timelines.core.workflow import Impossible, Inspection, check_history

FIELDS = {
    "name", "description", "mou", "process", "day0", "start", "today", "facts", "extensions",
    "overrides", "sos_anchor", "establishment", "expected",
}
EXPECTED_FIELDS = {"closed", "milestones", "refused", "cycles"}
MILESTONE_FIELDS = {"due", "status", "original_due", "note", "proposed"}
PROCESSES = (*INSPECTION_PROCESSES, PROGRAMME, RECURRING)


class ScenarioError(ValueError):
    """A scenario file that cannot be read: ``field`` names where."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    mou: str
    process: str
    today: date
    day0: date | None = None
    start: date | None = None
    facts: Mapping[str, date | datetime] = field(default_factory=dict)
    extensions: Mapping[str, date] = field(default_factory=dict)
    overrides: Mapping[str, str] = field(default_factory=dict)
    sos_anchor: str = SOS_ANCHORS[0]
    establishment: tuple[str, str] | None = None
    milestones: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    closed: bool | None = None
    refused: tuple[str, str] | None = None
    cycles: tuple[str, ...] | None = None


# -- reading ---------------------------------------------------------------------------------------


def parse_scenario(data: Any) -> Scenario:
    """A ``Scenario`` from a file's mapping; ``ScenarioError`` names the first wrong field."""
    data = _mapping(data, "the file")
    _only(data, FIELDS, "")
    process = _text(data, "process")
    if process not in PROCESSES:
        raise ScenarioError("process", f"{process!r} is not one of {', '.join(PROCESSES)}")
    inspection = process in INSPECTION_PROCESSES
    expected = _mapping(data.get("expected", {}), "expected")
    _only(expected, EXPECTED_FIELDS, "expected.")
    refused = expected.get("refused")
    if refused is not None and (not isinstance(refused, list) or len(refused) != 2):
        example = "e.g. [published, draft_sent]"
        raise ScenarioError("expected.refused", f"give the two facts in conflict, {example}")
    cycles = expected.get("cycles")
    if cycles is not None and not isinstance(cycles, list):
        raise ScenarioError("expected.cycles", "give a list of programme rule keys (or [])")
    closed = expected.get("closed")
    if closed is not None and not isinstance(closed, bool):
        raise ScenarioError("expected.closed", f"{closed!r} is not true or false")
    sos_anchor = data.get("sos_anchor", SOS_ANCHORS[0])
    if sos_anchor not in SOS_ANCHORS:
        raise ScenarioError("sos_anchor", f"{sos_anchor!r} is not one of {', '.join(SOS_ANCHORS)}")
    return Scenario(
        name=_text(data, "name"),
        description=_text(data, "description"),
        mou=str(data.get("mou") or _missing("mou")),
        process=process,
        today=_date(data.get("today"), "today"),
        day0=_date(data.get("day0"), "day0") if inspection else None,
        start=_date(data["start"], "start") if "start" in data else None,
        facts=_facts(data.get("facts") or {}, process),
        extensions={
            key: _date(value, f"extensions.{key}")
            for key, value in _mapping(data.get("extensions") or {}, "extensions").items()
        },
        overrides={str(k): str(v) for k, v in _mapping(data.get("overrides") or {}, "overrides").items()},
        sos_anchor=sos_anchor,
        establishment=_establishment(data.get("establishment"), process),
        milestones=_milestones(expected.get("milestones") or {}, process),
        closed=closed,
        refused=(str(refused[0]), str(refused[1])) if refused else None,
        cycles=tuple(map(str, cycles)) if cycles is not None else None,
    )


def _missing(name: str):  # noqa: ANN202 - raises
    raise ScenarioError(name, "is missing")


def _mapping(value: Any, name: str) -> dict:
    if not isinstance(value, dict):
        raise ScenarioError(name, "should be a set of 'key: value' lines")
    return value


def _only(data: Mapping, allowed: set[str], prefix: str) -> None:
    unknown = sorted(set(map(str, data)) - allowed)
    if unknown:
        fields = ", ".join(sorted(allowed))
        raise ScenarioError(f"{prefix}{unknown[0]}", f"is not a field (expected one of {fields})")


def _text(data: Mapping, name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(name, "is missing")
    return value.strip()


def _date(value: Any, name: str) -> date:
    if isinstance(value, datetime):
        raise ScenarioError(name, f"{value.isoformat()} should be a date without a time")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ScenarioError(name, f"{value!r} is not a date: use YYYY-MM-DD") from None


def _moment(value: Any, name: str) -> date | datetime:
    if isinstance(value, date):
        return value
    text = str(value)
    try:
        return datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)
    except ValueError:
        message = f"{value!r} is not a date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM)"
        raise ScenarioError(name, message) from None


def _facts(value: Any, process: str) -> dict[str, date | datetime]:
    known = _fact_keys(process)
    facts = {}
    for key, when in _mapping(value, "facts").items():
        if key not in known:
            raise ScenarioError(f"facts.{key}", f"is not a fact (known: {', '.join(known)})")
        facts[key] = _moment(when, f"facts.{key}")
    return facts


def _fact_keys(process: str) -> tuple[str, ...]:
    if process == PROGRAMME:
        return PROGRAMME_FACT_KEYS
    if process == RECURRING:
        return ("last_done",)
    return FACT_KEYS


def _establishment(value: Any, process: str) -> tuple[str, str] | None:
    if process != PROGRAMME:
        return None
    data = _mapping(value, "establishment")
    return _text(data, "kind"), _text(data, "cohort")


def _milestones(value: Any, process: str) -> dict[str, dict]:
    keys = {r.key for r in rules_for(process)}
    milestones = {}
    for key, expected in _mapping(value, "expected.milestones").items():
        where = f"expected.milestones.{key}"
        if key not in keys:
            raise ScenarioError(where, f"is not a milestone of {process} (known: {', '.join(sorted(keys))})")
        expected = _mapping(expected, where)
        _only(expected, MILESTONE_FIELDS, f"{where}.")
        if expected.get("status") not in STATUSES:
            message = f"{expected.get('status')!r} is not one of {', '.join(STATUSES)}"
            raise ScenarioError(f"{where}.status", message)
        for name in ("due", "original_due", "proposed"):
            if expected.get(name) is not None:
                expected[name] = _date(expected[name], f"{where}.{name}")
        milestones[key] = expected
    return milestones


# -- checking ----------------------------------------------------------------------------------------


def history_problems(
    process: str,
    start: date,
    day0: date,
    facts: Mapping[str, date | datetime],
    overrides: Mapping[str, str],
    *,
    today: date,
    calendar: WorkingCalendar,
) -> list[Impossible]:
    """What in this history cannot have happened (an urgent notification is checked as the full
    inspection that raised it)."""
    urgent = process == URGENT_NOTIFICATION
    inspection = Inspection(
        FULL_INSPECTION if urgent else process, start, day0, urgent_notification=urgent,
        overrides=dict(overrides),
    )
    return check_history(inspection, facts, today=today, calendar=calendar)


def check_scenario(scenario: Scenario, calendar: WorkingCalendar) -> list[str]:
    """What differs between the scenario's expectations and the engine's answers (none: [])."""
    if scenario.process == PROGRAMME:
        return _check_programme(scenario, calendar)
    if scenario.process == RECURRING:
        milestones = [
            recurring_status(key, scenario.facts.get("last_done"), today=scenario.today, calendar=calendar)  # type: ignore[arg-type]
            for key in scenario.milestones
        ]
        return _compare(scenario, milestones)
    day0 = scenario.day0
    assert day0 is not None  # nosec B101 - parse_scenario requires it for an inspection
    problems = history_problems(
        scenario.process, scenario.start or day0, day0, scenario.facts, scenario.overrides,
        today=scenario.today, calendar=calendar,
    )
    if scenario.refused:
        return _check_refused(scenario.refused, problems)
    if problems:
        first = problems[0]
        return [f"refused: {first.fact} conflicts with {first.other}: {first.message}"]
    extensions = [Extension(key, new_due=day) for key, day in scenario.extensions.items()]
    try:
        milestones = compute(
            scenario.process, day0, scenario.facts, today=scenario.today, calendar=calendar,
            extensions=extensions, overrides=scenario.overrides, sos_anchor=scenario.sos_anchor,
        )
    except ExtensionRefused as error:
        return [f"extension refused: {error}"]
    return _compare(scenario, milestones)


def _check_refused(expected: tuple[str, str], problems: list[Impossible]) -> list[str]:
    if not problems:
        conflict = f"{expected[0]} conflicts with {expected[1]}"
        return [f"expected refused ({conflict}), but the history was accepted"]
    first = problems[0]
    if {first.fact, first.other} != set(expected):
        return [f"refused naming {first.fact} and {first.other}, expected {expected[0]} and {expected[1]}"]
    return []


def _check_programme(scenario: Scenario, calendar: WorkingCalendar) -> list[str]:
    kind, cohort = scenario.establishment  # type: ignore[misc]
    cycles = [r.key for r in programme_rules_for(kind, cohort)]
    differences = []
    if scenario.cycles is not None and list(scenario.cycles) != cycles:
        differences.append(f"cycles: expected {list(scenario.cycles)}, got {cycles}")
    by_key = {m.key: m for m in programme_milestones(kind, cohort, scenario.facts, today=scenario.today,  # type: ignore[arg-type]
                                                     calendar=calendar)}
    milestones = []
    for key in scenario.milestones:
        if key in by_key:
            milestones.append(by_key[key])
        elif key in ("irp_visit", "announced_inspection_notice"):  # per inspection, not a cycle
            milestones.append(programme_status(key, scenario.facts, today=scenario.today, calendar=calendar))  # type: ignore[arg-type]
        else:
            differences.append(f"{key}: expected, but a {kind} ({cohort}) has no such cycle")
    return differences + _compare(scenario, milestones)


def _compare(scenario: Scenario, milestones: list[Milestone]) -> list[str]:
    by_key = {m.key: m for m in milestones}
    differences = []
    for key, expected in scenario.milestones.items():
        got = by_key.get(key)
        if got is None:
            continue
        for name in ("due", "status", "original_due", "proposed"):
            if name in expected and expected[name] != getattr(got, name):
                wanted, actual = _show(expected[name]), _show(getattr(got, name))
                differences.append(f"{key} {name}: expected {wanted}, got {actual}")
        if "note" in expected and str(expected["note"]) not in got.note:
            differences.append(f"{key} note: expected it to say {expected['note']!r}, got {got.note!r}")
    if scenario.closed is not None and scenario.process in INSPECTION_PROCESSES:
        closed = is_closed(milestones)
        if closed != scenario.closed:
            differences.append(f"closed: expected {str(scenario.closed).lower()}, got {str(closed).lower()}")
    return differences


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def describe_refusal(problem: Impossible, facts: Mapping[str, date | datetime]) -> str:
    """One line naming the two facts in conflict, with their dates."""
    def named(key: str) -> str:
        return f"{key}={facts[key].isoformat()}" if key in facts else key
    return f"{named(problem.fact)} conflicts with {named(problem.other)}: {problem.message}"


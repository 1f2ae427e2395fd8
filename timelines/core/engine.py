"""The deadline engine: facts + rules + calendar (+ extensions) -> milestones.

Pure: no database, no web, no clock. ``today`` is always a parameter.

Two independent implementations give the same answers (a property test checks it):
``compute`` works one inspection at a time with plain ``date`` arithmetic, and
``compute_batch`` works a whole population rule by rule on numpy arrays (the nightly recompute).

Statuses, for a milestone whose anchor fact has happened (so it has a due date):

* not done: ``overdue`` (by ``working_days``) once today is after the due date, ``due_today``,
  ``due_soon`` when at most ``DUE_SOON_WORKING_DAYS`` working days are left, else ``not_yet_due``;
* done: ``done_on_time`` (``working_days`` to spare) or ``done_late`` (by ``working_days``), or
  ``done_early`` for a rule where being early is itself flagged (¶41: the UN letter published
  before the Secretary of State's private 24 hours had passed);
* ``overtaken``: not done, and made moot by a later fact (¶32: HMIP published without the
  fact-check return, so the return and HMIP's response will not come); the note says so in words.

Without the anchor fact a milestone is ``waiting`` (due None), or ``done`` if its closing fact
is recorded anyway (e.g. HMIP published without a fact-check return, MoU ¶32). A stage switched
off for a thematic review is ``not_applicable``. For a window the deadline is its close; being
early is never late. ``working_days`` counts as ``WorkingCalendar.working_days_between``, so a
calendar-day deadline on a Saturday met on the Sunday is late by 0 working days and 1 calendar
day (``calendar_days``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

import numpy as np

from timelines.core.calendar import WorkingCalendar, as_day_array
from timelines.core.offsets import Offset, as_london
from timelines.core.rules import (
    DAY0,
    FACT_KEYS,
    INSPECTION_PROCESSES,
    PROGRAMME,
    PROGRAMME_FACT_KEYS,
    RECURRING,
    SOS_ANCHORS,
    URGENT_NOTIFICATION,
    Rule,
    link_rules,
    programme_rules_for,
    proposed_date,
    rule,
    rules_for,
    window_dates,
    with_override,
)

WAITING = "waiting"
NOT_YET_DUE = "not_yet_due"
DUE_SOON = "due_soon"
DUE_TODAY = "due_today"
OVERDUE = "overdue"
DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"
DONE = "done"
DONE_EARLY = "done_early"
OVERTAKEN = "overtaken"
NOT_APPLICABLE = "not_applicable"
STATUSES = (
    WAITING,
    NOT_YET_DUE,
    DUE_SOON,
    DUE_TODAY,
    OVERDUE,
    DONE_ON_TIME,
    DONE_LATE,
    DONE,
    NOT_APPLICABLE,
    DONE_EARLY,
    OVERTAKEN,
)
OPEN_STATUSES = (NOT_YET_DUE, DUE_SOON, DUE_TODAY, OVERDUE)
DONE_STATUSES = (DONE_ON_TIME, DONE_LATE, DONE, DONE_EARLY)
CLOSING_STATUSES = (*DONE_STATUSES, OVERTAKEN, NOT_APPLICABLE)
"""An inspection is closed when every milestone has one of these (the ¶38 upkeep aside)."""
OVERTAKING_WORDS = {"published": "HMIP proceeded to publication"}
DUE_SOON_WORKING_DAYS = 5

Fact = date | datetime


class ExtensionRefused(ValueError):
    """An extension whose new date is not after the date it extends."""


@dataclass(frozen=True, slots=True)
class Extension:
    """More time for one milestone: a new due date, or N more working days, and why."""

    key: str
    new_due: date | None = None
    plus_working_days: int | None = None
    reason: str = ""
    by: str = ""

    def __post_init__(self) -> None:
        if (self.new_due is None) == (self.plus_working_days is None):
            raise ValueError(f"extension of {self.key!r}: give exactly one of new_due and plus_working_days")

    def apply(self, due: date, calendar: WorkingCalendar) -> date:
        if self.new_due is not None:
            return self.new_due
        return calendar.add_working_days(due, self.plus_working_days or 0)


@dataclass(frozen=True, slots=True)
class Milestone:
    key: str
    label: str
    process: str
    kind: str
    owner: str
    source: str
    rule: str
    derived: bool
    due: date | None
    window: tuple[date, date] | None
    due_at: datetime | None
    original_due: date | None
    done_on: date | None
    status: str
    working_days: int
    calendar_days: int = 0
    proposed: date | None = None
    note: str = ""
    extension_reasons: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def is_closed(milestones: Iterable[Milestone]) -> bool:
    """An inspection is closed when every milestone is done, overtaken or not applicable."""
    return all(m.status in CLOSING_STATUSES for m in milestones)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Case:
    """One inspection's input to ``compute_batch`` (the same arguments ``compute`` takes)."""

    process: str
    day0: date
    facts: Mapping[str, Fact] = field(default_factory=dict)
    extensions: Sequence[Extension] = ()
    overrides: Mapping[str, str] = field(default_factory=dict)
    sos_anchor: str = "un_letter_sent"


# -- inputs ---------------------------------------------------------------------------------------


def fact_day(value: Fact | None) -> date | None:
    """The Europe/London calendar date of a fact (a datetime keeps its time for hour rules)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_london(value).date()
    return value


def process_rules(
    process: str, overrides: Mapping[str, str] = {}, sos_anchor: str = "un_letter_sent"
) -> tuple[Rule, ...]:
    """The process's rules with this inspection's overrides and Secretary of State anchor."""
    if process not in INSPECTION_PROCESSES:
        raise ValueError(f"unknown process {process!r} (expected one of {', '.join(INSPECTION_PROCESSES)})")
    if sos_anchor not in SOS_ANCHORS:
        raise ValueError(f"sos_anchor must be one of {', '.join(SOS_ANCHORS)}, not {sos_anchor!r}")
    rules = rules_for(process)
    known = {r.key for r in rules}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"no rule {unknown[0]!r} to override for process {process!r}")
    return link_rules(tuple(_customised(r, overrides, sos_anchor) for r in rules))


def _customised(base: Rule, overrides: Mapping[str, str], sos_anchor: str) -> Rule:
    if base.key in overrides:
        base = with_override(base, overrides[base.key])
    if base.process == URGENT_NOTIFICATION and base.key == "sos_response":
        phrase = "the Secretary of State received the notification"
        detail = "letter sent" if sos_anchor == "un_letter_sent" else "letter published"
        base = replace(base, anchor=sos_anchor, anchor_phrase=f"{phrase} ({detail})")
    return base


def check_facts(facts: Mapping[str, Any], allowed: Sequence[str] = FACT_KEYS) -> None:
    for key, value in facts.items():
        if key not in allowed:
            raise ValueError(f"unknown fact {key!r} (known facts: {', '.join(allowed)})")
        if value is not None and not isinstance(value, date):
            raise ValueError(f"fact {key!r} must be a date or datetime, not {value!r}")


def check_extensions(extensions: Sequence[Extension], rules: Sequence[Rule]) -> None:
    keys = {r.key for r in rules}
    for extension in extensions:
        if extension.key not in keys:
            raise ValueError(f"extension for unknown milestone {extension.key!r}")


# -- one inspection at a time ---------------------------------------------------------------------


def compute(
    process: str,
    day0: date,
    facts: Mapping[str, Fact],
    *,
    today: date,
    calendar: WorkingCalendar,
    extensions: Sequence[Extension] = (),
    overrides: Mapping[str, str] = {},
    sos_anchor: str = "un_letter_sent",
) -> list[Milestone]:
    """Every milestone of one inspection, in rule-table order."""
    check_facts(facts)
    rules = process_rules(process, overrides, sos_anchor)
    check_extensions(extensions, rules)
    known: dict[str, Fact | None] = {DAY0: day0, **facts}
    return [evaluate(r, known, today=today, calendar=calendar, extensions=extensions) for r in rules]


def evaluate(
    the_rule: Rule,
    facts: Mapping[str, Fact | None],
    *,
    today: date,
    calendar: WorkingCalendar,
    extensions: Sequence[Extension] = (),
) -> Milestone:
    """One rule's milestone from the facts (the one-at-a-time path)."""
    done_at = facts.get(the_rule.done_by) if the_rule.done_by else None
    done_on = fact_day(done_at)
    anchor = facts.get(the_rule.anchor)
    if anchor is None and the_rule.anchor_fallback:
        anchor = facts.get(the_rule.anchor_fallback)
    if the_rule.not_applicable:
        return _milestone(the_rule, status=NOT_APPLICABLE, done_on=done_on)
    overtaken = None if done_on else overtaken_note(the_rule, facts)
    if anchor is None:
        if overtaken:
            return _milestone(the_rule, status=OVERTAKEN, done_on=None, note=overtaken)
        return _milestone(the_rule, status=DONE if done_on else WAITING, done_on=done_on)
    due, window, due_at, proposed = _due(the_rule, anchor, facts, calendar)
    note = _capped_note(the_rule, anchor, due, calendar) or the_rule.note
    original_due, reasons = None, ()
    mine = [e for e in extensions if e.key == the_rule.key]
    if mine:
        original_due, reasons, due_at = due, tuple(e.reason for e in mine), None
        for extension in mine:
            due = _extended(the_rule, extension, due, calendar)
        window = (window[0], due) if window else None
    if overtaken:
        status, working, days, note = OVERTAKEN, 0, 0, overtaken
    else:
        status, working, days = _status(due, due_at, done_at, today, calendar)
        if the_rule.early_words and _is_early(due, due_at, done_at):
            status, note = DONE_EARLY, the_rule.early_words
    return _milestone(
        the_rule,
        status=status,
        done_on=done_on,
        due=due,
        window=window,
        due_at=due_at,
        original_due=original_due,
        working_days=working,
        calendar_days=days,
        proposed=proposed,
        extension_reasons=reasons,
        note=note,
    )


def overtaken_note(the_rule: Rule, facts: Mapping[str, Fact | None]) -> str | None:
    """What happened instead, when a later fact has made this milestone moot (¶32)."""
    later = facts.get(the_rule.overtaken_by) if the_rule.overtaken_by else None
    if later is None:
        return None
    what = OVERTAKING_WORDS.get(the_rule.overtaken_by or "", the_rule.overtaken_by)
    return f"{the_rule.overtaken_words}: {what} on {long_date(fact_day(later))}"  # type: ignore[arg-type]


def _capped_note(the_rule: Rule, anchor: Fact, due: date, calendar: WorkingCalendar) -> str:
    """Words for a target shown at its limit because it would fall after it (¶31, Easter)."""
    if not the_rule.not_after or the_rule.window:
        return ""
    uncapped = the_rule.parsed_offset.apply(fact_day(anchor), calendar)  # type: ignore[arg-type]
    if uncapped <= due:
        return ""
    limit = Offset.parse(the_rule.not_after)
    unit = limit.unit.split()[-1].removesuffix("s")
    return (
        f"{the_rule.parsed_offset.describe(the_rule.anchor_words())} would be {long_date(uncapped)}, "  # type: ignore[arg-type]
        f"after the {limit.amount}-{unit} limit: the target is shown at the limit ({the_rule.source})"
    )


def _extended(the_rule: Rule, extension: Extension, due: date, calendar: WorkingCalendar) -> date:
    new_due = extension.apply(due, calendar)
    if new_due <= due:
        raise ExtensionRefused(
            f"{the_rule.label}: the new date ({long_date(new_due)}) must be after {long_date(due)}, "
            "the date it extends"
        )
    return new_due


def _milestone(the_rule: Rule, **values: Any) -> Milestone:
    defaults: dict[str, Any] = {
        "due": None,
        "window": None,
        "due_at": None,
        "original_due": None,
        "working_days": 0,
        "note": the_rule.note,
    }
    return Milestone(
        key=the_rule.key,
        label=the_rule.label,
        process=the_rule.process,
        kind=the_rule.kind,
        owner=the_rule.owner,
        source=the_rule.source,
        rule=the_rule.describe(),
        derived=the_rule.derived,
        **{**defaults, **values},
    )


def _due(
    the_rule: Rule, anchor: Fact, facts: Mapping[str, Fact | None], calendar: WorkingCalendar
) -> tuple[date, tuple[date, date] | None, datetime | None, date | None]:
    """(due, window, due_at, proposed) for a rule whose anchor fact is known."""
    anchor_day = fact_day(anchor)
    assert anchor_day is not None  # type narrowing: only called with a known anchor fact  # nosec B101
    if the_rule.window:
        window = window_dates(the_rule, anchor_day, calendar)
        return window[1], window, None, proposed_date(the_rule, anchor_day, calendar)
    offset = the_rule.parsed_offset
    if offset.is_timestamp:
        return _timestamp_due(offset, anchor)
    due: date = offset.apply(anchor_day, calendar)  # type: ignore[assignment]
    if the_rule.not_after:
        due = min(due, Offset.parse(the_rule.not_after).apply(anchor_day, calendar))  # type: ignore[type-var]
    by_fact = fact_day(facts.get(the_rule.due_by_fact)) if the_rule.due_by_fact else None
    if by_fact is not None:
        due = min(due, by_fact)
    return due, None, None, None


def _timestamp_due(offset: Offset, anchor: Fact) -> tuple[date, None, datetime | None, None]:
    """An hours rule: exact with a time; from a bare date, the date that many hours later."""
    if isinstance(anchor, datetime):
        due_at = offset.apply(anchor, None)  # type: ignore[arg-type]
        return due_at.date(), None, due_at, None  # type: ignore[union-attr, return-value]
    return anchor + timedelta(hours=offset.amount), None, None, None


def _status(
    due: date,
    due_at: datetime | None,
    done_at: Fact | None,
    today: date,
    calendar: WorkingCalendar,
) -> tuple[str, int, int]:
    """(status, working_days, calendar_days) as described in the module docstring."""
    done_on = fact_day(done_at)
    if done_on is not None:
        if _is_late(due, due_at, done_at):
            return DONE_LATE, calendar.working_days_between(due, done_on), (done_on - due).days
        return DONE_ON_TIME, calendar.working_days_between(done_on, due), (due - done_on).days
    if today > due:
        return OVERDUE, calendar.working_days_between(due, today), (today - due).days
    if today == due:
        return DUE_TODAY, 0, 0
    left = calendar.working_days_between(today, due)
    return (DUE_SOON if left <= DUE_SOON_WORKING_DAYS else NOT_YET_DUE), left, (due - today).days


def _is_early(due: date, due_at: datetime | None, done_at: Fact | None) -> bool:
    if due_at is not None and isinstance(done_at, datetime):
        return as_london(done_at) < due_at
    done_on = fact_day(done_at)
    return done_on is not None and done_on < due


def _is_late(due: date, due_at: datetime | None, done_at: Fact | None) -> bool:
    if due_at is not None and isinstance(done_at, datetime):
        return as_london(done_at) > due_at
    done_on = fact_day(done_at)
    return done_on is not None and done_on > due


# -- the programme and recurring obligations ----------------------------------------------------


def programme_status(
    key: str,
    facts: Mapping[str, date],
    *,
    today: date,
    calendar: WorkingCalendar,
    extensions: Sequence[Extension] = (),
) -> Milestone:
    """One programme rule for one establishment.

    Facts: ``last_full_inspection``, ``next_full_inspection``, ``last_visit``, ``next_visit``,
    ``irp_visit``, ``planned_inspection_start``, ``announcement_notified``. Keys:
    ``adult_full_inspection``, ``cyp_full_inspection``, ``cyp_visit``, ``irp_visit``,
    ``announced_inspection_notice``.
    """
    check_facts(facts, PROGRAMME_FACT_KEYS)
    return evaluate(rule(PROGRAMME, key), facts, today=today, calendar=calendar, extensions=extensions)


def programme_milestones(
    kind: str, cohort: str, facts: Mapping[str, date], *, today: date, calendar: WorkingCalendar
) -> list[Milestone]:
    """The programme cycles of one establishment (¶6 adult prison establishments, ¶7 children's):
    none for an IRC, a short-term holding facility, court custody or an escort contract. Facts:
    ``last_full_inspection``, ``last_visit``, and ``operational_on`` (a new establishment's
    five years count from it until its first full inspection)."""
    check_facts(facts, PROGRAMME_FACT_KEYS)
    return [evaluate(r, facts, today=today, calendar=calendar) for r in programme_rules_for(kind, cohort)]


def next_recurring(key: str, last_done: date, calendar: WorkingCalendar | None = None) -> date:
    """When a recurring obligation is next due (quarterly or annually from the last time)."""
    return rule(RECURRING, key).parsed_offset.apply(last_done, calendar)  # type: ignore[arg-type,return-value]


def recurring_status(
    key: str, last_done: date | None, *, today: date, calendar: WorkingCalendar
) -> Milestone:
    """The next occurrence of a recurring obligation, with its status against today."""
    facts = {"last_done": last_done}
    return evaluate(rule(RECURRING, key), facts, today=today, calendar=calendar)


# -- many inspections at once -------------------------------------------------------------------

_STATUS_CODES = {status: code for code, status in enumerate(STATUSES)}
_NAT = np.datetime64("NaT", "D")


@dataclass
class _Columns:
    """Milestone columns for one (group of cases, rule): numpy arrays of equal length."""

    case: np.ndarray
    rule: Rule
    due: np.ndarray
    opens: np.ndarray
    proposed: np.ndarray
    done_on: np.ndarray
    status: np.ndarray
    working_days: np.ndarray
    calendar_days: np.ndarray
    original_due: np.ndarray
    exact: dict[int, Milestone]
    """Milestones computed one at a time (hour rules, extensions), by position."""


@dataclass(frozen=True)
class RuleColumns:
    """One rule's milestones over the cases of a batch, as plain Python lists of equal length
    (``BatchResult.by_rule``): position i is the milestone of case ``cases[i]``.

    ``exact`` holds, by position, the milestones computed one at a time (hour rules, extensions):
    where a position is in it, that Milestone is the answer and the list values there are not.
    Elsewhere the milestone is the rule's (``rule.key``, label, owner, ``rule.describe()``,
    source) with ``due``, the window ``(opens, due)`` when both are known, ``done_on``,
    ``status`` and ``working_days``."""

    rule: Rule
    cases: list[int]
    due: list[date | None]
    opens: list[date | None]
    done_on: list[date | None]
    status: list[str]
    working_days: list[int]
    exact: Mapping[int, Milestone]


class BatchResult:
    """Milestones of many inspections as columns; ``milestones(i)`` materialises case i, and
    ``by_rule()`` reads them rule by rule without making a Milestone object each."""

    def __init__(self, chunks: list[_Columns], case_count: int) -> None:
        self._chunks = chunks
        self.case_count = case_count
        self._index: list[list[tuple[int, int]]] | None = None

    def _by_case(self) -> list[list[tuple[int, int]]]:
        """(chunk, position) of each case's milestones in rule order, built on first use."""
        if self._index is None:
            self._index = [[] for _ in range(self.case_count)]
            for chunk_index, chunk in enumerate(self._chunks):
                for position, case in enumerate(chunk.case.tolist()):
                    self._index[case].append((chunk_index, position))
        return self._index

    def __len__(self) -> int:
        return sum(len(chunk.case) for chunk in self._chunks)

    def column(self, name: str) -> np.ndarray:
        """One column over every milestone (``status`` as status strings)."""
        if name == "status":
            codes = np.concatenate([c.status for c in self._chunks])
            return np.asarray(STATUSES, dtype=object)[codes]
        if name == "key":
            return np.concatenate([np.full(len(c.case), c.rule.key, object) for c in self._chunks])
        return np.concatenate([getattr(c, name) for c in self._chunks])

    def milestones(self, case: int) -> list[Milestone]:
        return [self._materialise(self._chunks[c], p) for c, p in self._by_case()[case]]

    def by_rule(self) -> Iterator[RuleColumns]:
        """Every milestone of the batch, one rule (over a group of cases) at a time, as lists:
        for reading a whole population fast (``timelines.store.refresh_all``)."""
        for chunk in self._chunks:
            yield RuleColumns(
                rule=chunk.rule,
                cases=chunk.case.tolist(),
                due=chunk.due.tolist(),
                opens=chunk.opens.tolist(),
                done_on=chunk.done_on.tolist(),
                status=[STATUSES[code] for code in chunk.status.tolist()],
                working_days=chunk.working_days.tolist(),
                exact=MappingProxyType(chunk.exact),
            )

    def all_milestones(self) -> list[list[Milestone]]:
        return [self.milestones(case) for case in range(self.case_count)]

    @staticmethod
    def _materialise(chunk: _Columns, position: int) -> Milestone:
        if position in chunk.exact:
            return chunk.exact[position]
        due = _to_date(chunk.due[position])
        opens = _to_date(chunk.opens[position])
        return _milestone(
            chunk.rule,
            status=STATUSES[chunk.status[position]],
            due=due,
            window=(opens, due) if opens and due else None,
            done_on=_to_date(chunk.done_on[position]),
            working_days=int(chunk.working_days[position]),
            calendar_days=int(chunk.calendar_days[position]),
            proposed=_to_date(chunk.proposed[position]),
        )


def _to_date(value: np.datetime64) -> date | None:
    return None if np.isnat(value) else value.astype(object)


def compute_batch(cases: Sequence[Case], *, today: date, calendar: WorkingCalendar) -> BatchResult:
    """``compute`` for many inspections, vectorised rule by rule over the population."""
    groups: dict[tuple, list[int]] = {}
    for index, case in enumerate(cases):
        check_facts(case.facts)
        signature = (case.process, tuple(sorted(case.overrides.items())), case.sos_anchor)
        groups.setdefault(signature, []).append(index)
    chunks: list[_Columns] = []
    for (process, overrides, sos_anchor), members in groups.items():
        rules = process_rules(process, dict(overrides), sos_anchor)
        group = [cases[i] for i in members]
        for case in group:
            check_extensions(case.extensions, rules)
        facts = _fact_columns(group, rules)
        extended = [position for position, case in enumerate(group) if case.extensions]
        for the_rule in rules:
            chunks.append(_rule_columns(the_rule, members, group, extended, facts, today, calendar))
    return BatchResult(chunks, len(cases))


def _fact_columns(group: Sequence[Case], rules: Sequence[Rule]) -> dict[str, np.ndarray]:
    keys = {DAY0} | {r.anchor for r in rules} | {r.done_by for r in rules if r.done_by}
    keys |= {r.due_by_fact for r in rules if r.due_by_fact}
    keys |= {r.overtaken_by for r in rules if r.overtaken_by}
    columns = {DAY0: as_day_array([case.day0 for case in group])}
    for key in keys - {DAY0}:
        columns[key] = as_day_array([fact_day(case.facts.get(key)) for case in group])
    return columns


def _rule_columns(
    the_rule: Rule,
    members: list[int],
    group: Sequence[Case],
    extended: Sequence[int],
    facts: Mapping[str, np.ndarray],
    today: date,
    calendar: WorkingCalendar,
) -> _Columns:
    size = len(members)
    anchors = facts[the_rule.anchor]
    done_on = facts[the_rule.done_by] if the_rule.done_by else np.full(size, _NAT)
    due, opens, proposed = _due_columns(the_rule, anchors, facts, calendar)
    status, working, days = _status_columns(due, done_on, today, calendar)
    if the_rule.not_applicable:
        status = np.full(size, _STATUS_CODES[NOT_APPLICABLE])
        working, days = np.zeros(size, np.int64), np.zeros(size, np.int64)
        due, opens, proposed = (np.full(size, _NAT) for _ in range(3))
    columns = _Columns(
        case=np.asarray(members),
        rule=the_rule,
        due=due,
        opens=opens,
        proposed=proposed,
        done_on=done_on,
        status=status,
        working_days=working,
        calendar_days=days,
        original_due=np.full(size, _NAT),
        exact={},
    )
    worded = _worded(the_rule, anchors, done_on, facts, due, calendar)
    _add_exact(columns, group, extended, worded, today, calendar)
    return columns


def _worded(
    the_rule: Rule,
    anchors: np.ndarray,
    done_on: np.ndarray,
    facts: Mapping[str, np.ndarray],
    due: np.ndarray,
    calendar: WorkingCalendar,
) -> list[int]:
    """Positions whose milestone carries words of its own (overtaken; a target capped at its
    limit): those are computed one at a time for their note."""
    mask = np.zeros(anchors.shape, dtype=bool)
    if the_rule.not_applicable:
        return []
    if the_rule.overtaken_by:
        mask |= np.isnat(done_on) & ~np.isnat(facts[the_rule.overtaken_by])
    if the_rule.not_after and not the_rule.window:
        uncapped = the_rule.parsed_offset.apply_batch(anchors, calendar)
        mask |= ~np.isnat(anchors) & (uncapped > due)
    return np.flatnonzero(mask).tolist()


def _due_columns(
    the_rule: Rule,
    anchors: np.ndarray,
    facts: Mapping[str, np.ndarray],
    calendar: WorkingCalendar,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(due, window open, proposed) arrays; NaT where the anchor fact is missing."""
    missing = np.full(anchors.shape, _NAT)
    if the_rule.window:
        window = the_rule.parsed_window
        opens = window.opens.apply_batch(anchors, calendar)
        closes = window.closes.apply_batch(anchors, calendar)
        proposed = _proposed_columns(the_rule, anchors, opens, closes, calendar)
        return closes, opens, proposed
    offset = the_rule.parsed_offset
    if offset.is_timestamp:
        return missing, missing, missing  # hour rules are done one at a time (_add_exact)
    due = offset.apply_batch(anchors, calendar)
    if the_rule.not_after:
        due = np.minimum(due, Offset.parse(the_rule.not_after).apply_batch(anchors, calendar))
    if the_rule.due_by_fact:
        by_fact = facts[the_rule.due_by_fact]
        due = np.where(~np.isnat(by_fact) & (by_fact < due), by_fact, due)
    return due, missing, missing


def _proposed_columns(
    the_rule: Rule,
    anchors: np.ndarray,
    opens: np.ndarray,
    closes: np.ndarray,
    calendar: WorkingCalendar,
) -> np.ndarray:
    if not the_rule.proposed:
        return np.full(anchors.shape, _NAT)
    proposed = Offset.parse(the_rule.proposed).apply_batch(anchors, calendar)
    cal = calendar.busdaycalendar
    latest = np.busday_offset(closes, 0, roll="backward", busdaycal=cal)
    earliest = np.busday_offset(opens, 0, roll="forward", busdaycal=cal)
    proposed = np.where(proposed > closes, latest, proposed)
    return np.where(proposed < opens, earliest, proposed)


def _status_columns(
    due: np.ndarray, done_on: np.ndarray, today: date, calendar: WorkingCalendar
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised ``_status`` (and ``waiting``/``done`` where there is no due date)."""
    today_day = np.datetime64(today, "D")
    has_due, done = ~np.isnat(due), ~np.isnat(done_on)
    late = has_due & done & (done_on > due)
    on_time = has_due & done & ~late
    overdue = has_due & ~done & (today_day > due)
    due_today = has_due & ~done & (today_day == due)
    due_to_done = calendar.working_days_between_batch(due, done_on)
    today_to_due = calendar.working_days_between_batch(np.full(due.shape, today_day), due)
    soon = has_due & ~done & ~overdue & ~due_today & (today_to_due <= DUE_SOON_WORKING_DAYS)
    codes = {name: _STATUS_CODES[name] for name in STATUSES}
    status = np.select(
        [~has_due & done, ~has_due, late, on_time, overdue, due_today, soon],
        [
            codes[DONE],
            codes[WAITING],
            codes[DONE_LATE],
            codes[DONE_ON_TIME],
            codes[OVERDUE],
            codes[DUE_TODAY],
            codes[DUE_SOON],
        ],
        codes[NOT_YET_DUE],
    )
    working = np.select(
        [~has_due, late, on_time, overdue],
        [0, due_to_done, -due_to_done, -today_to_due],
        today_to_due,
    )
    done_minus_due = _day_difference(done_on, due)
    today_minus_due = _day_difference(np.full(due.shape, today_day), due)
    days = np.select(
        [~has_due, late, on_time, overdue],
        [0, done_minus_due, -done_minus_due, today_minus_due],
        -today_minus_due,
    )
    return status, working.astype(np.int64), days.astype(np.int64)


def _day_difference(later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    difference = (later - earlier).astype("timedelta64[D]")
    return np.where(np.isnat(difference), 0, difference.astype(np.int64))


def _add_exact(
    columns: _Columns,
    group: Sequence[Case],
    extended: Sequence[int],
    worded: Sequence[int],
    today: date,
    calendar: WorkingCalendar,
) -> None:
    """Hour rules, extended milestones and those with words of their own are few: compute those
    one at a time.

    ``extended`` lists the positions in ``group`` of cases that have any extension, ``worded``
    those whose milestone of this rule carries its own note.
    """
    the_rule = columns.rule
    if the_rule.is_timestamp or the_rule.early_words:
        positions: Sequence[int] = range(len(group))
    else:
        mine = {p for p in extended if any(e.key == the_rule.key for e in group[p].extensions)}
        positions = sorted(mine | set(worded))
    for position in positions:
        case = group[position]
        known = {DAY0: case.day0, **case.facts}
        exact = evaluate(the_rule, known, today=today, calendar=calendar, extensions=case.extensions)
        columns.exact[position] = exact
        columns.status[position] = _STATUS_CODES[exact.status]
        columns.due[position] = exact.due if exact.due else _NAT
        columns.original_due[position] = exact.original_due or _NAT
        columns.working_days[position] = exact.working_days
        columns.calendar_days[position] = exact.calendar_days


# -- JSON ----------------------------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_json(milestone: Milestone) -> dict[str, Any]:
    """A JSON-ready dict with ISO dates (the CLI's and the API's shape)."""
    window = milestone.window
    return {
        "key": milestone.key,
        "label": milestone.label,
        "due": _iso(milestone.due),
        "window": [_iso(window[0]), _iso(window[1])] if window else None,
        "rule": milestone.rule,
        "source": milestone.source,
        "owner": milestone.owner,
        "status": milestone.status,
        "kind": milestone.kind,
        "derived": milestone.derived,
        "due_at": _iso(milestone.due_at),
        "original_due": _iso(milestone.original_due),
        "done_on": _iso(milestone.done_on),
        "working_days": milestone.working_days,
        "calendar_days": milestone.calendar_days,
        "proposed": _iso(milestone.proposed),
        "note": milestone.note,
    }

"""`tracker dates` (working-day arithmetic), `tracker timeline` (an inspection's milestones) and
`tracker scenarios check` (the scenario files against the engine).

This is the only place in timelines/ that may read the clock: ``--today`` defaults to the
machine's date here, and is passed to the pure engine as a parameter.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click
import yaml

from timelines.core.calendar import WorkingCalendar, default_calendar
from timelines.core.engine import Extension, ExtensionRefused, Milestone, compute, is_closed, to_json
from timelines.core.offsets import Offset
from timelines.core.rules import FACT_KEYS, INSPECTION_PROCESSES, SOS_ANCHORS, rules_for
from timelines.core.scenarios import (
    Scenario,
    ScenarioError,
    check_scenario,
    describe_refusal,
    history_problems,
    parse_scenario,
)


class DateType(click.ParamType):
    """An ISO date (YYYY-MM-DD)."""

    name = "date"

    def convert(self, value, param, ctx):  # noqa: ANN001, ANN201 - click's signature
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date: use YYYY-MM-DD", param, ctx)


DATE = DateType()


def _calendar(added: tuple[date, ...], removed: tuple[date, ...]) -> WorkingCalendar:
    if not added and not removed:
        return default_calendar()
    return WorkingCalendar(added=added, removed=removed)


def _holiday_options(command):  # noqa: ANN001, ANN201 - a decorator
    command = click.option(
        "--remove-holiday",
        "removed",
        type=DATE,
        multiple=True,
        help="Treat this bank holiday as a working day.",
    )(command)
    return click.option(
        "--add-holiday",
        "added",
        type=DATE,
        multiple=True,
        help="Treat this weekday as a bank holiday (e.g. one announced by the government).",
    )(command)


@click.group()
def dates() -> None:
    """Working-day arithmetic (England & Wales bank holidays)."""


@dates.command("add")
@click.argument("start")
@click.argument("offset")
@_holiday_options
def add(start: str, offset: str, added: tuple[date, ...], removed: tuple[date, ...]) -> None:
    """Print START + OFFSET, e.g. `2024-12-20 "32 working days"` -> 2025-02-07.

    OFFSET: "N working days", "N calendar days", "N weeks", "N months", "N years",
    "the week following", or "N hours" (then START may be a date and time).
    """
    try:
        parsed = Offset.parse(offset)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="OFFSET") from None
    anchor = _parse_start(start, timestamp=parsed.is_timestamp)
    try:
        result = parsed.apply(anchor, _calendar(added, removed))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    click.echo(result.isoformat())


def _parse_start(text: str, *, timestamp: bool) -> date | datetime:
    try:
        return datetime.fromisoformat(text) if timestamp else date.fromisoformat(text)
    except ValueError:
        expected = "YYYY-MM-DDTHH:MM" if timestamp else "YYYY-MM-DD"
        message = f"{text!r} is not a date: use {expected}"
        raise click.BadParameter(message, param_hint="START") from None


@dates.command("between")
@click.argument("start", type=DATE)
@click.argument("end", type=DATE)
@_holiday_options
def between(start: date, end: date, added: tuple[date, ...], removed: tuple[date, ...]) -> None:
    """Print the number of working days after START up to and including END."""
    try:
        click.echo(str(_calendar(added, removed).working_days_between(start, end)))
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def _parse_pairs(pairs: tuple[str, ...], option: str) -> list[tuple[str, str]]:
    parsed = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint=option)
        parsed.append((key.strip(), value.strip()))
    return parsed


def _parse_facts(pairs: tuple[str, ...]) -> dict[str, date | datetime]:
    facts: dict[str, date | datetime] = {}
    for key, value in _parse_pairs(pairs, "--fact"):
        if key not in FACT_KEYS:
            raise click.BadParameter(
                f"unknown fact {key!r} (known: {', '.join(FACT_KEYS)})", param_hint="--fact"
            )
        try:
            parse = datetime.fromisoformat if "T" in value else date.fromisoformat
            facts[key] = parse(value)
        except ValueError:
            raise click.BadParameter(
                f"{key}={value!r} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
                param_hint="--fact",
            ) from None
    return facts


@click.command()
@click.argument("process", type=click.Choice(INSPECTION_PROCESSES))
@click.option("--day0", type=DATE, required=True, help="Last day of the inspection or visit.")
@click.option(
    "--fact",
    "fact_pairs",
    multiple=True,
    metavar="KEY=DATE",
    help=f"A fact that has happened; KEY is one of: {', '.join(FACT_KEYS)}.",
)
@click.option("--today", type=DATE, default=None, help="Judge statuses as of this date.")
@click.option("--start", type=DATE, default=None, help="First day of the inspection (default: DAY0).")
@click.option(
    "--override",
    "override_pairs",
    multiple=True,
    metavar="KEY=OFFSET",
    help='A stage duration for this review, e.g. draft_report="40 working days".',
)
@click.option(
    "--sos-anchor",
    type=click.Choice(SOS_ANCHORS),
    default=SOS_ANCHORS[0],
    help="Which fact counts as the Secretary of State receiving an UN.",
)
@click.option(
    "--extend",
    "extend_pairs",
    multiple=True,
    metavar="KEY=DATE",
    help="An agreed extension: the milestone KEY is due on DATE instead (after the computed date).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_holiday_options
def timeline(
    process: str,
    day0: date,
    fact_pairs: tuple[str, ...],
    today: date | None,
    start: date | None,
    override_pairs: tuple[str, ...],
    sos_anchor: str,
    extend_pairs: tuple[str, ...],
    as_json: bool,
    added: tuple[date, ...],
    removed: tuple[date, ...],
) -> None:
    """Print the milestones of an inspection (PROCESS) from its facts."""
    facts = _parse_facts(fact_pairs)
    overrides = dict(_parse_pairs(override_pairs, "--override"))
    extensions = _parse_extensions(process, extend_pairs)
    today = today or date.today()
    calendar = _calendar(added, removed)
    _refuse_impossible(process, start or day0, day0, facts, overrides, today=today, calendar=calendar)

    def milestones_with(extensions: list[Extension]) -> list[Milestone]:
        return compute(process, day0, facts, today=today, calendar=calendar, overrides=overrides,
                       sos_anchor=sos_anchor, extensions=extensions)

    try:
        unextended = {m.key: m for m in milestones_with([])}
        for extension in extensions:
            if unextended[extension.key].due is None:
                _refuse(f"--extend {extension.key}: it has no due date yet to extend")
        milestones = milestones_with(extensions)
    except ExtensionRefused as error:
        _refuse(f"--extend {error}")
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    if as_json:
        document = {
            "process": process,
            "day0": day0.isoformat(),
            "closed": is_closed(milestones),
            "milestones": [to_json(m) for m in milestones],
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(_table(milestones))


def _refuse(message: str) -> None:
    """One line on stderr and exit status 2."""
    click.echo(message, err=True)
    raise SystemExit(2)


def _parse_extensions(process: str, pairs: tuple[str, ...]) -> list[Extension]:
    keys = [r.key for r in rules_for(process)]
    extensions = []
    for pair in pairs:
        key, _, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        if key not in keys:
            _refuse(f"--extend {pair!r}: {key!r} is not a milestone of {process} (known: {', '.join(keys)})")
        try:
            extensions.append(Extension(key, new_due=date.fromisoformat(value), reason="--extend"))
        except ValueError:
            _refuse(f"--extend {key}={value!r} is not a date: use YYYY-MM-DD")
    return extensions


def _refuse_impossible(process, start, day0, facts, overrides, *, today, calendar) -> None:
    """A history that cannot have happened: one line naming the two facts, exit status 2."""
    problems = history_problems(process, start, day0, facts, overrides, today=today, calendar=calendar)
    if problems:
        _refuse(f"impossible history: {describe_refusal(problems[0], facts)}")


def _due_text(milestone: Milestone) -> str:
    if milestone.window:
        return f"{milestone.window[0].isoformat()}..{milestone.window[1].isoformat()}"
    if milestone.due_at:
        return milestone.due_at.strftime("%Y-%m-%d %H:%M %Z")
    due = milestone.due.isoformat() if milestone.due else "-"
    if milestone.original_due:
        due += f" (extended from {milestone.original_due.isoformat()})"
    return due


def _table(milestones: list[Milestone]) -> str:
    rows = [("Milestone", "Due", "Status", "Owner", "Rule")]
    rows += [(m.label, _due_text(m), m.status.replace("_", " "), m.owner, m.rule) for m in milestones]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in rows
    ]
    return "\n".join(lines)


# -- scenarios ---------------------------------------------------------------------------------


def load_scenario(path: Path) -> Scenario:
    """One scenario file (YAML); ``ScenarioError`` names the field that cannot be read."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError("file", str(error)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        raise ScenarioError(where, f"not YAML ({getattr(error, 'problem', None) or error})") from None
    return parse_scenario(data)


@click.group()
def scenarios() -> None:
    """Scenario files: dated histories with the milestones the MoU expects."""


@scenarios.command("check")
@click.argument("folder", type=click.Path(exists=True, path_type=Path))
def check(folder: Path) -> None:
    """Check every *.yaml scenario in FOLDER (or one file): one line each; exit 1 on a mismatch,
    2 on a file that cannot be read."""
    paths = [folder] if folder.is_file() else sorted(folder.glob("*.yaml"))
    worst = 0
    calendar = default_calendar()
    for path in paths:
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            click.echo(f"ERROR {path.name}: {error}")
            worst = 2
            continue
        differences = check_scenario(scenario, calendar)
        if differences:
            click.echo(f"FAIL  {path.name} ({scenario.name}): {'; '.join(differences)}")
            worst = max(worst, 1)
        else:
            click.echo(f"ok    {path.name} ({scenario.name})")
    click.echo(f"{len(paths)} scenario{'' if len(paths) == 1 else 's'} checked")
    raise SystemExit(worst)

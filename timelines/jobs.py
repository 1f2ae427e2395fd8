"""The timelines domain's daily jobs (run by tracker.jobs: inside `tracker serve`, or `tracker jobs
run` from cron) and their commands: `tracker remind` (the reminder digests), `tracker
refresh-milestones` (recompute all open inspections, e.g. after a rule change) and `tracker
holidays refresh` (GOV.UK's bank holidays, compared with the calendar). Wired in by
timelines/domain.py.
"""

from __future__ import annotations

import json
from datetime import date, time

import click

from timelines.cli import DATE
from tracker.aio import run_sync
from tracker.extensions import Job

_run = run_sync


def _today(value: date | None) -> date:
    from tracker.clock import today_london

    return value or today_london()


@click.command("remind")
@click.option("--dry-run", is_flag=True, help="Print the digests; send and record nothing.")
@click.option("--today", "today", type=DATE, default=None, help="Run as if today were DATE (YYYY-MM-DD).")
def remind(dry_run: bool, today: date | None) -> None:
    """Email each person who chose it a daily digest of their deadlines due soon, due today or
    overdue, and on Mondays the weekly email to those who chose that (run daily)."""
    from timelines.reminders import send_reminders
    from timelines.weekly import send_weekly

    day = _today(today)
    try:
        digests = _run(send_reminders(day, dry_run=dry_run))
        weekly = _run(send_weekly(day, dry_run=dry_run))
    except OSError as error:
        raise click.ClickException(f"Could not send email: {error}") from error
    verb = "Would send" if dry_run else "Sent"
    for digest in digests:
        click.echo(f"{verb} to {digest.username} <{digest.email}>: {digest.subject}")
        if dry_run:
            for entry in digest.entries:
                click.echo(f"  [{entry.kind}] {entry.text}")
    for digest in weekly:
        click.echo(f"{verb} the weekly email to {digest.username} <{digest.email}>: {digest.subject}")
    click.echo(f"{verb} {len(digests)} digest(s) and {len(weekly)} weekly email(s) for {day.isoformat()}.")


@click.command("refresh-milestones")
@click.option("--today", "today", type=DATE, default=None, help="Statuses as of DATE (YYYY-MM-DD).")
def refresh_milestones(today: date | None) -> None:
    """Recompute the stored milestones of every open inspection (recording moved due dates)."""
    from timelines.store import refresh_all
    from timelines.tables import StoredMilestone
    from tracker.db import write_transaction

    async def go():
        async with write_transaction(StoredMilestone._meta.db):
            return await refresh_all("nightly recompute", today=_today(today))

    moved = _run(go())
    click.echo(f"Recomputed open inspections; {len(moved)} due date(s) moved.")


async def _send_reminders(today: date) -> str:
    from timelines.reminders import send_reminders
    from tracker.email_channel import email_channel
    from tracker.settings import load_settings

    channel = email_channel(load_settings())
    digests = await send_reminders(today, send=channel.send)
    return f"Sent {len(digests)} digest(s) by {channel.name}."


REMINDERS = Job(
    "reminders",
    "Email each person a digest of their deadlines overdue, due today or due soon, and escalate "
    "what is long overdue to managers",
    time(7, 0),
    _send_reminders,
)


def _long(day_text: str) -> str:
    from timelines.core.workflow import long_date

    return long_date(date.fromisoformat(day_text))


def describe_difference(shown: dict) -> str:
    """One line for a difference and what it would move (from its stored preview)."""
    verb = "GOV.UK lists" if shown["action"] == "added" else "GOV.UK does not list"
    line = f"{verb} {_long(shown['day'])} ({shown['name']})"
    if shown.get("refused"):
        return f"{line}: cannot be applied: {shown['refused']}"
    moves = f"would move {shown['moved']} due date{'' if shown['moved'] == 1 else 's'}"
    examples = "; ".join(
        f"{e['establishment']}: {e['label']}, {_long(e['old_due'])} to {_long(e['new_due'])}"
        for e in shown["examples"]
    )
    return f"{line}: {moves}" + (f", e.g. {examples}" if examples else "")


async def check_bank_holidays(
    source: str | None, today: date, actor=None
) -> tuple[int, bool, list[dict], str]:
    """Fetch GOV.UK's bank holidays (or `source`) and keep the version with its differences.
    (version id, whether it is new, the differences with what each would move, where it came from)."""
    import asyncio

    from timelines.holiday_refresh import fetch
    from timelines.operations.holidays import record_bank_holidays
    from timelines.tables import BankHolidaysVersion
    from tracker.operations import Actor
    from tracker.settings import load_settings

    body, where = await asyncio.to_thread(fetch, source, load_settings().bank_holidays_url)
    version_id, new = await record_bank_holidays(
        Actor.system("bank holidays check"), body, where, today=today
    )
    row = (
        await BankHolidaysVersion.select(BankHolidaysVersion.differences)
        .where(BankHolidaysVersion.id == version_id)
        .first()
    )
    shown = row["differences"]
    return version_id, new, json.loads(shown) if isinstance(shown, str) else shown, where


def summary(version_id: int, new: bool, shown: list[dict], where: str) -> str:
    state = "a new version" if new else "the same as the last version"
    agree = "the calendar agrees with it" if not shown else f"{len(shown)} difference(s) with the calendar"
    return f"GOV.UK bank holidays from {where}: version {version_id}, {state}; {agree}."


@click.group("holidays")
def holidays() -> None:
    """GOV.UK's bank holidays for England and Wales, compared with the working-day calendar."""


@holidays.command("refresh")
@click.option("--source", default="", help="A URL or file of GOV.UK's bank-holidays JSON (default: GOV.UK).")
@click.option("--apply", "apply_changes", is_flag=True, help="Apply the differences (moves deadlines).")
@click.option("--today", "today", type=DATE, default=None, help="Run as if today were DATE (YYYY-MM-DD).")
def refresh_holidays(source: str, apply_changes: bool, today: date | None) -> None:
    """Fetch GOV.UK's bank holidays (offline: the copy bundled with govuk-bank-holidays), keep the
    version, and show how it differs from the calendar and which due dates each difference would
    move. Nothing changes unless --apply is given."""
    from timelines.holiday_refresh import SourceError
    from timelines.operations.holidays import apply_bank_holidays
    from tracker.operations import Actor, Refused

    day = _today(today)
    try:
        version_id, new, shown, where = _run(check_bank_holidays(source or None, day))
    except (SourceError, Refused) as error:
        raise click.ClickException(str(error)) from error
    click.echo(summary(version_id, new, shown, where))
    for item in shown:
        click.echo(f"  {describe_difference(item)}")
    if not shown:
        return
    if not apply_changes:
        click.echo(
            "Nothing applied: an administrator confirms at /admin/holidays/refresh, or run with --apply."
        )
        return
    expected = [f"{item['action']}:{item['day']}" for item in shown]
    try:
        done = _run(
            apply_bank_holidays(Actor.system("tracker holidays refresh"), version_id, expected, today=day)
        )
    except Refused as refusal:
        raise click.ClickException(refusal.message) from refusal
    for difference, change_id, moved in done:
        click.echo(
            f"Applied: bank holiday {difference.action} on {_long(difference.day.isoformat())}; "
            f"{moved} due date(s) moved (calendar change {change_id})."
        )


async def _check_bank_holidays(today: date) -> str:
    version_id, new, shown, where = await check_bank_holidays(None, today)
    line = summary(version_id, new, shown, where)
    return line + (" Not applied: an administrator confirms at /admin/holidays/refresh." if shown else "")


BANK_HOLIDAYS = Job(
    "bank-holidays",
    "Fetch GOV.UK's bank holidays and keep any new version, with the deadlines each difference "
    "would move (never applied without an administrator)",
    time(6, 0),
    _check_bank_holidays,
)

COMMANDS = [remind, refresh_milestones, holidays]
JOBS = [REMINDERS, BANK_HOLIDAYS]

"""The timelines domain's daily jobs (run by tracker.jobs: inside `tracker serve`, or `tracker jobs
run` from cron) and their commands: `tracker remind` (the reminder digests), `tracker
refresh-milestones` (recompute all open inspections, e.g. after a rule change) and `tracker
holidays refresh` (GOV.UK's bank holidays, compared with the calendar). Wired in by
timelines/domain.py.
"""

from __future__ import annotations

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
    """Email each person a digest of their deadlines due soon, due today or overdue (run daily)."""
    from timelines.reminders import send_reminders

    day = _today(today)
    try:
        digests = _run(send_reminders(day, dry_run=dry_run))
    except OSError as error:
        raise click.ClickException(f"Could not send email: {error}") from error
    verb = "Would send" if dry_run else "Sent"
    for digest in digests:
        click.echo(f"{verb} to {digest.username} <{digest.email}>: {digest.subject}")
        if dry_run:
            for entry in digest.entries:
                click.echo(f"  [{entry.kind}] {entry.text}")
    click.echo(f"{verb} {len(digests)} digest(s) for {day.isoformat()}.")


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

COMMANDS = [remind, refresh_milestones]
JOBS = [REMINDERS]

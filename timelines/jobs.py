"""`tracker remind` (daily reminder digests) and `tracker refresh-milestones` (recompute all open
inspections, e.g. nightly or after a rule change). Wired in by timelines/domain.py.
"""

from __future__ import annotations

from datetime import date

import click

from timelines.cli import DATE
from tracker.aio import run_sync

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


COMMANDS = [remind, refresh_milestones]

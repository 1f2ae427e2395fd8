"""`tracker fact-checks`: the Scrutiny Team's queue on the command line (for a daily check or a
script). Wired in by factcheck/domain.py."""

from __future__ import annotations

from datetime import date

import click

from tracker.aio import run_sync


@click.command("fact-checks")
@click.option("--overdue", is_flag=True, help="Only the fact checks past their deadline.")
@click.option(
    "--today", "today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="As if today were DATE."
)
def fact_checks(overdue: bool, today) -> None:
    """Every fact check under way, overdue first, with working days left (negative: overdue)."""
    from factcheck.queries import fact_checks_under_way
    from tracker.clock import today_london

    day: date = today.date() if today else today_london()
    rows = run_sync(fact_checks_under_way(day))
    if overdue:
        rows = [r for r in rows if r["overdue"]]
    for row in rows:
        click.echo(
            f"{row['due'].isoformat()}  {row['working_days_left']:>4}  {row['establishment_name']}  "
            f"({row['kind']}, inspection {row['inspection']})"
        )
    click.echo(
        f"{len(rows)} fact check(s) under way{' and overdue' if overdue else ''} on {day.isoformat()}."
    )


COMMANDS = [fact_checks]

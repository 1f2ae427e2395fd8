"""`tracker overdue-actions`: action plan actions past their target date and not complete."""

from __future__ import annotations

from datetime import date

import click

from tracker.aio import run_sync

_run = run_sync


async def _overdue(today: date, establishment: str | None) -> list[dict] | None:
    from actionplans.queries import overdue_actions
    from inspections.tables import Establishment

    ids = None
    if establishment:
        row = await Establishment.select(Establishment.id).where(Establishment.name == establishment).first()
        if row is None:
            return None
        ids = [row["id"]]
    return await overdue_actions(ids, today)


@click.command("overdue-actions")
@click.option(
    "--today", "today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="As of YYYY-MM-DD."
)
@click.option("--establishment", default=None, help="Only this establishment (its full name).")
def overdue_actions_command(today, establishment: str | None) -> None:
    """List action plan actions past their target date and not complete."""
    from tracker.clock import today_london

    day = today.date() if today else today_london()
    rows = _run(_overdue(day, establishment))
    if rows is None:
        raise click.ClickException(f"There is no establishment called {establishment}")
    for row in rows:
        click.echo(
            f"{row['establishment_name']}\t{row['reference']}\t{row['target_date'].isoformat()}\t"
            f"{row['days_overdue']} days overdue\t{row['owner']}\t{row['description'][:80]}"
        )
    click.echo(f"{len(rows)} overdue action(s) on {day.isoformat()}.")


COMMANDS = [overdue_actions_command]

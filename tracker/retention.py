"""`tracker retention`: remove what is past its retention period (SECURITY.md F7).

| what                                   | kept for                      | then                     |
|----------------------------------------|-------------------------------|--------------------------|
| ended (or long idle) sessions          | 30 days                       | deleted                  |
| two-step sign-in challenges            | 30 days                       | deleted                  |
| claimed form tokens (double submits)   | 1 day                         | deleted                  |
| sent-reminder rows (timelines)         | 2 years                       | deleted                  |
| a deactivated user's personal data     | 2 years after deactivation    | email and authenticator  |
|                                        |                               | cleared, name replaced   |
| audit rows (the security log)          | AUDIT_RETENTION_DAYS (730)    | deleted                  |

The audit table is append-only by trigger; the trigger lets a DELETE through only for rows older
than AUDIT_FLOOR_DAYS (183: MoJ's six-month minimum for security logs), so neither this job nor
anything else in the app can remove a recent audit row. On PostgreSQL only the tables' owner may
delete audit rows, so this job connects as OWNER_DATABASE_URL. Audit rows are hash-chained: the
job removes the oldest rows of the chain only, and records where it now starts
(tracker.audit.record_retention_cut). See docs/decisions/0004-retention.md and 0007.
Every run (a dry run too) is audited with its counts only. A domain's own rows (the sent
reminders) are named, with their period, in its declaration (tracker.extensions.Retained).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import click

SESSION_DAYS = 30
CHALLENGE_DAYS = 30
DEACTIVATED_DAYS = 730
AUDIT_FLOOR_DAYS = 183  # enforced by the audit table's trigger too
FORMER_USER = "Former user"


@dataclass
class Counts:
    sessions: int = 0
    login_challenges: int = 0
    form_tokens: int = 0
    retained: dict[str, int] = field(default_factory=dict)  # each domain's rows, by their label
    users_anonymised: int = 0
    audit_rows: int = 0

    def summary(self) -> str:
        parts = []
        for name, value in vars(self).items():
            if name == "retained":
                parts += [f"{label.replace(' ', '_')}={count}" for label, count in value.items()]
            else:
                parts.append(f"{name}={value}")
        return " ".join(parts)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


async def run_retention(*, today: date, dry_run: bool, audit_days: int) -> Counts:
    """Count (dry run) or remove everything past its period, in one transaction; audit the run."""
    from tracker import audit
    from tracker.clock import now_utc
    from tracker.db import write_transaction
    from tracker.extensions import RETAINED
    from tracker.submissions import KEEP_DAYS as FORM_TOKEN_DAYS
    from tracker.tables import AppUser, AuditEvent, LoginChallenge, RecoveryCode, SubmittedForm, UserSession

    if audit_days < AUDIT_FLOOR_DAYS:
        raise ValueError(f"audit rows are kept at least {AUDIT_FLOOR_DAYS} days")
    session_cutoff = _start_of(today - timedelta(days=SESSION_DAYS))
    sessions = (UserSession.ended_at < session_cutoff) | (
        UserSession.ended_at.is_null() & (UserSession.last_seen_at < session_cutoff)
    )
    challenges = LoginChallenge.created_at < _start_of(today - timedelta(days=CHALLENGE_DAYS))
    form_tokens = SubmittedForm.created_at < _start_of(today - timedelta(days=FORM_TOKEN_DAYS))
    retained = {  # label: (table, its rows past their period)
        kept.label: (kept.table, getattr(kept.table, kept.column) < _start_of(today - timedelta(kept.days)))
        for kept in RETAINED
    }
    leavers = (
        (AppUser.active == False)  # noqa: E712 - Piccolo builds SQL from the comparison
        & (AppUser.deactivated_at < _start_of(today - timedelta(days=DEACTIVATED_DAYS)))
        & (AppUser.display_name.not_like(f"{FORMER_USER}%"))
    )
    # Never past the trigger's floor, whatever --today says (the trigger would refuse the run).
    floor = now_utc() - timedelta(days=AUDIT_FLOOR_DAYS, hours=1)
    audit_cutoff = min(_start_of(today - timedelta(days=audit_days)), floor)

    counts = Counts()
    async with write_transaction(AuditEvent._meta.db):
        counts.sessions = await UserSession.count().where(sessions)
        counts.login_challenges = await LoginChallenge.count().where(challenges)
        counts.form_tokens = await SubmittedForm.count().where(form_tokens)
        for label, (table, old) in retained.items():
            counts.retained[label] = await table.count().where(old)
        leaver_ids = [r["id"] for r in await AppUser.select(AppUser.id).where(leavers)]
        counts.users_anonymised = len(leaver_ids)
        old_audit = await audit.oldest_rows_before(audit_cutoff)
        counts.audit_rows = await AuditEvent.count().where(old_audit)
        if not dry_run:
            await UserSession.delete().where(sessions)
            await LoginChallenge.delete().where(challenges)
            await SubmittedForm.delete().where(form_tokens)
            for table, old in retained.values():
                await table.delete().where(old)
            for user_id in leaver_ids:
                await AppUser.update(
                    {
                        AppUser.display_name: f"{FORMER_USER} {user_id}",
                        AppUser.email: "",
                        AppUser.totp_secret: "",
                        AppUser.totp_enabled_at: None,
                        AppUser.totp_last_step: 0,
                    }
                ).where(AppUser.id == user_id)
                await RecoveryCode.delete().where(RecoveryCode.user == user_id)
            if counts.audit_rows:
                await AuditEvent.delete().where(old_audit)
                await audit.record_retention_cut()
        await audit.record(
            "retention.dry_run" if dry_run else "retention.run",
            actor="retention",
            object_type="retention",
            detail=f"today={today.isoformat()} audit_days={audit_days} {counts.summary()}",
        )
    return counts


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing")
@click.option("--today", "today_text", default="", help="The date to measure periods from (YYYY-MM-DD)")
def retention(dry_run: bool, today_text: str) -> None:
    """Remove sessions, sign-in challenges, reminders, leavers' personal data and audit rows
    past their retention periods (see docs/decisions/0004-retention.md)."""
    from tracker.aio import run_sync
    from tracker.clock import today_london
    from tracker.db import bind_engine, engine_from_url
    from tracker.settings import load_settings

    try:
        today = date.fromisoformat(today_text) if today_text else today_london()
    except ValueError as error:
        raise click.BadParameter("Enter the date as YYYY-MM-DD", param_hint="--today") from error
    settings = load_settings()
    if settings.audit_retention_days < AUDIT_FLOOR_DAYS:
        raise click.ClickException(
            f"AUDIT_RETENTION_DAYS must be at least {AUDIT_FLOOR_DAYS} (security logs are kept 6 months)"
        )
    bind_engine(engine_from_url(settings.owner_url))  # only the tables' owner may delete audit rows
    counts = run_sync(run_retention(today=today, dry_run=dry_run, audit_days=settings.audit_retention_days))
    verb = "Would remove" if dry_run else "Removed"
    click.echo(
        f"{verb}: {counts.sessions} sessions, {counts.login_challenges} sign-in challenges, "
        f"{counts.form_tokens} form tokens, "
        + "".join(f"{count} {label}, " for label, count in counts.retained.items())
        + f"{counts.audit_rows} audit rows; "
        f"{'would anonymise' if dry_run else 'anonymised'} {counts.users_anonymised} deactivated users."
    )

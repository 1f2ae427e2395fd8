"""The `tracker` command: the shell's subcommands here, each domain's from its declaration
(tracker.wiring adds them the first time the command is used)."""

from __future__ import annotations

import logging

import click

from tracker.aio import run_sync
from tracker.retention import retention
from tracker.roles import Role
from tracker.sessions import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS

ROLE_CHOICE = click.Choice([r.value for r in Role])


run = run_sync


class _Wired(click.Group):
    """A group whose domains' subcommands are wired in before it lists or looks one up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        _wire()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        _wire()
        return super().get_command(ctx, cmd_name)


def _wire() -> None:
    from tracker.wiring import wire

    wire()


@click.group(cls=_Wired)
def main() -> None:
    """Inspection tracker: HMIP and HMPPS inspection lifecycle."""


main.add_command(retention)


@main.command()
def migrate() -> None:
    """Create or upgrade the database tables, as the role that owns them (OWNER_DATABASE_URL);
    on PostgreSQL, then grant DATABASE_URL's role what the app needs."""
    from piccolo.apps.migrations.tables import Migration

    from tracker.db import bind_engine, engine_from_url, is_sqlite
    from tracker.db import migrate as run_migrations
    from tracker.dbroles import grant_app_role, role_of
    from tracker.settings import load_settings

    settings = load_settings()
    engine = engine_from_url(settings.owner_url)
    bind_engine(engine)
    Migration._meta.db = engine  # Piccolo's record of migrations, in the same database as the owner
    run(run_migrations())
    app_role = role_of(settings.database_url)
    if not is_sqlite(engine) and app_role == role_of(settings.owner_url):
        click.echo(
            "The app connects as the role that owns the tables, so it could switch the audit log's "
            "protections off: set OWNER_DATABASE_URL (README, Running in production)."
        )
    elif not is_sqlite(engine):
        run(grant_app_role(engine, app_role))
        click.echo(f"{app_role} may read and write the tables, and only add and read audit rows.")
    click.echo("Database is up to date.")


def _refuse_in_production(message: str = "Demo data and demo codes are for local use only") -> None:
    from tracker.settings import load_settings

    if load_settings().is_production:
        raise click.ClickException(message)


@main.command()
@click.option("--inspections", "scale", type=int, default=0, help="Also build N inspections at scale")
def demo(scale: int) -> None:
    """Load the demo data (safe to run twice) and print the demo logins."""
    from tracker import twofactor
    from tracker.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, load_demo

    _refuse_in_production()
    run(load_demo())
    if scale:
        from tracker.scale import build

        run(build(scale, progress=lambda message: click.echo(f"  {message}")))
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, _name, roles, establishment, _group in DEMO_USERS:
        scope = f" — {establishment}" if establishment else ""
        step = " (two-step sign-in)" if twofactor.required_for(roles) else ""
        click.echo(f"  {username:<14} {', '.join(r.label for r in roles)}{scope}{step}")
    click.echo(
        "Two-step sign-in asks for a code: run `.venv/bin/tracker demo-code USERNAME`, or add the key "
        f"{twofactor.grouped(DEMO_TOTP_SECRET)} to an authenticator app."
    )


@main.command("demo-code")
@click.argument("username")
def demo_code(username: str) -> None:
    """Print a demo user's current two-step sign-in code (local demo only)."""
    import pyotp

    from tracker import twofactor
    from tracker.tables import AppUser

    _refuse_in_production()
    row = run(AppUser.select(AppUser.id, AppUser.totp_secret).where(AppUser.username == username).first())
    if not row or not row["totp_secret"]:
        raise click.ClickException(f"{username} has no two-step sign-in")
    click.echo(pyotp.TOTP(run(twofactor.seed_of(row["id"]))).now())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the app with uvicorn, every log line as JSON on standard output."""
    import uvicorn

    from tracker.logs import log_json_to_stdout

    log_json_to_stdout()
    logging.getLogger("tracker.serve").info("Serving on http://%s:%s/ (Ctrl+C to stop)", host, port)
    uvicorn.run(
        "tracker.asgi:app",
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # tracker.logs.RequestLog writes one line per request
        log_config=None,  # uvicorn's own lines go through the JSON handler too
        proxy_headers=False,
        server_header=False,
    )


@main.group()
def user() -> None:
    """Manage users."""


@user.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="The person's full name")
@click.option("--role", "roles", multiple=True, type=ROLE_CHOICE, required=True)
@click.option("--establishment", "establishments", multiple=True, help="Establishment name (repeatable)")
@click.option("--prison-group", default="")
@click.option("--email", default="")
@click.option(
    "--password",
    "temporary",
    is_flag=True,
    help="Local use only: ask for a temporary password, changed at the first sign-in",
)
def user_create(username, display_name, roles, establishments, prison_group, email, temporary) -> None:
    """Create a user and print the one-time link with which they create their password."""
    from tracker import audit
    from tracker.users import PASSWORD_LINK_LIFETIME, UserError, create_user, invite_user, new_password_link

    if temporary:
        _refuse_in_production("Temporary passwords are for local use only: leave out --password")
        password = click.prompt("Temporary password", hide_input=True, confirmation_prompt=True)

    async def go():
        fields = dict(
            email=email, establishment_ids=await _establishment_ids(establishments), prison_group=prison_group
        )
        role_list = [Role(r) for r in roles]
        if temporary:
            user_id = await create_user(username, display_name, password, role_list, temporary=True, **fields)
            token = None
        else:
            user_id = await invite_user(username, display_name, role_list, **fields)
            token = await new_password_link(user_id)
        await audit.record(
            "user.create",
            actor="cli",
            object_type="user",
            object_id=user_id,
            detail=f"roles={','.join(roles)}",
        )
        return token

    try:
        token = run(go())
    except UserError as error:
        raise click.ClickException(str(error)) from error
    name = username.strip().lower()
    if token is None:
        click.echo(f"Created {name}. They must change the temporary password when they first sign in.")
        return
    hours = int(PASSWORD_LINK_LIFETIME.total_seconds() // 3600)
    click.echo(
        f"Created {name}. Send them this link to create their own password (works once, for {hours} hours):"
    )
    click.echo(f"  {_link(token)}")


def _link(token: str) -> str:
    return f"<the service's address>/set-password/{token}"


@user.command("password-link")
@click.argument("username")
def user_password_link(username: str) -> None:
    """Print a new one-time link for the user to create a password (an earlier link stops working)."""
    from tracker import audit
    from tracker.users import new_password_link

    async def go():
        user_id = await _require_user(username)
        token = await new_password_link(user_id)
        await audit.record("user.password_link", actor="cli", object_type="user", object_id=user_id)
        return token

    click.echo(f"  {_link(run(go()))}")


async def _establishment_ids(names) -> list[int]:
    from tracker.extensions import establishments

    ids = []
    for name in names:
        found = await establishments().id_for(name)
        if found is None:
            raise click.ClickException(f"No establishment called {name!r}")
        ids.append(found)
    return ids


async def _require_user(username: str) -> int:
    from tracker.users import user_id_for

    user_id = await user_id_for(username)
    if user_id is None:
        raise click.ClickException(f"No user called {username!r}")
    return user_id


@user.command("deactivate")
@click.argument("username")
def user_deactivate(username: str) -> None:
    """Deactivate a user and end all their sessions now (never the last active administrator)."""
    from tracker.operations import Actor, Refused
    from tracker.user_admin import deactivate

    async def go():
        return await deactivate(Actor.system("cli"), await _require_user(username))

    try:
        ended = run(go())
    except Refused as refused:
        raise click.ClickException(refused.message) from refused
    click.echo(f"Deactivated {username}; ended {ended} session(s).")


@user.command("roles")
@click.argument("username")
@click.option("--role", "roles", multiple=True, type=ROLE_CHOICE, required=True)
@click.option("--establishment", "establishments", multiple=True)
def user_roles(username: str, roles, establishments) -> None:
    """Replace a user's roles (and establishments)."""
    from tracker.users import UserError, set_roles

    async def go():
        user_id = await _require_user(username)
        await set_roles(user_id, [Role(r) for r in roles], await _establishment_ids(establishments))

    try:
        run(go())
    except UserError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{username}: {', '.join(roles)}")


@user.command("token")
@click.argument("username")
@click.option("--name", "label", required=True, help="What the token is for, shown in the list of tokens")
@click.option(
    "--days",
    type=click.IntRange(1, MAX_TOKEN_DAYS),
    default=DEFAULT_TOKEN_DAYS,
    show_default=True,
    help="Days until it expires",
)
def user_token(username: str, label: str, days: int) -> None:
    """Print a new personal API token (shown once; stored hashed). The user's other tokens keep
    working: they see them all at /account/tokens and can revoke any one."""
    from tracker import audit
    from tracker.sessions import create_api_token

    async def go():
        user_id = await _require_user(username)
        token = await create_api_token(user_id, label, days=days)
        await audit.record(
            "api_token.create", actor="cli", object_type="user", object_id=user_id, detail=f"days={days}"
        )
        return token

    click.echo(run(go()))


@user.command("reset-two-factor")
@click.argument("username")
def user_reset_two_factor(username: str) -> None:
    """Clear a user's authenticator; they set up a new one at their next sign-in."""
    from tracker import audit, twofactor

    async def go():
        user_id = await _require_user(username)
        await twofactor.reset(user_id)
        await audit.record("two_factor.reset", actor="cli", object_type="user", object_id=user_id)

    run(go())
    click.echo(f"{username} will set up a new authenticator app at their next sign-in.")


@main.group("audit")
def audit_group() -> None:
    """The audit log."""


def _verify_audit_log(database_url: str):
    from tracker.audit import verify
    from tracker.db import bind_engine, engine_from_url

    bind_engine(engine_from_url(database_url))
    return run(verify())


@audit_group.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain from its oldest row to its newest: prints
    "audit log intact: N rows", or the first broken link and exits with 1."""
    from tracker.settings import load_settings

    verdict = _verify_audit_log(load_settings().database_url)
    click.echo(verdict.message())
    if not verdict.intact:
        raise SystemExit(1)


@main.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
def backup_command(target: str) -> None:
    """Write a consistent online backup of the database to TARGET (readable by its owner only),
    checking the audit log first: a broken chain is reported (exit 1) but the backup is still
    written, so one bad audit row cannot stop every backup (docs/decisions/0007)."""
    from tracker.backup import BackupError, backup
    from tracker.settings import load_settings

    owner_url = load_settings().owner_url
    verdict = _verify_audit_log(owner_url)
    try:
        path = backup(owner_url, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if not verdict.intact:
        raise click.ClickException(
            f"The backup was written to {path}, but the {verdict.message()}. Find out who changed the "
            "audit log, and keep the earlier backups: they hold its rows as they were."
        )
    click.echo(f"Backup written to {path}")
    click.echo(verdict.message())


@main.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
def restore_command(source: str, yes: bool) -> None:
    """Replace the database with the backup in SOURCE (stop the app first)."""
    from tracker.backup import BackupError, restore
    from tracker.settings import load_settings

    if not yes:
        click.confirm("This replaces everything in the database. Continue?", abort=True)
    try:
        restore(load_settings().owner_url, source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo("Restored.")

"""`tracker sso ...`: linking people to their identity at a provider that does not provision."""

from __future__ import annotations

import click

from tracker.aio import run_sync


@click.group()
def sso() -> None:
    """Single sign-on: who is who at the identity providers."""


@sso.command("link")
@click.argument("username")
@click.option("--provider", "provider_name", required=True, help="The provider's name in OIDC_PROVIDERS")
@click.option("--subject", required=True, help="The person's subject claim at that provider")
def link_user(username: str, provider_name: str, subject: str) -> None:
    """Link USERNAME to their identity at a provider: they then sign in through it as this user."""
    from tracker import audit
    from tracker.settings import load_settings
    from tracker.sso.accounts import link
    from tracker.sso.tables import SsoIdentity
    from tracker.users import user_id_for

    if provider_name not in {p.name for p in load_settings().oidc_providers}:
        raise click.ClickException(f"No identity provider called {provider_name!r} in OIDC_PROVIDERS")

    async def go() -> str:
        user_id = await user_id_for(username)
        if user_id is None:
            return f"No user called {username!r}"
        taken = (SsoIdentity.provider == provider_name) & (SsoIdentity.subject == subject)
        if await SsoIdentity.exists().where(taken):
            return f"That identity at {provider_name} is already linked to a user"
        await link(provider_name, subject, user_id)
        await audit.record(
            "user.sso_link", actor="cli", object_type="user", object_id=user_id, detail=provider_name
        )
        return ""

    problem = run_sync(go())
    if problem:
        raise click.ClickException(problem)
    click.echo(f"{username} now signs in through {provider_name}")

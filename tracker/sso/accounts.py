"""Who the verified person is here: the user linked to their (provider, subject), or a new user
when the provider provisions, or nobody. Roles (and establishments) follow the provider's claims
when it has a roles claim; otherwise an administrator gives them in the tracker."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.clock import now_utc
from tracker.db import write_transaction
from tracker.roles import Role
from tracker.sso.config import OidcProvider
from tracker.sso.tables import SsoIdentity
from tracker.tables import AppUser, UserRole
from tracker.users import UserError, invite_user, set_roles

USERNAME_LENGTH = 150


@dataclass(frozen=True)
class Outcome:
    user_id: int | None
    refusal: str = ""  # "", unknown (not provisioned), inactive or no_role

    @property
    def ok(self) -> bool:
        return not self.refusal


def subject_of(provider: OidcProvider, claims: dict) -> str:
    return str(claims.get(provider.subject_claim) or "")[:255]


async def _linked_user(provider: OidcProvider, subject: str) -> dict | None:
    return (
        await SsoIdentity.select(SsoIdentity.id, SsoIdentity.user, SsoIdentity.user.active.as_alias("active"))
        .where((SsoIdentity.provider == provider.name) & (SsoIdentity.subject == subject))
        .first()
    )


async def _free_username(provider: OidcProvider, claims: dict, subject: str) -> str:
    """Their name at the provider, or, when a user already has it, the name and the provider's:
    never another user's account (a name at a provider is not proof of being that user)."""
    wanted = str(claims.get(provider.username_claim) or claims.get("email") or subject).strip().lower()
    for candidate in (wanted, f"{wanted}.{provider.name}", f"{provider.name}.{subject}"):
        candidate = candidate[:USERNAME_LENGTH]
        if not await AppUser.exists().where(AppUser.username == candidate):
            return candidate
    raise UserError("No username is free for this person")


async def _establishment_ids(provider: OidcProvider, claims: dict) -> list[int]:
    from tracker.extensions import establishments

    ids = [await establishments().id_for(name) for name in provider.establishments_from(claims)]
    return [i for i in ids if i is not None]


async def _roles_from_claims(provider: OidcProvider, claims: dict) -> tuple[frozenset[Role], list[int]]:
    roles = provider.roles_from(claims)
    establishment_ids = await _establishment_ids(provider, claims)
    if Role.ESTABLISHMENT in roles and not establishment_ids:
        roles = roles - {Role.ESTABLISHMENT}  # an establishment user with no known establishment
    return roles, establishment_ids


async def _provision(provider: OidcProvider, claims: dict, subject: str) -> int:
    roles, establishment_ids = (
        await _roles_from_claims(provider, claims) if provider.roles_claim else (frozenset(), [])
    )
    async with write_transaction(SsoIdentity._meta.db):
        user_id = await invite_user(
            await _free_username(provider, claims, subject),
            str(claims.get("name") or ""),
            roles,
            email=str(claims.get("email") or ""),
            establishment_ids=establishment_ids,
        )
        await link(provider.name, subject, user_id)
    return user_id


async def _has_a_role(user_id: int) -> bool:
    return await UserRole.exists().where(UserRole.user == user_id)


async def user_for(provider: OidcProvider, claims: dict) -> Outcome:
    """The verified claims to a user who may sign in, or the reason they may not."""
    subject = subject_of(provider, claims)
    if not subject:
        return Outcome(None, "unknown")
    linked = await _linked_user(provider, subject)
    if linked is None and not provider.provision:
        return Outcome(None, "unknown")
    if linked is None:
        user_id = await _provision(provider, claims, subject)
    else:
        user_id = linked["user"]
        if not linked["active"]:
            return Outcome(user_id, "inactive")
        await SsoIdentity.update({SsoIdentity.last_sign_in_at: now_utc()}).where(
            SsoIdentity.id == linked["id"]
        )
        if provider.roles_claim:
            await set_roles(user_id, *await _roles_from_claims(provider, claims))
    if not await _has_a_role(user_id):
        return Outcome(user_id, "no_role")
    return Outcome(user_id)


async def link(provider_name: str, subject: str, user_id: int) -> None:
    """Link an existing user to their identity at a provider (an administrator's or a test's step)."""
    now = now_utc()
    identity = SsoIdentity(provider=provider_name, subject=subject, user=user_id)
    identity.created_at = identity.last_sign_in_at = now
    await SsoIdentity.insert(identity)


def password_allowed(roles: frozenset[Role], settings) -> bool:
    """LOCAL_SIGN_IN=admins: with single sign-on, a password is the administrators' break-glass."""
    return settings.local_sign_in != "admins" or Role.ADMIN in roles


def use_provider_message(settings) -> str:
    providers = settings.oidc_providers
    way = providers[0].label if len(providers) == 1 else "your organisation's account"
    return f"Sign in with {way} instead: passwords are for administrators only"

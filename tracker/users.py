"""Managing users: create, change roles and scope, deactivate (ending their sessions at once), and
passwords. Nobody chooses a password another person uses (SECURITY.md K8): a new user sets their
own through a one-time link, and a temporary password (local use only) is changed at sign-in."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from tracker import twofactor
from tracker.clock import now_utc
from tracker.db import write_transaction
from tracker.passwords import hash_password, password_problem, verify_password
from tracker.roles import Role
from tracker.sessions import end_all_sessions, revoke_api_tokens
from tracker.settings import Settings
from tracker.tables import AppUser, PasswordLink, UserRole
from tracker.tokens import new_token, token_hash

PASSWORD_LINK_LIFETIME = timedelta(hours=72)
UNKNOWN_ESTABLISHMENT = "Choose establishments from the list"
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
USERNAME_RULE = (
    "Username must only include letters a to z, numbers, full stops, hyphens and underscores, with no spaces"
)


class UserError(ValueError):
    """A problem a person can fix, worded for them, with the form field it belongs to."""

    def __init__(self, message: str, field: str = "username") -> None:
        super().__init__(message)
        self.field = field


async def create_user(
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[Role],
    *,
    email: str = "",
    establishment_ids: Iterable[int] = (),
    prison_group: str = "",
    temporary: bool = False,
) -> int:
    """A user with a password already known: the demo's and the tests', or a temporary one
    (`tracker user create --password`, local only) that must be changed at the first sign-in.
    Everyone else is invited (invite_user) and sets their own."""
    problem = password_problem(password, username.strip().lower())
    if problem:
        raise UserError(problem, "password")
    password_hash = await hash_password(password)  # slow: before the write lock is taken
    fields = dict(email=email, establishment_ids=establishment_ids, prison_group=prison_group)
    async with write_transaction(AppUser._meta.db):
        return await insert_user(
            username, display_name, roles, password_hash, must_change=temporary, **fields
        )


async def invite_user(
    username: str,
    display_name: str,
    roles: Iterable[Role],
    *,
    email: str = "",
    establishment_ids: Iterable[int] = (),
    prison_group: str = "",
) -> int:
    """A user whose password nobody knows yet: they create it with a link (new_password_link)."""
    unknowable = await unknowable_password_hash()
    fields = dict(email=email, establishment_ids=establishment_ids, prison_group=prison_group)
    async with write_transaction(AppUser._meta.db):
        return await insert_user(username, display_name, roles, unknowable, must_change=False, **fields)


async def unknowable_password_hash() -> str:
    """The stand-in password of a user who has not yet made theirs: nobody knows it."""
    return await hash_password(new_token())


def username_problem(username: str) -> str:
    """What is wrong with a username (already made lower case), or ""."""
    if not username:
        return "Enter a username"
    if not USERNAME.fullmatch(username):
        return USERNAME_RULE
    return ""


async def insert_user(
    username: str,
    display_name: str,
    roles: Iterable[Role],
    password_hash: str,
    *,
    must_change: bool,
    email: str,
    establishment_ids: Iterable[int],
    prison_group: str,
) -> int:
    """Inside the caller's write transaction: the user, roles and establishments, or nothing."""
    username = username.strip().lower()
    if problem := username_problem(username):
        raise UserError(problem)
    if await AppUser.exists().where(AppUser.username == username):
        raise UserError(f"A user called {username} already exists")
    user = AppUser(
        username=username,
        display_name=display_name.strip() or username,
        email=email.strip(),
        password_hash=password_hash,
        must_change_password=must_change,
        prison_group=prison_group.strip(),
        created_at=now_utc(),
    )
    await user.save()
    await set_roles(user.id, roles, establishment_ids)
    return user.id


async def set_roles(user_id: int, roles: Iterable[Role], establishment_ids: Iterable[int] = ()) -> None:
    from tracker.extensions import establishments

    roles = sorted(set(roles))
    establishment_ids = sorted(set(establishment_ids))
    _check_scope(roles, establishment_ids)
    async with write_transaction(UserRole._meta.db):
        await _check_establishments_exist(establishment_ids)
        await UserRole.delete().where(UserRole.user == user_id)
        if roles:
            await UserRole.insert(*[UserRole(user=user_id, role=str(role)) for role in roles])
        scoped = establishment_ids if Role.ESTABLISHMENT in roles else []
        await establishments().set_members(user_id, scoped)


def _check_scope(roles: list[Role], establishment_ids: list[int]) -> None:
    if Role.ESTABLISHMENT in roles and not establishment_ids:
        raise UserError("Choose the establishment an establishment user belongs to", "establishments")


async def _check_establishments_exist(establishment_ids: list[int]) -> None:
    from tracker.extensions import establishments

    if establishment_ids and await establishments().count(establishment_ids) != len(establishment_ids):
        raise UserError(UNKNOWN_ESTABLISHMENT, "establishments")


async def deactivate_user(user_id: int) -> int:
    """Deactivate and end every session and token now. Returns the number of sessions ended."""
    await AppUser.update({AppUser.active: False, AppUser.deactivated_at: now_utc()}).where(
        AppUser.id == user_id
    )
    await revoke_api_tokens(user_id)
    return await end_all_sessions(user_id)


async def reactivate_user(user_id: int) -> None:
    await AppUser.update({AppUser.active: True, AppUser.deactivated_at: None}).where(AppUser.id == user_id)


async def user_id_for(username: str) -> int | None:
    row = await AppUser.select(AppUser.id).where(AppUser.username == username.strip().lower()).first()
    return row["id"] if row else None


# -- passwords ------------------------------------------------------------------------------------


async def new_password_link(user_id: int) -> str:
    """A one-time link's token (shown once, stored hashed); any earlier unused link stops working."""
    token = new_token()
    now = now_utc()
    async with write_transaction(PasswordLink._meta.db):
        await PasswordLink.delete().where((PasswordLink.user == user_id) & PasswordLink.used_at.is_null())
        await PasswordLink.insert(
            PasswordLink(
                token_hash=token_hash(token),
                user=user_id,
                created_at=now,
                expires_at=now + PASSWORD_LINK_LIFETIME,
            )
        )
    return token


async def password_link(token: str) -> dict | None:
    """The unused, unexpired link with this token, for an active user (id and username), or None."""
    row = (
        await PasswordLink.select(
            PasswordLink.id,
            PasswordLink.user,
            PasswordLink.user.username.as_alias("username"),
            PasswordLink.user.active.as_alias("active"),
        )
        .where(
            (PasswordLink.token_hash == token_hash(token))
            & PasswordLink.used_at.is_null()
            & (PasswordLink.expires_at > now_utc())
        )
        .first()
    )
    return row if row and row["active"] else None


async def set_password_with_link(token: str, password: str) -> dict | None:
    """Use the link once: set the password and end every session. None if the link does not work."""
    link = await password_link(token)
    if link is None:
        return None
    password_hash = await _checked_hash(password, link["username"])
    async with write_transaction(PasswordLink._meta.db):
        claimed = (
            await PasswordLink.update({PasswordLink.used_at: now_utc()})
            .where((PasswordLink.id == link["id"]) & PasswordLink.used_at.is_null())
            .returning(PasswordLink.id)
        )
        if not claimed:
            return None
        await _store_password(link["user"], password_hash)
    return link


async def password_matches(user_id: int, password: str) -> bool:
    row = await AppUser.select(AppUser.password_hash).where(AppUser.id == user_id).first()
    return await verify_password(row["password_hash"] if row else None, password)


async def must_change_password(user_id: int) -> bool:
    row = await AppUser.select(AppUser.must_change_password).where(AppUser.id == user_id).first()
    return bool(row and row["must_change_password"])


async def change_password(user_id: int, username: str, password: str, keep_session: int | None = None) -> int:
    """Set the user's own new password; every other session of theirs ends (returns how many)."""
    password_hash = await _checked_hash(password, username)
    async with write_transaction(AppUser._meta.db):
        return await _store_password(user_id, password_hash, keep_session)


async def _checked_hash(password: str, username: str) -> str:
    problem = password_problem(password, username)
    if problem:
        raise UserError(problem, "password")
    return await hash_password(password)


async def _store_password(user_id: int, password_hash: str, keep_session: int | None = None) -> int:
    await AppUser.update({AppUser.password_hash: password_hash, AppUser.must_change_password: False}).where(
        AppUser.id == user_id
    )
    await PasswordLink.delete().where((PasswordLink.user == user_id) & PasswordLink.used_at.is_null())
    return await end_all_sessions(user_id, keep=keep_session)


def two_factor_required(roles: Iterable[Role], settings: Settings) -> bool:
    """Administrators and managers always (tracker.twofactor); in production also every role that
    can read the confidential debrief note (K8), so a password alone never shows it."""
    from tracker.policy import roles_for

    roles = frozenset(roles)
    if twofactor.required_for(roles):
        return True
    return settings.is_production and bool(roles & roles_for("debrief_note.read"))

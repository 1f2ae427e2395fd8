"""Managing users: create, change roles and scope, deactivate (ending their sessions at once)."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.clock import now_utc
from tracker.passwords import hash_password, password_problem
from tracker.roles import Role
from tracker.sessions import end_all_sessions, revoke_api_tokens
from tracker.tables import AppUser, UserRole


class UserError(ValueError):
    """A problem a person can fix, worded for them."""


async def create_user(
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[Role],
    *,
    email: str = "",
    establishment_ids: Iterable[int] = (),
    prison_group: str = "",
) -> int:
    username = username.strip().lower()
    if not username:
        raise UserError("Enter a username")
    if await AppUser.exists().where(AppUser.username == username):
        raise UserError(f"A user called {username} already exists")
    problem = password_problem(password, username)
    if problem:
        raise UserError(problem)
    _check_scope(roles := sorted(set(roles)), establishment_ids := sorted(set(establishment_ids)))
    user = AppUser(
        username=username,
        display_name=display_name.strip() or username,
        email=email.strip(),
        password_hash=await hash_password(password),
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
    await UserRole.delete().where(UserRole.user == user_id)
    if roles:
        await UserRole.insert(*[UserRole(user=user_id, role=str(role)) for role in roles])
    await establishments().set_members(user_id, establishment_ids if Role.ESTABLISHMENT in roles else [])


def _check_scope(roles: list[Role], establishment_ids: list[int]) -> None:
    if Role.ESTABLISHMENT in roles and not establishment_ids:
        raise UserError("Choose the establishment an establishment user belongs to")


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

"""An administrator's changes to users, as operations (tracker.operations): add, edit, deactivate
and reactivate. Each checks the policy (USER_POLICY), checks every field at once and writes in one
transaction with its audit row. An administrator never deactivates themself, and the last active
administrator is never removed (by deactivation or by losing the role), whoever asks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker import policy
from tracker.operations import Actor, Refused, change
from tracker.policy import grant
from tracker.principal import Principal
from tracker.roles import Role
from tracker.tables import AppUser, UserRole
from tracker.users import (
    UNKNOWN_ESTABLISHMENT,
    deactivate_user,
    insert_user,
    reactivate_user,
    set_roles,
    unknowable_password_hash,
    username_problem,
)

EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
EMAIL_RULE = "Enter an email address in the correct format, like name@example.com"
LAST_ADMIN = "{name} is the only active administrator: make someone else an administrator first"


def other_active_user(principal: Principal, row: dict) -> bool:
    return bool(row["active"]) and row["id"] != principal.user_id


def deactivated(principal: Principal, row: dict) -> bool:
    return not row["active"]


USER_POLICY = {
    "user.add": (grant(Role.ADMIN),),
    "user.edit": (grant(Role.ADMIN),),
    "user.deactivate": (grant(Role.ADMIN, when=other_active_user),),
    "user.reactivate": (grant(Role.ADMIN, when=deactivated),),
}


@dataclass
class UserInput:
    display_name: str
    roles: list[Role]
    email: str = ""
    establishment_ids: list[int] = field(default_factory=list)
    prison_group: str = ""
    username: str = ""  # only when adding: a username never changes


def input_problems(values: UserInput) -> dict[str, str]:
    """Every problem with the fields themselves, at once (the form adds its own beside them)."""
    problems = {}
    if not values.display_name:
        problems["display_name"] = "Enter the person's name"
    if values.email and not EMAIL.fullmatch(values.email):
        problems["email"] = EMAIL_RULE
    if not values.roles:
        problems["roles"] = "Select at least one role"
    if Role.ESTABLISHMENT in values.roles and not values.establishment_ids:
        problems["establishments"] = "Choose the establishment an establishment user belongs to"
    return problems


def _may(actor: Actor, action: str, row: dict | None = None) -> None:
    if actor.principal is not None:
        policy.require(actor.principal, action, row)


async def user_row(user_id: int) -> dict | None:
    return (
        await AppUser.select(
            AppUser.id,
            AppUser.username,
            AppUser.display_name,
            AppUser.email,
            AppUser.active,
            AppUser.prison_group,
        )
        .where(AppUser.id == user_id)
        .first()
    )


async def add_user(actor: Actor, values: UserInput) -> int:
    """A new user whose password nobody knows: they create it with a one-time link."""
    _may(actor, "user.add")
    values.username = values.username.strip().lower()
    problems = {"username": p} if (p := username_problem(values.username)) else {}
    problems.update(input_problems(values))
    if "username" not in problems and await AppUser.exists().where(AppUser.username == values.username):
        problems["username"] = f"A user called {values.username} already exists"
    problems.update(await _establishment_problems(values))
    if problems:
        raise Refused(problems)
    password_hash = await unknowable_password_hash()  # slow: before the write lock is taken
    roles = ",".join(sorted(values.roles))
    async with change(actor, "user.create", object_type="user", detail=f"roles={roles}") as entry:
        entry.object_id = await insert_user(
            values.username,
            values.display_name,
            values.roles,
            password_hash,
            must_change=False,
            email=values.email,
            establishment_ids=values.establishment_ids,
            prison_group=values.prison_group,
        )
    return entry.object_id


async def edit_user(actor: Actor, user_id: int, values: UserInput) -> None:
    """Name, email, roles, establishments and prison group; the change counts from the user's
    next request (tracker.sessions.load_principal)."""
    _may(actor, "user.edit")
    user = await _existing(user_id)
    problems = input_problems(values) | await _establishment_problems(values)
    if Role.ADMIN not in values.roles and await _is_last_active_admin(user):
        problems["roles"] = LAST_ADMIN.format(name=user["display_name"])
    if problems:
        raise Refused(problems)
    roles = ",".join(sorted(values.roles))
    async with change(actor, "user.update", object_type="user", object_id=user_id, detail=f"roles={roles}"):
        await AppUser.update(
            {
                AppUser.display_name: values.display_name,
                AppUser.email: values.email,
                AppUser.prison_group: values.prison_group,
            }
        ).where(AppUser.id == user_id)
        await set_roles(user_id, values.roles, values.establishment_ids)


async def deactivate(actor: Actor, user_id: int) -> int:
    """Deactivate and end every session and token now; returns the number of sessions ended."""
    user = await _existing(user_id)
    async with change(actor, "user.deactivate", object_type="user", object_id=user_id) as entry:
        _may(actor, "user.deactivate", user)  # inside: a denial is audited
        if not user["active"]:
            raise Refused({"user": f"{user['display_name']} is already deactivated"}, state=True)
        if await _is_last_active_admin(user):
            raise Refused({"user": LAST_ADMIN.format(name=user["display_name"])}, state=True)
        ended = await deactivate_user(user_id)
        entry.detail = f"sessions_ended={ended}"
    return ended


async def reactivate(actor: Actor, user_id: int) -> None:
    """They sign in with their old password again (or a new link); their roles are as they were."""
    user = await _existing(user_id)
    async with change(actor, "user.reactivate", object_type="user", object_id=user_id):
        _may(actor, "user.reactivate", user)
        if user["active"]:
            raise Refused({"user": f"{user['display_name']} is already active"}, state=True)
        await reactivate_user(user_id)


async def _existing(user_id: int) -> dict:
    user = await user_row(user_id)
    if user is None:
        raise Refused({"user": "There is no such user"})
    return user


async def _establishment_problems(values: UserInput) -> dict[str, str]:
    from tracker.extensions import establishments

    chosen = sorted(set(values.establishment_ids))
    if chosen and await establishments().count(chosen) != len(chosen):
        return {"establishments": UNKNOWN_ESTABLISHMENT}
    return {}


async def _is_last_active_admin(user: dict) -> bool:
    if not user["active"]:
        return False
    admins = await UserRole.select(UserRole.user).where(
        (UserRole.role == str(Role.ADMIN)) & (UserRole.user.active == True)  # noqa: E712 - SQL
    )
    ids = {row["user"] for row in admins}
    return ids == {user["id"]}

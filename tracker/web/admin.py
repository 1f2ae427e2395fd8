"""Administrators manage users: add, change, deactivate and reactivate them (tracker.user_admin),
password links and API tokens. No special sight of confidential content (the audit log: admin_audit)."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from tracker import audit, policy
from tracker.access import allow, current, deny_as_forbidden
from tracker.clock import now_utc
from tracker.extensions import establishments
from tracker.forms import Form
from tracker.operations import Actor, Refused
from tracker.query import NO_ROW, parse_ids
from tracker.roles import Role
from tracker.sessions import api_tokens_of, revoke_api_token
from tracker.tables import AppUser, UserRole
from tracker.templating import render
from tracker.user_admin import (
    UserInput,
    add_user,
    deactivate,
    edit_user,
    input_problems,
    reactivate,
    user_row,
)
from tracker.users import PASSWORD_LINK_LIFETIME, UNKNOWN_ESTABLISHMENT, new_password_link, username_problem

ADMIN = allow(Role.ADMIN)


async def _establishment_choices() -> list[dict]:
    return await establishments().choices()


@get("/admin/users", opt=ADMIN)
async def list_users(request: Request) -> Template:
    users = await AppUser.select(
        AppUser.id, AppUser.username, AppUser.display_name, AppUser.active, AppUser.prison_group
    ).order_by(AppUser.username)
    roles = await UserRole.select(UserRole.user, UserRole.role)
    by_user: dict[int, list[str]] = {}
    for row in roles:
        by_user.setdefault(row["user"], []).append(Role(row["role"]).label)
    for user in users:
        user["roles"] = sorted(by_user.get(user["id"], []))
    done = request.query_params.get("done") or ""
    what, _, who = done.partition(":")
    new_user = next((u for u in users if what == "created" and u["username"] == who and u["active"]), None)
    named = next((u for u in users if u["username"] == who), None)
    return render(request, "admin/users.html", users=users, done=what, named=named, new_user=new_user)


async def _form_page(request: Request, template: str, form: dict, errors: dict, **context) -> Template:
    return render(
        request,
        template,
        form=form,
        errors=errors,
        roles=list(Role),
        establishments=await _establishment_choices(),
        **context,
    )


@get("/admin/users/new", opt=ADMIN)
async def new_user(request: Request) -> Template:
    return await _form_page(request, "admin/user_new.html", {}, {})


def _user_input(form: Form, *, adding: bool) -> UserInput:
    """The form's fields, every problem the form itself sees noted on it (the operation checks
    the rest, and its problems are shown beside these)."""
    username = form.text("username", "a username", max_length=150) if adding else ""
    display_name = form.text("display_name", "the person's name", max_length=200)
    email = form.text("email", "an email address", required=False, max_length=254)
    roles = [Role(r) for r in form.values("roles") if r in Role._value2member_map_]
    chosen = form.values("establishments")
    establishment_ids = [number for number in parse_ids(chosen) if number != NO_ROW]
    if len(establishment_ids) != len(chosen):
        form.error("establishments", UNKNOWN_ESTABLISHMENT)
    prison_group = form.text("prison_group", "the prison group", required=False, max_length=100)
    return UserInput(display_name, roles, email, establishment_ids, prison_group, username)


@post("/admin/users/new", opt=ADMIN)
async def create_user_submit(request: Request) -> Response:
    form = await Form.from_request(request)
    values = _user_input(form, adding=True)
    if form.ok:
        try:
            await add_user(Actor(current(request), request), values)
        except Refused as refused:
            form.add_errors(refused.errors)
        else:
            # A redirect, so sending the form twice makes one user (tracker/submissions.py); the
            # list then offers the one-time link, which is shown once and never kept.
            return Redirect(path=f"/admin/users?done=created:{values.username}")
    else:
        form.add_errors(input_problems(values))
        if values.username and (problem := username_problem(values.username.lower())):
            form.error("username", problem)
    return await _form_page(request, "admin/user_new.html", form.data, _in_form_order(form.errors))


def _in_form_order(errors: dict[str, str]) -> dict[str, str]:
    """The error summary lists the problems in the order of the fields on the page."""
    order = ["username", "display_name", "email", "roles", "establishments", "prison_group"]
    return dict(sorted(errors.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99))


async def _current_values(user: dict) -> dict:
    roles = await UserRole.select(UserRole.role).where(UserRole.user == user["id"])
    members = await establishments().members_of(user["id"])
    return {
        "display_name": user["display_name"],
        "email": user["email"],
        "prison_group": user["prison_group"],
        "roles": [r["role"] for r in roles],
        "establishments": [str(e) for e in sorted(members)],
    }


@get("/admin/users/{user_id:int}/edit", opt=ADMIN)
async def edit_user_page(request: Request, user_id: FromPath[int]) -> Template:
    user = await _user_or_404(user_id)
    return await _form_page(request, "admin/user_edit.html", await _current_values(user), {}, user=user)


@post("/admin/users/{user_id:int}/edit", opt=ADMIN)
async def edit_user_submit(request: Request, user_id: FromPath[int]) -> Response:
    user = await _user_or_404(user_id)
    form = await Form.from_request(request)
    values = _user_input(form, adding=False)
    if form.ok:
        try:
            await edit_user(Actor(current(request), request), user_id, values)
        except Refused as refused:
            form.add_errors(refused.errors)
        else:
            return Redirect(path=f"/admin/users?done=changed:{user['username']}")
    else:
        form.add_errors(input_problems(values))
    errors = _in_form_order(form.errors)
    return await _form_page(request, "admin/user_edit.html", form.data, errors, user=user)


async def _user_or_404(user_id: int) -> dict:
    user = await user_row(user_id)
    if user is None:
        raise NotFoundException("Page not found")
    return user


@get("/admin/users/{user_id:int}/password-link", opt=ADMIN)
async def confirm_password_link(request: Request, user_id: FromPath[int]) -> Template:
    return render(request, "admin/password_link_confirm.html", user=await _user_or_404(user_id))


@post("/admin/users/{user_id:int}/password-link", opt=ADMIN)
async def make_password_link(request: Request, user_id: FromPath[int]) -> Template:
    """The link for a new user, or for one whose link expired or who forgot their password (their
    old password works until the link is used). Shown this once: only its hash is kept."""
    user = await _user_or_404(user_id)
    token = await new_password_link(user_id)
    await audit.record("user.password_link", request=request, object_type="user", object_id=user_id)
    return render(
        request,
        "admin/password_link.html",
        username=user["username"],
        link=f"{str(request.base_url).rstrip('/')}/set-password/{token}",
        hours=int(PASSWORD_LINK_LIFETIME.total_seconds() // 3600),
    )


@get("/admin/users/{user_id:int}/tokens", opt=ADMIN)
async def user_tokens(request: Request, user_id: FromPath[int]) -> Template:
    return render(
        request,
        "admin/user_tokens.html",
        user=await _user_or_404(user_id),
        tokens=await api_tokens_of(user_id),
        now=now_utc(),
        revoke_prefix=f"/admin/users/{user_id}/tokens",
        done=request.query_params.get("done"),
    )


@post("/admin/users/{user_id:int}/tokens/{token_id:int}/revoke", opt=ADMIN)
async def revoke_user_token(request: Request, user_id: FromPath[int], token_id: FromPath[int]) -> Response:
    await _user_or_404(user_id)
    if not await revoke_api_token(user_id, token_id):
        raise NotFoundException("Page not found")
    await audit.record(
        "api_token.revoke",
        request=request,
        object_type="api_token",
        object_id=token_id,
        detail=f"user={user_id}",
    )
    return Redirect(path=f"/admin/users/{user_id}/tokens?done=revoked")


@get("/admin/users/{user_id:int}/deactivate", opt=ADMIN)
async def confirm_deactivate(request: Request, user_id: FromPath[int]) -> Template:
    """Check before deactivating: who, with which roles (the operation refuses the same people)."""
    user = await _user_or_404(user_id)
    if not policy.can(current(request), "user.deactivate", user):
        await deny_as_forbidden(request, "user", user_id, "You cannot deactivate this user")
    return render(request, "admin/user_deactivate.html", user=user, roles=await _role_labels(user_id))


@post("/admin/users/{user_id:int}/deactivate", opt=ADMIN)
async def deactivate_submit(request: Request, user_id: FromPath[int]) -> Response:
    user = await _user_or_404(user_id)
    await deactivate(Actor(current(request), request), user_id)
    return Redirect(path=f"/admin/users?done=deactivated:{user['username']}")


@get("/admin/users/{user_id:int}/reactivate", opt=ADMIN)
async def confirm_reactivate(request: Request, user_id: FromPath[int]) -> Template:
    user = await _user_or_404(user_id)
    if not policy.can(current(request), "user.reactivate", user):
        await deny_as_forbidden(request, "user", user_id, "This user is already active")
    return render(request, "admin/user_reactivate.html", user=user, roles=await _role_labels(user_id))


@post("/admin/users/{user_id:int}/reactivate", opt=ADMIN)
async def reactivate_submit(request: Request, user_id: FromPath[int]) -> Response:
    user = await _user_or_404(user_id)
    await reactivate(Actor(current(request), request), user_id)
    return Redirect(path=f"/admin/users?done=reactivated:{user['username']}")


async def _role_labels(user_id: int) -> list[str]:
    rows = await UserRole.select(UserRole.role).where(UserRole.user == user_id)
    return sorted(Role(r["role"]).label for r in rows if r["role"] in Role._value2member_map_)


ROUTES = [
    list_users,
    new_user,
    create_user_submit,
    confirm_password_link,
    make_password_link,
    user_tokens,
    revoke_user_token,
    edit_user_page,
    edit_user_submit,
    confirm_deactivate,
    deactivate_submit,
    confirm_reactivate,
    reactivate_submit,
]

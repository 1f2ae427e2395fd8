"""Administrators manage users and search the audit log. No special sight of confidential content."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from tracker import audit
from tracker.access import allow
from tracker.clock import LONDON, now_utc
from tracker.extensions import establishments
from tracker.forms import Form
from tracker.query import NO_ROW, parse_date, parse_ids, whole_number
from tracker.roles import Role
from tracker.sessions import api_tokens_of, revoke_api_token
from tracker.tables import AppUser, AuditEvent, UserRole
from tracker.templating import render
from tracker.users import (
    PASSWORD_LINK_LIFETIME,
    UNKNOWN_ESTABLISHMENT,
    UserError,
    deactivate_user,
    invite_user,
    new_password_link,
)

ADMIN = allow(Role.ADMIN)
AUDIT_PAGE_SIZE = 50


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
    created = done.removeprefix("created:") if done.startswith("created:") else None
    new_user = next((u for u in users if u["username"] == created and u["active"]), None)
    return render(request, "admin/users.html", users=users, done=done, new_user=new_user)


@get("/admin/users/new", opt=ADMIN)
async def new_user(request: Request) -> Template:
    return render(
        request,
        "admin/user_new.html",
        form={},
        errors={},
        roles=list(Role),
        establishments=await _establishment_choices(),
    )


@post("/admin/users/new", opt=ADMIN)
async def create_user_submit(request: Request) -> Response:
    form = await Form.from_request(request)
    username = form.text("username", "a username", max_length=150)
    display_name = form.text("display_name", "the person's name", max_length=200)
    email = form.text("email", "an email address", required=False, max_length=254)
    role_values = form.values("roles")
    roles = [Role(r) for r in role_values if r in Role._value2member_map_]
    if not roles:
        form.error("roles", "Select at least one role")
    chosen = form.values("establishments")
    establishment_ids = [number for number in parse_ids(chosen) if number != NO_ROW]
    if len(establishment_ids) != len(chosen):
        form.error("establishments", UNKNOWN_ESTABLISHMENT)
    if form.ok:
        try:
            user_id = await invite_user(
                username,
                display_name,
                roles,
                email=email,
                establishment_ids=establishment_ids,
                prison_group=form.raw("prison_group"),
            )
        except UserError as error:
            form.error(error.field, str(error))
        else:
            await audit.record(
                "user.create",
                request=request,
                object_type="user",
                object_id=user_id,
                detail=f"roles={','.join(sorted(role_values))}",
            )
            # A redirect, so sending the form twice makes one user (tracker/submissions.py); the
            # list then offers the one-time link, which is shown once and never kept.
            return Redirect(path=f"/admin/users?done=created:{username.strip().lower()}")
    return render(
        request,
        "admin/user_new.html",
        form=form.data,
        errors=form.errors,
        roles=list(Role),
        establishments=await _establishment_choices(),
    )


async def _user_or_404(user_id: int) -> dict:
    user = (
        await AppUser.select(AppUser.id, AppUser.username, AppUser.display_name, AppUser.active)
        .where(AppUser.id == user_id)
        .first()
    )
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
    return render(request, "admin/user_deactivate.html", user=await _user_or_404(user_id))


@post("/admin/users/{user_id:int}/deactivate", opt=ADMIN)
async def deactivate(request: Request, user_id: FromPath[int]) -> Response:
    user = await _user_or_404(user_id)
    ended = await deactivate_user(user_id)
    await audit.record(
        "user.deactivate",
        request=request,
        object_type="user",
        object_id=user_id,
        detail=f"sessions_ended={ended}",
    )
    return Redirect(path=f"/admin/users?done=deactivated:{user['username']}")


def _day_bounds(value: str, end: bool) -> datetime | None:
    day = parse_date(value)
    if day is None:
        return None
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=LONDON)
    return moment


@get("/admin/audit", opt=ADMIN)
async def audit_log(request: Request) -> Template:
    q = request.query_params
    page = whole_number(q.get("page")) or 1
    page = page if page < 100000 else 1
    filters = {
        k: (q.get(k) or "").strip() for k in ("actor", "action", "object_type", "object_id", "from", "to")
    }
    query = AuditEvent.select().order_by(AuditEvent.id, ascending=False)
    count = AuditEvent.count()
    conditions = []
    if filters["actor"]:
        conditions.append(AuditEvent.actor == filters["actor"].lower())
    if filters["action"]:
        conditions.append(AuditEvent.action == filters["action"])
    if filters["object_type"]:
        conditions.append(AuditEvent.object_type == filters["object_type"])
    if filters["object_id"]:
        conditions.append(AuditEvent.object_id == filters["object_id"])
    if filters["from"] and (start := _day_bounds(filters["from"], end=False)):
        conditions.append(AuditEvent.at >= start)
    if filters["to"] and (finish := _day_bounds(filters["to"], end=True)):
        conditions.append(AuditEvent.at < finish)
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    rows = await query.limit(AUDIT_PAGE_SIZE).offset((page - 1) * AUDIT_PAGE_SIZE)
    total = await count
    await audit.record(
        "audit.search", request=request, detail=" ".join(f"{k}={v}" for k, v in filters.items() if v)
    )
    return render(
        request,
        "admin/audit.html",
        rows=rows,
        filters=filters,
        page=page,
        total=total,
        page_size=AUDIT_PAGE_SIZE,
    )


ROUTES = [
    list_users,
    new_user,
    create_user_submit,
    confirm_password_link,
    make_password_link,
    user_tokens,
    revoke_user_token,
    confirm_deactivate,
    deactivate,
    audit_log,
]

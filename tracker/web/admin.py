"""Administrators manage users and search the audit log. No special sight of confidential content."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from tracker import audit
from tracker.access import allow
from tracker.clock import LONDON
from tracker.forms import Form
from tracker.navigation import NavItem, register
from tracker.query import parse_date, whole_number
from tracker.roles import Role
from tracker.tables import AppUser, AuditEvent, UserRole
from tracker.templating import render
from tracker.users import UserError, create_user, deactivate_user

ADMIN = allow(Role.ADMIN)
AUDIT_PAGE_SIZE = 50

register(NavItem("Users", "/admin/users", frozenset({Role.ADMIN}), order=90))
register(NavItem("Audit log", "/admin/audit", frozenset({Role.ADMIN}), order=91))


async def _establishment_choices() -> list[dict]:
    from inspections.tables import Establishment

    rows = (
        await Establishment.select(Establishment.id, Establishment.name)
        .where(
            Establishment.active == True  # noqa: E712 - Piccolo builds SQL from ==
        )
        .order_by(Establishment.name)
    )
    return [{"value": str(r["id"]), "text": r["name"]} for r in rows]


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
    return render(request, "admin/users.html", users=users, done=request.query_params.get("done"))


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
    password = form.raw("password")
    role_values = form.values("roles")
    roles = [Role(r) for r in role_values if r in Role._value2member_map_]
    if not roles:
        form.error("roles", "Select at least one role")
    establishment_ids = [int(v) for v in form.values("establishments") if v.isdigit()]
    if form.ok:
        try:
            user_id = await create_user(
                username,
                display_name,
                password,
                roles,
                email=email,
                establishment_ids=establishment_ids,
                prison_group=form.raw("prison_group"),
            )
        except UserError as error:
            field = (
                "password"
                if "assword" in str(error)
                else ("establishments" if "establishment" in str(error) else "username")
            )
            form.error(field, str(error))
        else:
            await audit.record(
                "user.create",
                request=request,
                object_type="user",
                object_id=user_id,
                detail=f"roles={','.join(sorted(role_values))}",
            )
            return Redirect(path=f"/admin/users?done=created:{username.lower()}")
    data = {k: v for k, v in form.data.items() if k != "password"}
    return render(
        request,
        "admin/user_new.html",
        form=data,
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


ROUTES = [list_users, new_user, create_user_submit, confirm_deactivate, deactivate, audit_log]

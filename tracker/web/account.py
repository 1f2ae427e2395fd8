"""A person's own account: setting a password through a one-time link, changing a temporary one at
sign-in, changing it any time, and their personal API tokens (SECURITY.md K8, K12)."""

from __future__ import annotations

from datetime import timedelta

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from tracker import audit, twofactor
from tracker.access import current, deny_as_not_found, public, signed_in
from tracker.clock import now_utc
from tracker.forms import Form
from tracker.passwords import password_problem
from tracker.sessions import api_tokens_of, revoke_api_token
from tracker.tables import AppUser, AuditEvent
from tracker.templating import render
from tracker.users import (
    UserError,
    change_password,
    password_link,
    password_matches,
    set_password_with_link,
)
from tracker.web.auth import _after_password, _challenge_or_none

WRONG_PASSWORD = "wrong_password"  # noqa: S105 - an audit outcome, not a password  # nosec B105
WRONG_PASSWORD_WINDOW = timedelta(minutes=15)
MAX_WRONG_PASSWORDS = 5
TOO_MANY_WRONG = (
    "You have entered your current password wrongly too many times. Wait 15 minutes, then try again"
)


def read_new_password(form: Form, username: str) -> str:
    """The new password, typed twice; every problem is put on the form at once."""
    password = form.raw("password")
    if not password:
        form.error("password", "Enter a new password")
    elif problem := password_problem(password, username):
        form.error("password", problem)
    if password and form.raw("password_confirm") != password:
        form.error("password_confirm", "Passwords do not match")
    return password


def _password_page(request: Request, errors: dict, **page) -> Template:
    return render(request, "account/password.html", errors=errors, **page)


# -- a one-time link (tracker.users.invite_user and new_password_link) ---------------------------


def _link_not_working(request: Request) -> Template:
    return render(request, "account/link_not_working.html", status_code=404)


def _link_page(request: Request, token: str, link: dict, errors: dict) -> Template:
    return _password_page(
        request,
        errors,
        heading="Create your password",
        username=link["username"],
        action=f"/set-password/{token}",
        ask_current=False,
    )


@get("/set-password/{token:str}", opt=public())
async def link_page(request: Request, token: FromPath[str]) -> Template:
    link = await password_link(token)
    if link is None:
        return _link_not_working(request)
    return _link_page(request, token, link, {})


@post("/set-password/{token:str}", opt=public())
async def link_submit(request: Request, token: FromPath[str]) -> Response:
    link = await password_link(token)
    if link is None:
        return _link_not_working(request)
    form = await Form.from_request(request)
    password = read_new_password(form, link["username"])
    if not form.ok:
        return _link_page(request, token, link, form.errors)
    if await set_password_with_link(token, password) is None:
        return _link_not_working(request)  # used a moment ago, in another tab
    await audit.record(
        "user.password_set",
        request=request,
        actor=link["username"],
        object_type="user",
        object_id=link["user"],
    )
    return Redirect(path="/password-set")


@get("/password-set", opt=public())
async def link_done(request: Request) -> Template:
    return render(request, "account/password_set.html")


# -- a temporary password, changed at sign-in before anything else (auth._after_password) ---------


async def _temporary_password_user(request: Request) -> dict | None:
    row = await _challenge_or_none(request, "password")
    if row is None:
        return None
    user = await AppUser.select(AppUser.id, AppUser.username).where(AppUser.id == row["user"]).first()
    return {**row, "username": user["username"]}


def _temporary_page(request: Request, username: str, errors: dict) -> Template:
    return _password_page(
        request,
        errors,
        heading="Create a new password",
        lede="You signed in with a temporary password. Choose your own before you continue.",
        username=username,
        action="/login/new-password",
        ask_current=False,
    )


@get("/login/new-password", opt=public())
async def temporary_page(request: Request) -> Response:
    row = await _temporary_password_user(request)
    if row is None:
        return Redirect(path="/login")
    return _temporary_page(request, row["username"], {})


@post("/login/new-password", opt=public())
async def temporary_submit(request: Request) -> Response:
    row = await _temporary_password_user(request)
    if row is None:
        return Redirect(path="/login")
    form = await Form.from_request(request)
    password = read_new_password(form, row["username"])
    if form.ok and await password_matches(row["user"], password):
        form.error("password", "Your new password must be different from your temporary password")
    if not form.ok:
        await twofactor.count_attempt(row["id"])
        return _temporary_page(request, row["username"], form.errors)
    await change_password(row["user"], row["username"], password)
    await twofactor.finish_challenge(row["id"])
    await audit.record(
        "user.password_change",
        request=request,
        actor=row["username"],
        object_type="user",
        object_id=row["user"],
        detail="temporary password replaced",
    )
    return await _after_password(request, row["user"], row["next_path"])


# -- changing your own password -------------------------------------------------------------------


def _change_page(request: Request, errors: dict, changed: bool = False) -> Template:
    return _password_page(
        request,
        errors,
        heading="Change your password",
        username=current(request).username,
        action="/account/password",
        ask_current=True,
        changed=changed,
    )


async def _too_many_wrong_passwords(user_id: int) -> bool:
    """Someone at an unattended, signed-in browser may not guess the password to take it over."""
    since = now_utc() - WRONG_PASSWORD_WINDOW
    wrong = await AuditEvent.count().where(
        (AuditEvent.actor_id == user_id)
        & (AuditEvent.action == "user.password_change")
        & (AuditEvent.outcome == WRONG_PASSWORD)
        & (AuditEvent.at > since)
    )
    return wrong >= MAX_WRONG_PASSWORDS


@get("/account/password", opt=signed_in())
async def change_page(request: Request) -> Template:
    return _change_page(request, {}, changed=request.query_params.get("changed") == "1")


@post("/account/password", opt=signed_in())
async def change_submit(request: Request) -> Response:
    principal = current(request)
    form = await Form.from_request(request)
    current_password = form.raw("current_password")
    if not current_password:
        form.error("current_password", "Enter your current password")
    elif await _too_many_wrong_passwords(principal.user_id):
        form.error("current_password", TOO_MANY_WRONG)
    elif not await password_matches(principal.user_id, current_password):
        form.error("current_password", "Your current password is not correct")
        await audit.record("user.password_change", request=request, outcome=WRONG_PASSWORD)
    password = read_new_password(form, principal.username)
    if form.ok:
        try:
            ended = await change_password(
                principal.user_id, principal.username, password, keep_session=principal.session_id
            )
        except UserError as error:
            form.error(error.field, str(error))
    if not form.ok:
        return _change_page(request, form.errors)
    await audit.record(
        "user.password_change",
        request=request,
        object_type="user",
        object_id=principal.user_id,
        detail=f"other_sessions_ended={ended}",
    )
    return Redirect(path="/account/password?changed=1")


# -- personal API tokens --------------------------------------------------------------------------


@get("/account/tokens", opt=signed_in())
async def tokens_page(request: Request) -> Template:
    principal = current(request)
    return render(
        request,
        "account/tokens.html",
        tokens=await api_tokens_of(principal.user_id),
        now=now_utc(),
        revoke_prefix="/account/tokens",
        done=request.query_params.get("done"),
    )


@post("/account/tokens/{token_id:int}/revoke", opt=signed_in())
async def revoke_own_token(request: Request, token_id: FromPath[int]) -> Response:
    principal = current(request)
    if not await revoke_api_token(principal.user_id, token_id):
        await deny_as_not_found(request, "api_token", token_id)
    await audit.record("api_token.revoke", request=request, object_type="api_token", object_id=token_id)
    return Redirect(path="/account/tokens?done=revoked")


ROUTES = [
    link_page,
    link_submit,
    link_done,
    temporary_page,
    temporary_submit,
    change_page,
    change_submit,
    tokens_page,
    revoke_own_token,
]

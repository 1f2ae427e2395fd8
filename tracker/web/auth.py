"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlparse

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template
from markupsafe import Markup

from tracker import audit, twofactor
from tracker.access import current, public, signed_in
from tracker.forms import Form
from tracker.login import authenticate
from tracker.middleware import session_cookie_name
from tracker.sessions import end_session, load_principal, start_session, touch_session
from tracker.sso.accounts import password_allowed, use_provider_message
from tracker.sso.sign_out import provider_sign_out, remember_provider
from tracker.templating import render
from tracker.users import must_change_password, two_factor_required

TOO_MANY_CODES = "You have entered too many wrong codes. Wait 15 minutes, then sign in again."
FAILURE_MESSAGES = {
    "bad_credentials": "Enter a correct username and password",
    "inactive": "Enter a correct username and password",
    "throttled": "You have tried to sign in too many times. Wait 15 minutes, then try again",
}


def challenge_cookie_name(settings) -> str:
    """Between the password and the code; host-only, like the session cookie, when cookies are secure."""
    return "__Host-challenge" if settings.secure_cookies else "tracker_challenge"


def _set_challenge_cookie(
    request: Request, response: Response, token: str, max_age: int | None = None
) -> Response:
    settings = request.app.state.settings
    response.set_cookie(
        key=challenge_cookie_name(settings),
        value=token,
        httponly=True,
        secure=settings.secure_cookies,  # a __Host- cookie is only set, or removed, with Secure
        samesite="lax",
        path="/",
        max_age=int(twofactor.CHALLENGE_LIFETIME.total_seconds()) if max_age is None else max_age,
    )
    return response


def safe_next(value: str | None) -> str:
    """Only an in-app path: never another site (an open redirect)."""
    if not value:
        return "/"
    parsed = urlparse(value)
    if parsed.scheme or parsed.netloc or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    return value


@get("/login", opt=public(), name="login")
async def login_page(request: Request) -> Template:
    return render(
        request,
        "auth/login.html",
        form={},
        errors={},
        next=safe_next(request.query_params.get("next")),
        timed_out=request.query_params.get("timed_out") == "1",
        providers=request.app.state.settings.oidc_providers,
    )


@post("/login", opt=public())
async def login_submit(request: Request) -> Response:
    form = await Form.from_request(request)
    username = form.text("username", "your username", max_length=150)
    password = form.raw("password")
    if not password:
        form.error("password", "Enter your password")
    next_path = safe_next(form.raw("next"))
    if form.ok:
        result = await authenticate(username, password, audit.client_address(request))
        if result.ok and not await _password_allowed(request, result.user_id):
            outcome = "password_not_allowed"  # LOCAL_SIGN_IN=admins: not an administrator
            await audit.record("login", request=request, actor=username.lower(), outcome=outcome)
            form.error("username", use_provider_message(request.app.state.settings))
        elif result.ok:
            return await _after_password(request, result.user_id, next_path)
        else:
            await audit.record("login", request=request, actor=username.lower(), outcome=result.reason)
            form.error("username", FAILURE_MESSAGES[result.reason])
    return render(
        request,
        "auth/login.html",
        form={"username": username},
        errors=form.errors,
        next=next_path,
        providers=request.app.state.settings.oidc_providers,
        status_code=200,
    )


async def _password_allowed(request: Request, user_id: int) -> bool:
    principal = await load_principal(user_id)
    return principal is not None and password_allowed(principal.roles, request.app.state.settings)


async def _after_password(request: Request, user_id: int, next_path: str) -> Response:
    """The password was right: sign in, or first change a temporary password, or ask for the
    second factor (set it up if required)."""
    principal = await load_principal(user_id)
    if await must_change_password(user_id):
        purpose, page = "password", "/login/new-password"  # tracker/web/account.py
    elif await twofactor.is_enabled(user_id):
        purpose, page = "verify", "/login/code"
    elif two_factor_required(principal.roles, request.app.state.settings):
        purpose, page = "enrol", "/login/set-up-authenticator"
    else:
        return _set_session_cookie(request, Redirect(path=next_path), await _signed_in(request, user_id))
    await audit.record("login.password", request=request, principal=principal, detail=f"then {purpose}")
    token = await twofactor.start_challenge(user_id, purpose, next_path)
    return _set_challenge_cookie(request, Redirect(path=page), token)


async def _signed_in(request: Request, user_id: int) -> str:
    """Start a brand-new session (ending any the browser had) and return its id."""
    settings = request.app.state.settings
    old = request.cookies.get(session_cookie_name(settings))
    if old:
        await end_session(old)
    token = await start_session(user_id)
    await audit.record("login", request=request, principal=await load_principal(user_id))
    return token


def _set_session_cookie(request: Request, response: Response, token: str) -> Response:
    settings = request.app.state.settings
    _set_challenge_cookie(request, response, "", max_age=0)
    response.set_cookie(
        key=session_cookie_name(settings),
        value=token,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
    )
    return response


async def _challenge_or_none(request: Request, purpose: str) -> dict | None:
    row = await twofactor.challenge(request.cookies.get(challenge_cookie_name(request.app.state.settings)))
    return row if row and row["purpose"] == purpose else None


@get("/login/code", opt=public())
async def code_page(request: Request) -> Response:
    if not await _challenge_or_none(request, "verify"):
        return Redirect(path="/login")
    return render(request, "auth/code.html", form={}, errors={})


@post("/login/code", opt=public())
async def code_submit(request: Request) -> Response:
    row = await _challenge_or_none(request, "verify")
    if not row:
        return Redirect(path="/login")
    form = await Form.from_request(request)
    code = form.text("code", "the code from your authenticator app, or a recovery code", max_length=20)
    if form.ok:
        user_id = row["user"]
        outcome = await twofactor.check_code(user_id, code)
        if outcome == "ok":
            await twofactor.finish_challenge(row["id"])
            token = await _signed_in(request, user_id)
            return _set_session_cookie(request, Redirect(path=safe_next(row["next_path"])), token)
        await audit.record(
            "login.code", request=request, object_type="user", object_id=user_id, outcome=outcome
        )
        if outcome == "throttled":
            form.error("code", TOO_MANY_CODES)
        else:
            await twofactor.count_attempt(row["id"])
            form.error("code", "The code is not correct. Enter the 6-digit code your app shows now")
    return render(request, "auth/code.html", form={}, errors=form.errors)


@get("/login/set-up-authenticator", opt=public())
async def enrol_page(request: Request) -> Response:
    row = await _challenge_or_none(request, "enrol")
    if not row:
        return Redirect(path="/login")
    return await _enrol_form(request, row["user"], row["pending_secret"], {})


async def _enrol_form(
    request: Request, user_id: int, secret: str, errors: dict, action: str = ""
) -> Template:
    from tracker.tables import AppUser

    user = await AppUser.select(AppUser.username).where(AppUser.id == user_id).first()
    uri = twofactor.provisioning_uri(user["username"], secret)
    return render(
        request,
        "auth/set_up_authenticator.html",
        errors=errors,
        form={},
        secret=twofactor.grouped(secret),
        # nosemgrep: markup-on-data
        qr=Markup(twofactor.qr_svg(uri)),  # noqa: S704 - SVG made by segno here, no user text in it  # nosec B704
        action=action or "/login/set-up-authenticator",
    )


@post("/login/set-up-authenticator", opt=public())
async def enrol_submit(request: Request) -> Response:
    row = await _challenge_or_none(request, "enrol")
    if not row:
        return Redirect(path="/login")
    form = await Form.from_request(request)
    code = form.text("code", "the 6-digit code from your authenticator app", max_length=10)
    if form.ok and await twofactor.verify_code(row["user"], code, secret=row["pending_secret"]):
        codes = await twofactor.enable(row["user"], row["pending_secret"])
        await twofactor.finish_challenge(row["id"])
        await audit.record("two_factor.enable", request=request, object_type="user", object_id=row["user"])
        token = await _signed_in(request, row["user"])
        page = render(request, "auth/recovery_codes.html", codes=codes, next=safe_next(row["next_path"]))
        return _set_session_cookie(request, page, token)
    if form.ok:
        await twofactor.count_attempt(row["id"])
        form.error("code", "The code is not correct. Enter the 6-digit code your app shows now")
    return await _enrol_form(request, row["user"], row["pending_secret"], form.errors)


@get("/account/two-factor", opt=signed_in())
async def account_two_factor(request: Request) -> Response:
    principal = current(request)
    if await twofactor.is_enabled(principal.user_id):
        return render(
            request,
            "auth/two_factor_status.html",
            required=two_factor_required(principal.roles, request.app.state.settings),
        )
    token = await twofactor.start_challenge(principal.user_id, "enrol", "/account/two-factor")
    row = await twofactor.challenge(token)
    response = await _enrol_form(
        request, principal.user_id, row["pending_secret"], {}, action="/login/set-up-authenticator"
    )
    return _set_challenge_cookie(request, response, token)


@post("/account/two-factor/recovery-codes", opt=signed_in())
async def regenerate_recovery_codes(request: Request) -> Response:
    principal = current(request)
    if not await twofactor.is_enabled(principal.user_id):
        return Redirect(path="/account/two-factor")
    codes = await twofactor.new_recovery_codes(principal.user_id)
    await audit.record(
        "two_factor.recovery_codes", request=request, object_type="user", object_id=principal.user_id
    )
    return render(request, "auth/recovery_codes.html", codes=codes, next="/")


@post("/logout", opt=signed_in())
async def logout(request: Request) -> Response:
    settings = request.app.state.settings
    token = request.cookies.get(session_cookie_name(settings))
    if token:
        await end_session(token)
    await audit.record("logout", request=request)
    response = Redirect(path="/signed-out")
    response.delete_cookie(session_cookie_name(settings), path="/")
    return response


@post("/session/keep-alive", opt=signed_in(), status_code=204)
async def keep_alive(request: Request) -> None:
    """The timeout warning's "Stay signed in": resolving the session already renewed it."""
    await touch_session(current(request).session_id)


@get("/signed-out", opt=public())
async def signed_out(request: Request) -> Response:
    page = render(request, "auth/signed_out.html", provider_sign_out=await provider_sign_out(request))
    return remember_provider(request, page, None)


ROUTES = [
    login_page,
    login_submit,
    code_page,
    code_submit,
    enrol_page,
    enrol_submit,
    account_two_factor,
    regenerate_recovery_codes,
    logout,
    keep_alive,
    signed_out,
]

"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlparse

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from tracker import audit
from tracker.access import current, public, signed_in
from tracker.forms import Form
from tracker.login import authenticate
from tracker.middleware import session_cookie_name
from tracker.sessions import end_session, load_principal, start_session, touch_session
from tracker.templating import render

FAILURE_MESSAGES = {
    "bad_credentials": "Enter a correct username and password",
    "inactive": "Enter a correct username and password",
    "throttled": "You have tried to sign in too many times. Wait 15 minutes, then try again",
}


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
        if result.ok:
            return await _signed_in(request, result.user_id, next_path)
        await audit.record("login", request=request, actor=username.lower(), outcome=result.reason)
        form.error("username", FAILURE_MESSAGES[result.reason])
    return render(
        request,
        "auth/login.html",
        form={"username": username},
        errors=form.errors,
        next=next_path,
        status_code=200,
    )


async def _signed_in(request: Request, user_id: int, next_path: str) -> Response:
    settings = request.app.state.settings
    old = request.cookies.get(session_cookie_name(settings))
    if old:
        await end_session(old)
    token = await start_session(user_id)
    principal = await load_principal(user_id)
    await audit.record("login", request=request, principal=principal)
    response = Redirect(path=next_path)
    response.set_cookie(
        key=session_cookie_name(settings),
        value=token,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
    )
    return response


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
async def signed_out(request: Request) -> Template:
    return render(request, "auth/signed_out.html")


@get("/health", opt=public(), media_type="text/plain")
async def health() -> str:
    return "ok"


ROUTES = [login_page, login_submit, logout, keep_alive, signed_out, health]

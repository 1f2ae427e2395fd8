"""The two legs of signing in through an identity provider: /login/sso/<name> sends the browser
there (remembering, in an encrypted cookie, what it must bring back), and the callback checks the
answer, starts a brand-new session and audits the sign-in with the provider's name."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict

import httpx
from cryptography.fernet import Fernet, InvalidToken
from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from tracker import audit
from tracker.access import public
from tracker.middleware import session_cookie_name
from tracker.sessions import end_session, load_principal, start_session
from tracker.sso import accounts, protocol
from tracker.sso.config import OidcProvider
from tracker.sso.sign_out import remember_provider
from tracker.templating import render
from tracker.web.auth import _set_session_cookie, safe_next

ATTEMPT_SECONDS = 600  # from leaving for the provider to coming back
# What went wrong -> the status of the page that says so (tracker/sso/protocol.py, accounts.py).
REFUSAL_STATUS = {"attempt": 400, "cancelled": 400, "unverified": 400, "unavailable": 502}
REFUSAL_STATUS |= {"unknown": 403, "inactive": 403, "no_role": 403}


def attempt_cookie_name(settings) -> str:
    return "__Host-sso-attempt" if settings.secure_cookies else "tracker_sso_attempt"


def _fernet(settings) -> Fernet:
    key = hashlib.sha256(b"tracker sso attempt\x00" + settings.secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _provider(request: Request, name: str) -> OidcProvider:
    for provider in request.app.state.settings.oidc_providers:
        if provider.name == name:
            return provider
    raise NotFoundException()


def _redirect_uri(request: Request, provider: OidcProvider) -> str:
    return provider.redirect_uri or str(request.url_for("sso_callback", provider_name=provider.name))


def _attempt_from_cookie(request: Request) -> protocol.Attempt | None:
    settings = request.app.state.settings
    sealed = request.cookies.get(attempt_cookie_name(settings), "")
    try:
        return protocol.Attempt(**json.loads(_fernet(settings).decrypt(sealed.encode(), ttl=ATTEMPT_SECONDS)))
    except (InvalidToken, ValueError, TypeError):
        return None


def _attempt_cookie(request: Request, response: Response, value: str, max_age: int) -> Response:
    settings = request.app.state.settings
    response.set_cookie(
        key=attempt_cookie_name(settings),
        value=value,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",  # sent on the provider's redirect back, a top-level GET
        path="/",
        max_age=max_age,
    )
    return response


@get("/login/sso/{provider_name:str}", opt=public(), name="sso_start")
async def sso_start(request: Request, provider_name: FromPath[str]) -> Response:
    provider = _provider(request, provider_name)
    attempt = protocol.new_attempt(provider, safe_next(request.query_params.get("next")))
    try:
        url = await protocol.authorisation_url(provider, attempt, _redirect_uri(request, provider))
    except (protocol.NotVerified, httpx.HTTPError, ValueError, KeyError) as error:
        return await _refused(request, provider, "unavailable", f"discovery: {type(error).__name__}")
    sealed = _fernet(request.app.state.settings).encrypt(json.dumps(asdict(attempt)).encode()).decode()
    return _attempt_cookie(request, Redirect(path=url), sealed, ATTEMPT_SECONDS)


@get("/login/sso/{provider_name:str}/callback", opt=public(), name="sso_callback")
async def sso_callback(request: Request, provider_name: FromPath[str]) -> Response:
    provider = _provider(request, provider_name)
    attempt = _attempt_from_cookie(request)
    if attempt is None or attempt.provider != provider.name:
        return await _refused(request, provider, "attempt", "no sign-in started in this browser")
    params = dict(request.query_params)
    try:
        claims = await protocol.sign_in(provider, attempt, params, _redirect_uri(request, provider))
    except protocol.NotVerified as refusal:
        return await _refused(request, provider, refusal.kind, str(refusal))
    outcome = await accounts.user_for(provider, claims)
    if not outcome.ok:
        subject = accounts.subject_of(provider, claims)
        return await _refused(request, provider, outcome.refusal, f"subject {subject}", outcome.user_id)
    return await _signed_in(request, provider, outcome.user_id, attempt.next_path)


async def _signed_in(request: Request, provider: OidcProvider, user_id: int, next_path: str) -> Response:
    """A brand-new session (ending any the browser had: no fixation), audited with the provider."""
    old = request.cookies.get(session_cookie_name(request.app.state.settings))
    if old:
        await end_session(old)
    token = await start_session(user_id)
    principal = await load_principal(user_id)
    await audit.record("login", request=request, principal=principal, detail=f"through {provider.name}")
    response = _set_session_cookie(request, Redirect(path=next_path), token)
    remember_provider(request, response, provider)
    return _attempt_cookie(request, response, "", 0)


async def _refused(
    request: Request, provider: OidcProvider, kind: str, why: str, user_id: int | None = None
) -> Response:
    await audit.record(
        "login.sso",
        request=request,
        actor=provider.name,
        object_type="user" if user_id else "",
        object_id=user_id or "",
        outcome="refused",
        detail=f"{provider.name}: {kind}: {why}"[:500],
    )
    page = render(
        request,
        "auth/sso_refused.html",
        kind=kind,
        provider=provider,
        status_code=REFUSAL_STATUS.get(kind, 400),
    )
    return _attempt_cookie(request, page, "", 0)


ROUTES = [sso_start, sso_callback]

"""After signing out of the tracker, someone who came through an identity provider is offered
a link to sign out there too (OpenID Connect RP-initiated logout): a link, not a redirect, as
the page's form-action policy would stop the sign-out form's redirect to another site."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import httpx
from litestar import Request, Response

from tracker.sso import protocol
from tracker.sso.config import OidcProvider


def via_cookie_name(settings) -> str:
    return "__Host-sso-via" if settings.secure_cookies else "tracker_sso_via"


def remember_provider(request: Request, response: Response, provider: OidcProvider | None) -> Response:
    """Which provider this browser's session came through (none: forget it)."""
    settings = request.app.state.settings
    response.set_cookie(
        key=via_cookie_name(settings),
        value=provider.name if provider else "",
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
        max_age=None if provider else 0,
    )
    return response


def _signed_out_address(request: Request, provider: OidcProvider) -> str:
    if provider.redirect_uri:
        parts = urlsplit(provider.redirect_uri)
        return f"{parts.scheme}://{parts.netloc}/signed-out"
    return f"{str(request.base_url).rstrip('/')}/signed-out"


async def provider_sign_out(request: Request) -> tuple[str, str] | None:
    """(the provider's label, its sign-out address), when this browser signed in through one that
    publishes an end-session endpoint and still answers."""
    name = request.cookies.get(via_cookie_name(request.app.state.settings), "")
    provider = next((p for p in request.app.state.settings.oidc_providers if p.name == name), None)
    if provider is None:
        return None
    try:
        endpoint = (await protocol.discovery(provider)).get("end_session_endpoint")
    except (protocol.NotVerified, httpx.HTTPError, ValueError):
        return None
    if not endpoint:
        return None
    query = urlencode(
        {"client_id": provider.client_id, "post_logout_redirect_uri": _signed_out_address(request, provider)}
    )
    return provider.label, f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

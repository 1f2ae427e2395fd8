"""Per-request context (who is asking) and the headers every response carries."""

from __future__ import annotations

import base64
import hashlib
import re
from http.cookies import SimpleCookie

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from tracker import change_feed
from tracker.cache import count_after_write, one_version_per_request
from tracker.errors import refuse_host
from tracker.logs import PROBE_PATHS, bind_user
from tracker.sessions import principal_for_api_token, principal_for_session
from tracker.settings import Settings

STATIC_PREFIXES = ("/static/", "/assets/")

# The one inline script GOV.UK Frontend's page template needs; the CSP allows exactly this.
GOVUK_INLINE_SCRIPT = (
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype "
    "? ' govuk-frontend-supported' : '');"
)
GOVUK_SCRIPT_HASH = base64.b64encode(hashlib.sha256(GOVUK_INLINE_SCRIPT.encode()).digest()).decode()

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' 'sha256-{GOVUK_SCRIPT_HASH}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def session_cookie_name(settings: Settings) -> str:
    return "__Host-session" if settings.secure_cookies else "tracker_session"


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


class ContextMiddleware:
    """Resolves the principal from the session cookie or a token (the request's id is given by
    tracker.logs.RequestLog). Static files and the platform's probes have no principal: they never
    touch a session."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.cookie_name = session_cookie_name(settings)
        self.seen_cookie = change_feed.seen_cookie_name(settings.secure_cookies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        anonymous = path.startswith(STATIC_PREFIXES) or path in PROBE_PATHS
        cookies = {} if anonymous else _cookies(scope)
        if scope["method"] not in ("GET", "HEAD"):
            await self._serve(scope, receive, self._noting_the_write(send), anonymous, cookies)
            return
        with one_version_per_request(), change_feed.wanting(_whole(cookies.get(self.seen_cookie))):
            await self._serve(scope, receive, send, anonymous, cookies)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, anonymous: bool, cookies) -> None:
        scope["user"] = None if anonymous else await self._principal(scope, cookies)
        bind_user(scope["user"].user_id if scope["user"] else None)
        await self.app(scope, receive, send)

    async def _principal(self, scope: Scope, cookies):
        authorization = _header(scope, b"authorization")
        if authorization.lower().startswith("bearer "):
            return await principal_for_api_token(authorization[7:].strip())
        token = cookies.get(self.cookie_name)
        if not token:
            return None
        return await principal_for_session(token, self.settings)

    def _noting_the_write(self, send: Send) -> Send:
        """After a request that may have written, the change count it left: this worker waits to
        hear it, and the browser carries it to the others (tracker.change_feed)."""

        async def noting(message: Message) -> None:
            if message["type"] == "http.response.start":
                count = await count_after_write()
                if count is not None:
                    cookie = f"{self.seen_cookie}={count}; Path=/; HttpOnly; SameSite=Lax"
                    if self.settings.secure_cookies:
                        cookie += "; Secure"
                    message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        return noting


def _cookies(scope: Scope) -> dict[str, str]:
    cookies = SimpleCookie()
    try:
        cookies.load(_header(scope, b"cookie"))
    except Exception:  # noqa: BLE001 - a malformed cookie header means no cookies
        return {}
    return {name: morsel.value for name, morsel in cookies.items()}


def _whole(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 20 else 0


def _encoded(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


def security_headers_hook(settings: Settings):
    """A before-send hook, so 404, 405, 413, 500 and static files carry the headers too. The
    headers are encoded once, and put in place of any of the same name in one pass."""
    always = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if settings.secure_cookies:
        always["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    for_static = _encoded(always)  # static files keep their own Cache-Control
    for_pages = _encoded({**always, "Cache-Control": "no-store"})
    static_names = {name for name, _value in for_static}
    page_names = {name for name, _value in for_pages}

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        static = scope.get("path", "").startswith(STATIC_PREFIXES)
        ours, names = (for_static, static_names) if static else (for_pages, page_names)
        kept = [header for header in message.get("headers", ()) if header[0].lower() not in names]
        message["headers"] = kept + ours

    return before_send


# host[:port] (RFC 9110) and nothing else: no user@, no path, no space. The name may be an IPv6
# address in brackets.
HOST = re.compile(r"(?P<name>[a-z0-9._-]+|\[[0-9a-f:.]+\])(?::(?P<port>[0-9]{1,5}))?")


def host_name(host: str) -> str | None:
    """The name in a Host header, or None when the header is anything but host[:port]."""
    match = HOST.fullmatch(host.lower())
    if match is None or (match["port"] and int(match["port"]) > 65535):
        return None
    return match["name"]


class HostCheck:
    """Refuses a request for a host the service does not answer to, whatever the port, and one
    whose Host is malformed (even with "*" allowed), with the service's 400 page."""

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}

    def answers(self, host: str) -> bool:
        name = host_name(host)
        return name is not None and ("*" in self.allowed or name in self.allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.answers(_header(scope, b"host")):
            await refuse_host(scope, receive, send)
            return
        await self.app(scope, receive, send)

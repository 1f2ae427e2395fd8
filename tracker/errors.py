"""GOV.UK-style error pages and JSON errors for the API (Litestar exception handlers are sync:
denials are audited where they are raised, see tracker/access.py)."""

from __future__ import annotations

import logging
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.response import Redirect, Template
from litestar.types import Receive, Scope, Send

from tracker import audit
from tracker.operations import Conflict, Denied, Refused
from tracker.submissions import AlreadySubmitted

logger = logging.getLogger("tracker.errors")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _reference(request: Request) -> str:
    """The request's id, as in the X-Request-Id header, the log lines and the audit rows."""
    return audit.request_id(request)


def _page(request: Request, template: str, status_code: int, **context) -> Response:
    if _is_api(request):
        return Response(
            {
                "status_code": status_code,
                "detail": context.get("detail", ""),
                "reference": _reference(request),
            },
            status_code=status_code,
            media_type=MediaType.JSON,
        )
    return Template(
        template_name=template,
        context={"reference": _reference(request), **context},
        status_code=status_code,
    )


def not_authorised(request: Request, exc: NotAuthorizedException) -> Response:
    if _is_api(request):
        return _page(request, "", 401, detail="Authentication required")
    target = "/login?next=" + quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if request.headers.get("hx-request") == "true":
        return Response("", status_code=401, headers={"HX-Redirect": target})
    return Redirect(path=target)


def permission_denied(request: Request, exc: PermissionDeniedException) -> Response:
    return _page(request, "errors/403.html", 403, detail="Forbidden")


def not_found(request: Request, exc: NotFoundException) -> Response:
    return _page(request, "errors/404.html", 404, detail="Not found")


def http_error(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if status >= 500:
        return server_error(request, exc)
    detail = exc.detail if status in (400, 405, 409, 415, 429) else "Request could not be processed"
    if status == 413:
        limit = request.app.state.settings.upload_limit_mb
        detail = f"The selected file must be smaller than {limit} MB. Go back and choose a smaller file."
    return _page(request, "errors/generic.html", status, detail=detail, status=status)


def already_submitted(request: Request, exc: AlreadySubmitted) -> Response:
    if exc.location:
        return Redirect(path=exc.location, status_code=303)
    detail = "This form is still being sent. Wait a moment, then check whether it was saved."
    return _page(request, "errors/generic.html", 409, detail=detail, status=409)


def refused(request: Request, exc: Refused) -> Response:
    """An operation's refusal: the API answers 422 (bad input) or 409 (the history or state
    refuses it) with every field's message; a page shows the first (pages normally catch it)."""
    status = 409 if exc.state else 422
    if _is_api(request):
        body = {"status_code": status, "detail": exc.message, "errors": exc.errors}
        return Response(body, status_code=status, media_type=MediaType.JSON)
    return _page(request, "errors/generic.html", status, detail=exc.message, status=status)


def conflict(request: Request, exc: Conflict) -> Response:
    detail = "Someone else changed this record while you were working on it"
    if _is_api(request):
        current = {k: v for k, v in exc.current.items() if not isinstance(v, bytes | bytearray)}
        body = {"status_code": 409, "detail": detail, "current": current}
        return Response(body, status_code=409, media_type=MediaType.JSON)
    return _page(request, "errors/generic.html", 409, detail=detail, status=409)


def denied(request: Request, exc: Denied) -> Response:
    """Audited by the operation that refused (tracker.operations.change)."""
    return _page(request, "errors/403.html", 403, detail="Forbidden")


async def refuse_host(scope: Scope, receive: Receive, send: Send) -> None:
    """The 400 page for a Host the service does not answer to (tracker.middleware.HostCheck).
    The check runs before Litestar's own error handling, and a URL built from a malformed Host
    fails, so the Host header is dropped first: nothing on the page comes from it."""
    scope["headers"] = [(name, value) for name, value in scope["headers"] if name != b"host"]
    request = Request(scope, receive)
    detail = "The web address is not one this service answers to. Check the address and try again."
    response = _page(request, "errors/generic.html", 400, detail=detail, status=400)
    head = scope.get("method") == "HEAD"
    await response.to_asgi_response(app=None, request=request, is_head_response=head)(scope, receive, send)


def server_error(request: Request, exc: Exception) -> Response:
    logger.error("Unhandled error, reference %s", _reference(request), exc_info=exc)
    return _page(request, "errors/500.html", 500, detail="Internal server error")


EXCEPTION_HANDLERS = {
    Refused: refused,
    Conflict: conflict,
    Denied: denied,
    AlreadySubmitted: already_submitted,
    NotAuthorizedException: not_authorised,
    PermissionDeniedException: permission_denied,
    NotFoundException: not_found,
    HTTPException: http_error,
    500: server_error,
    Exception: server_error,
}

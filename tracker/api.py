"""The JSON API under /api/v1: the same access rules as the pages.

Reads accept the browser session or a personal API token. Writes need an API token
(`Authorization: Bearer ...`): a page never posts JSON, so no session-authenticated write
exists to be forged, and the API stays outside the form CSRF check.
"""

from __future__ import annotations

from litestar import Request, Router, get
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from tracker.access import current, signed_in

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def api_write_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    principal = connection.scope.get("user")
    if connection.scope["method"] not in SAFE_METHODS and principal is not None and not principal.via_token:
        raise PermissionDeniedException("Use a personal API token (Authorization: Bearer) to write")


@get("/me", opt=signed_in())
async def me(request: Request) -> dict:
    principal = current(request)
    return {
        "username": principal.username,
        "display_name": principal.display_name,
        "roles": sorted(principal.roles),
        "establishment_ids": sorted(principal.establishment_ids),
    }


def api_router(extra_routes: list) -> Router:
    return Router(path="/api/v1", route_handlers=[me, *extra_routes], guards=[api_write_guard])

"""The JSON API under /api/v1: the same access rules as the pages.

Reads accept the browser session or a personal API token. Writes need an API token
(`Authorization: Bearer ...`): a page never posts JSON, so no session-authenticated write
exists to be forged, and the API stays outside the form CSRF check.

Every write takes a JSON object (`data: json_object(Shape)`): the OpenAPI schema describes its
fields from Shape, and the handler gets the object as a dict and checks every field itself, so a
bad body is one 422 naming each problem (SECURITY.md K10), as the pages do.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Router, get
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException, SerializationException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Body

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


class ApiRequest(Request):
    """A request whose JSON body the service cannot take is the sender's error (400), not a 500:
    nested thousands deep (the decoder gives up with a RecursionError), or holding text with the
    NUL character (PostgreSQL cannot store it)."""

    async def json(self) -> Any:
        try:
            body = await super().json()
        except RecursionError:
            raise SerializationException("The JSON body is nested too deeply") from None
        if _holds_nul(body):
            raise SerializationException("Text in the JSON body cannot contain the NUL character (\\u0000)")
        return body


def _holds_nul(value: Any) -> bool:
    """Whether any text in a decoded JSON value (names of fields included) holds a NUL; walked
    without recursion, as the value may be nested as deep as the decoder allows."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def json_object(shape: type[msgspec.Struct]) -> Any:
    """The type of a write handler's `data`: any JSON object, given to the handler as a dict, and
    described in the OpenAPI schema by SHAPE's fields (their types, and which are required)."""
    _, components = msgspec.json.schema_components([shape], ref_template="#/components/schemas/{name}")
    described = components[shape.__name__]
    extra = {"properties": described["properties"], "required": described.get("required")}
    body = Body(title=shape.__name__, description=shape.__doc__, schema_extra=extra)
    return Annotated[dict[str, Any], body]


def api_router(extra_routes: list) -> Router:
    return Router(
        path="/api/v1", route_handlers=[me, *extra_routes], guards=[api_write_guard], request_class=ApiRequest
    )

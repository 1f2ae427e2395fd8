"""Deny by default: every route declares who may use it, and one guard enforces it.

A handler declares its rule with `opt=allow(...)`. A route with no rule is refused, and a test
enumerates the app's routes to make sure none is missing one. Row-level rules (an establishment
sees only its own establishment) live in each domain's queries, using `establishment_scope`.
"""

from __future__ import annotations

from collections.abc import Iterable

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from tracker import audit
from tracker.principal import Principal
from tracker.roles import ALL_ROLES, Role

ACCESS_KEY = "access"
PUBLIC = "public"
SIGNED_IN = "signed_in"


def allow(*roles: Role) -> dict:
    """Only these roles may use the route."""
    return {ACCESS_KEY: frozenset(roles)}


def public() -> dict:
    return {ACCESS_KEY: PUBLIC}


def signed_in() -> dict:
    """Any signed-in user; the handler's queries then limit what they see."""
    return {ACCESS_KEY: frozenset(ALL_ROLES)}


def route_rule(handler: BaseRouteHandler):
    return handler.opt.get(ACCESS_KEY)


# The largest id any table holds (PostgreSQL's integer); a bigger one can only be "not found".
MAX_ID = 2**31 - 1


def _refuse_impossible_ids(connection: ASGIConnection) -> None:
    for value in connection.path_params.values():
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            raise NotFoundException("Page not found")


async def access_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    rule = route_rule(handler)
    if rule == PUBLIC:
        return
    if rule is None:
        # A route without a rule is a programming error; refuse rather than expose it.
        raise PermissionDeniedException("This route declares no access rule")
    principal: Principal | None = connection.scope.get("user")
    if principal is None:
        raise NotAuthorizedException("Sign in to continue")
    _refuse_impossible_ids(connection)
    if not principal.roles & rule:
        await audit.record(
            "denied",
            request=connection,
            object_type="route",
            object_id=connection.url.path,
            outcome="denied",
        )
        raise PermissionDeniedException("You do not have access to this page")


def current(connection: ASGIConnection) -> Principal:
    principal = connection.scope.get("user")
    if principal is None:
        raise NotAuthorizedException("Sign in to continue")
    return principal


def establishment_scope(principal: Principal) -> frozenset[int] | None:
    """None means every establishment; otherwise the ids this person may see."""
    if principal.sees_all_establishments:
        return None
    return principal.establishment_ids


def may_see_establishment(principal: Principal, establishment_id: int) -> bool:
    scope = establishment_scope(principal)
    return scope is None or establishment_id in scope


async def require_establishment(
    connection: ASGIConnection,
    establishment_id: int,
    object_type: str = "establishment",
    object_id: object = "",
) -> None:
    """Another establishment's object is reported as missing (404), so nothing about it leaks,
    and the attempt is audited as a denial."""
    if not may_see_establishment(current(connection), establishment_id):
        await deny_as_not_found(connection, object_type, object_id or establishment_id)


async def deny_as_not_found(connection: ASGIConnection, object_type: str, object_id: object):
    await audit.record(
        "denied",
        request=connection,
        object_type=object_type,
        object_id=object_id,
        outcome="denied",
        detail=connection.url.path,
    )
    raise NotFoundException("Page not found")


async def deny_as_forbidden(connection: ASGIConnection, object_type: str, object_id: object, message: str):
    """Someone who may see the object but not do this to it: 403, and the denial audited."""
    await audit.record(
        "denied",
        request=connection,
        object_type=object_type,
        object_id=object_id,
        outcome="denied",
        detail=connection.url.path,
    )
    raise PermissionDeniedException(message)


def ids_in_scope(principal: Principal, ids: Iterable[int]) -> list[int]:
    scope = establishment_scope(principal)
    return list(ids) if scope is None else [i for i in ids if i in scope]

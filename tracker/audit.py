"""The append-only audit log: one row per meaningful action (SECURITY.md G1)."""

from __future__ import annotations

from litestar import Request

from tracker.clock import now_utc
from tracker.principal import Principal
from tracker.tables import AuditEvent


def request_id(request: Request | None) -> str:
    return request.scope.get("state", {}).get("request_id", "") if request else ""


def client_address(request: Request | None) -> str:
    if request is None or request.client is None:
        return ""
    return request.client.host


async def record(
    action: str,
    *,
    request: Request | None = None,
    principal: Principal | None = None,
    object_type: str = "",
    object_id: object = "",
    outcome: str = "success",
    detail: str = "",
    actor: str = "",
) -> None:
    """Write one audit row. Never pass a password, token, session id or confidential text."""
    if principal is None and request is not None:
        principal = request.scope.get("user")
    await AuditEvent.insert(
        AuditEvent(
            at=now_utc(),
            actor_id=principal.user_id if principal else None,
            actor=principal.username if principal else actor,
            roles=principal.role_names if principal else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id) if object_id != "" else "",
            outcome=outcome,
            request_id=request_id(request),
            client_address=client_address(request),
            detail=detail[:500],
        )
    )

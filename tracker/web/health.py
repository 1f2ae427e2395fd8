"""The platform's probes (HMPPS conventions): public, no session, no audit row, no CSRF cookie,
not in the request log (tracker.logs.PROBE_PATHS). The checks are tracker/health.py."""

from __future__ import annotations

from litestar import MediaType, Request, Response, get

from tracker import health as checks
from tracker.access import public

PROBE = {**public(), "exclude_from_csrf": True}


@get("/ping", opt=PROBE)
async def ping() -> dict:
    """Liveness and readiness: the worker answers. Checks nothing."""
    return {"status": "UP"}


@get("/health", opt=PROBE)
async def health(request: Request) -> Response:
    status, body = await checks.report(request.app.state)
    return Response(body, status_code=status, media_type=MediaType.JSON)


@get("/info", opt=PROBE)
async def info(request: Request) -> dict:
    return {"build": checks.build(request.app.state.settings), "uptime": checks.uptime()}


ROUTES = [ping, health, info]

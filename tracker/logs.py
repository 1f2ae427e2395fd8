"""JSON log lines (structlog) and the request id.

Every line is one JSON object with `time` (UTC, ISO 8601), `level`, `logger`, `event`, and, inside a
request, `request_id` and `user_id`. RequestLog adds one `request` line per request with `method`,
`route` (the route's template, never the address: an address can hold a token), `status` and
`duration_ms`. Nothing else about a request is logged: no names, cookies, tokens, query strings,
bodies or debrief text. The platform's probes (/ping, /health, /info) are not logged.

An incoming X-Request-Id is kept when it is a sane token (REQUEST_ID: 1-36 letters, digits, `.`,
`_` or `-`; 36 is a UUID's length and the audit log's column), otherwise a new one is made. It
goes in the scope's state, where the audit log, the error pages and the X-Request-Id response
header read it.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from uuid import uuid4

import structlog
from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,36}")
PROBE_PATHS = frozenset({"/ping", "/health", "/info"})

# Run on every line, whether it comes from structlog or from the standard library's logging.
_SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
]


def _readable_order(logger, method: str, event: dict) -> dict:
    first = ("time", "level", "logger", "event", "request_id", "user_id")
    return {key: event[key] for key in first if key in event} | event


def json_formatter() -> logging.Formatter:
    """A logging formatter that writes each record as one JSON line."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _readable_order,
            structlog.processors.JSONRenderer(),
        ],
    )


def use_structlog() -> None:
    """structlog's loggers hand their lines to the standard library's logging (and its handlers)."""
    if structlog.is_configured():
        return
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def log_json_to_stdout(level: int = logging.INFO) -> None:
    """For a serving process: every log line (uvicorn's too) as JSON on standard output."""
    use_structlog()
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(json_formatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            given = value.decode("latin-1")
            if REQUEST_ID.fullmatch(given):
                return given
            break
    return uuid4().hex


def bind_user(user_id: int | None) -> None:
    """The signed-in user's id on the rest of this request's lines (tracker.middleware)."""
    structlog.contextvars.bind_contextvars(user_id=user_id)


class RequestLog:
    """The outermost layer: gives the request its id, echoes it in the X-Request-Id response header
    and writes the request's `request` line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.logger = structlog.get_logger("tracker.requests")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, request_id = scope["path"], request_id_from(scope)  # routing may change the scope's path
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id, user_id=None)
        started = time.perf_counter()
        answer = {"status": 500}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                MutableScopeHeaders.from_message(message)["X-Request-Id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            if path not in PROBE_PATHS:
                self.logger.info(
                    "request",
                    method=scope.get("method", ""),
                    route=scope.get("path_template"),
                    status=answer["status"],
                    duration_ms=round((time.perf_counter() - started) * 1000, 1),
                )
            structlog.contextvars.clear_contextvars()

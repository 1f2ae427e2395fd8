"""create_app(): the domains (tracker.wiring), templates, security and the database in one Litestar app."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from tracker import change_feed, twofactor
from tracker.access import access_guard, public, signed_in
from tracker.api import api_router
from tracker.db import bind_engine, engine_from_url, is_sqlite
from tracker.errors import EXCEPTION_HANDLERS
from tracker.logs import RequestLog, use_structlog
from tracker.middleware import ContextMiddleware, HostCheck, security_headers_hook
from tracker.settings import PROJECT_ROOT, Settings, load_settings
from tracker.submissions import SubmissionMiddleware
from tracker.templating import template_config
from tracker.wiring import api_routes, page_routes, wire


def _csrf_token_must_be_text() -> None:
    """Litestar's CSRF check fails with a 500 on two kinds of hostile token (found by the wapiti
    scan): a `_csrf_token` sent as a multipart file part (len() of an UploadFile) and one with
    non-ASCII characters (hmac.compare_digest refuses to compare them). Neither is a valid token:
    both now get the 403 any invalid token gets."""
    decode = CSRFMiddleware._decode_csrf_token
    if getattr(decode, "text_only", False):
        return

    def text_only(self, token):
        return decode(self, token) if isinstance(token, str) and token.isascii() else None

    text_only.text_only = True
    CSRFMiddleware._decode_csrf_token = text_only


def _start_jobs() -> tuple[asyncio.Event, asyncio.Task]:
    """The job runner on this worker (tracker.jobs): the database picks one worker per run."""
    from tracker.jobs import scheduler

    stop = asyncio.Event()
    return stop, asyncio.create_task(scheduler(stop), name="job runner")


JOBS_STOP_WAIT_S = 10


async def _stop_jobs(stop: asyncio.Event, task: asyncio.Task) -> None:
    stop.set()
    try:
        await asyncio.wait_for(task, timeout=JOBS_STOP_WAIT_S)
    except TimeoutError:  # a long run is cut short (wait_for cancelled it): its record says so
        pass


def create_app(settings: Settings | None = None, engine=None) -> Litestar:
    settings = settings or load_settings()
    use_structlog()
    wire()
    _csrf_token_must_be_text()
    engine = engine or engine_from_url(settings.database_url)
    bind_engine(engine)
    twofactor.use_secret_key(settings.secret_key)

    @asynccontextmanager
    async def lifespan(app: Litestar):
        pooled = app.state.settings.db_pool
        served = app.state.engine  # tests point one app at each test's database in turn
        if pooled:
            await served.start_connection_pool(max_size=10)
        listening = app.state.settings.db_listen and not is_sqlite(served)
        if listening:
            await change_feed.start(served)
        jobs = _start_jobs() if app.state.settings.run_jobs else None
        try:
            yield
        finally:
            if jobs:
                await _stop_jobs(*jobs)
            if listening:
                await change_feed.stop(served)
            if pooled:
                await served.close_connection_pool()

    static = create_static_files_router(path="/static", directories=[PROJECT_ROOT / "static"], opt=public())
    assets = create_static_files_router(
        path="/assets", directories=[PROJECT_ROOT / "static" / "assets"], opt=public(), name="assets"
    )
    openapi = (
        OpenAPIConfig(
            title="Inspection tracker API",
            version="1",
            path="/api/v1/schema",
            render_plugins=[JsonRenderPlugin()],
            openapi_router=Router(
                path="/api/v1/schema", route_handlers=[], opt=signed_in(), include_in_schema=False
            ),
        )
        if settings.openapi_enabled
        else None
    )

    # The OpenAPI schema describes the JSON API only: pages take forms, not JSON (SECURITY.md K10).
    pages = Router(path="/", route_handlers=page_routes(), include_in_schema=False)
    app = Litestar(
        route_handlers=[pages, api_router(api_routes()), static, assets],
        guards=[access_guard],
        middleware=[DefineMiddleware(ContextMiddleware, settings=settings), SubmissionMiddleware],
        before_send=[security_headers_hook(settings)],
        exception_handlers=EXCEPTION_HANDLERS,
        template_config=template_config(reload=settings.environment == "local"),
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="__Host-csrftoken" if settings.secure_cookies else "csrftoken",
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            cookie_samesite="lax",
            header_name="x-csrftoken",
            exclude=["/api/v1"],
        ),
        plugins=[HTMXPlugin()],
        openapi_config=openapi,
        request_max_body_size=settings.upload_limit_mb * 1024 * 1024,
        debug=settings.debug and not settings.is_production,
        lifespan=[lifespan],
        logging_config=None,
    )
    app.asgi_handler = HostCheck(app.asgi_handler, settings.allowed_hosts)
    if settings.trusted_proxies:
        # The client address (login throttling, audit) comes from X-Forwarded-For only when the
        # direct peer is one of these proxies; anyone else's header is ignored.
        app.asgi_handler = ProxyHeadersMiddleware(app.asgi_handler, list(settings.trusted_proxies))
    app.asgi_handler = RequestLog(app.asgi_handler)
    app.state.settings = settings
    app.state.engine = engine
    return app

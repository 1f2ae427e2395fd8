"""Helpers shared by every domain's tests: users, sign-in, forms with CSRF, a live server."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import Iterable

from tests.fixtures.scanning import SIGNATURES as TEST_SIGNATURES
from tracker.roles import Role
from tracker.settings import Settings

PASSWORD = "correct-horse-battery-9"
# Put this in confidential text (a debrief note, say): the suite fails if it reaches a log or audit row.
CONFIDENTIAL_CANARY = "CANARY-confidential-7f3a"
CSRF_FIELD = re.compile(r'name="csrf-token" content="([^"]*)"')
TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-1234567890"


def make_settings(database_url: str, **overrides) -> Settings:
    values = dict(
        database_url=database_url,
        secret_key=TEST_SECRET_KEY,
        allowed_hosts=("testserver", "testserver.local", "127.0.0.1", "localhost"),
        # Uploads are scanned by the real clamscan with locally made signatures (tests/fixtures).
        clamav_database=str(TEST_SIGNATURES),
        # As in `tracker serve`: while the app runs, its queries borrow pooled connections.
        db_pool=True,
    )
    values.update(overrides)
    return Settings(**values)


_helper_loop: asyncio.AbstractEventLoop | None = None
_helper_lock = threading.Lock()


def _tests_loop() -> asyncio.AbstractEventLoop:
    """One event loop, on a thread of its own, for the helpers of every test in this process."""
    global _helper_loop
    with _helper_lock:
        if _helper_loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="test helpers", daemon=True).start()
            _helper_loop = loop
    return _helper_loop


def run(awaitable):
    """Run a coroutine or a Piccolo query for a test. Helpers share one event loop, so on
    PostgreSQL their queries share a pool kept for the test's database (decision 0006) instead
    of opening a connection each (7–30 ms apiece)."""
    loop = _tests_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        raise RuntimeError("run() inside run(): await the coroutine instead")

    async def go():
        await _pool_for_the_bound_database()
        return await awaitable

    return asyncio.run_coroutine_threadsafe(go(), loop).result()


_pool_lock: asyncio.Lock | None = None


async def _pool_for_the_bound_database() -> None:
    from tracker.db import open_pool_here

    global _pool_lock
    _pool_lock = _pool_lock or asyncio.Lock()
    async with _pool_lock:
        await open_pool_here()  # kept open: close_test_pool closes it when the test ends


def close_test_pool(engine) -> None:
    """Close the helpers' pool of this engine: before its database is copied or dropped."""

    async def close():
        if getattr(engine, "pool", None) is not None:
            await engine.close_connection_pool()

    asyncio.run_coroutine_threadsafe(close(), _tests_loop()).result()


def make_establishment(name: str = "HMP Example", **fields) -> int:
    from inspections.tables import Establishment

    async def go():
        row = Establishment(
            name=name,
            code=fields.pop("code", name[-3:].upper()),
            kind=fields.pop("kind", "prison"),
            cohort=fields.pop("cohort", "adult"),
            operator=fields.pop("operator", "public"),
            prison_group=fields.pop("prison_group", "Yorkshire"),
            region=fields.pop("region", "North East"),
            **fields,
        )
        await row.save()
        return row.id

    return run(go())


def make_user(
    username: str,
    roles: Iterable[Role] | Role,
    establishment_ids: Iterable[int] = (),
    prison_group: str = "",
    password: str = PASSWORD,
    two_factor: bool | None = None,
    email: str = "",
) -> int:
    """A user; those whose role requires two-step sign-in are enrolled already (see sign_in)."""
    from tracker import twofactor
    from tracker.users import create_user

    roles = [roles] if isinstance(roles, Role) else list(roles)
    user_id = run(
        create_user(
            username,
            username.title(),
            password,
            roles,
            establishment_ids=establishment_ids,
            prison_group=prison_group,
            email=email,
        )
    )
    if two_factor or (two_factor is None and twofactor.required_for(roles)):
        run(twofactor.enable(user_id, twofactor.new_secret()))
    return user_id


def current_code(username: str) -> str:
    """The user's authenticator code now. Tests sign in repeatedly within 30 seconds, so the
    record of the last code used is cleared first (in real use a code works once)."""
    import pyotp

    from tracker import twofactor
    from tracker.tables import AppUser

    run(AppUser.update({AppUser.totp_last_step: 0}).where(AppUser.username == username))
    row = run(AppUser.select(AppUser.id).where(AppUser.username == username).first())
    return pyotp.TOTP(run(twofactor.seed_of(row["id"]))).now()


def csrf_token(client, path: str = "/accessibility") -> str:
    match = CSRF_FIELD.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, url: str, data: dict | None = None, *, token_from: str = "/accessibility", **kwargs):
    """POST a form as a browser would: with the CSRF token from a page the user had open."""
    payload = {"_csrf_token": csrf_token(client, token_from), **(data or {})}
    return client.post(url, data=payload, follow_redirects=kwargs.pop("follow_redirects", False), **kwargs)


async def post_at_once(client, url: str, data: dict, times: int, *, token_from: str = "/accessibility") -> list:
    """The same form sent `times` times at once (an httpx.AsyncClient against a live server), as an
    attacker racing a limit would."""
    import asyncio

    token = CSRF_FIELD.search((await client.get(token_from)).text).group(1)
    payload = {"_csrf_token": token, **data}
    return await asyncio.gather(*(client.post(url, data=payload) for _ in range(times)))


def sign_in(client, username: str, password: str = PASSWORD):
    """Sign in, answering the two-step code when the user has it."""
    response = post_form(client, "/login", {"username": username, "password": password, "next": "/"})
    assert response.status_code == 302, response.text[:500]
    if response.headers["location"] == "/login/code":
        response = post_form(
            client, "/login/code", {"code": current_code(username)}, token_from="/login/code"
        )
        assert response.status_code == 302, response.text[:500]
    return response


def date_fields(name: str, value) -> dict:
    """GOV.UK date-input fields for a date."""
    return {f"{name}-day": str(value.day), f"{name}-month": str(value.month), f"{name}-year": str(value.year)}


def audit_rows(action: str | None = None, **filters) -> list[dict]:
    from tracker.tables import AuditEvent

    async def go():
        query = AuditEvent.select().order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        for key, value in filters.items():
            query = query.where(getattr(AuditEvent, key) == value)
        return await query

    return run(go())


def as_owner(owner_database_url: str, sql: str, *, triggers_off: bool = False) -> None:
    """Run SQL with the rights of the tables' owner (PostgreSQL) or of whoever holds the SQLite
    file: what the app's own role cannot do. With `triggers_off`, the audit log's append-only
    triggers are switched off first (and, on PostgreSQL, on again after)."""
    if owner_database_url.startswith("sqlite:///"):
        import sqlite3

        drop = (
            "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;"
            "DROP TRIGGER IF EXISTS audit_event_no_replace;"
        )
        with sqlite3.connect(owner_database_url.removeprefix("sqlite:///")) as connection:
            connection.executescript((drop if triggers_off else "") + sql)
        return
    import asyncpg

    if triggers_off:
        sql = f"ALTER TABLE audit_event DISABLE TRIGGER USER; {sql}; ALTER TABLE audit_event ENABLE TRIGGER USER"

    async def go():
        connection = await asyncpg.connect(owner_database_url)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    run(go())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """uvicorn in a background thread, serving one test's app on loopback."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on", proxy_headers=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("live server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


def browser_sign_in(page, server: LiveServer, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if page.url.endswith("/login/code"):
        page.get_by_label("Enter the code from your authenticator app").fill(current_code(username))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page, *, best_practice: bool = False) -> list[str]:
    """WCAG 2.2 A/AA violations on the page as it is now (axe-core, bundled offline), and with
    `best_practice` axe's best-practice rules too (every part of the page in a landmark, …).
    axe runs as JavaScript in the page: call it only in a context with JavaScript enabled."""
    from axe_playwright_python.sync_playwright import Axe

    tags = [*WCAG_TAGS, "best-practice"] if best_practice else WCAG_TAGS
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


def make_inspection(
    establishment_id: int,
    *,
    kind: str = "full",
    start=None,
    end=None,
    team_leader_id: int | None = None,
    **fields,
) -> int:
    """An inspection with stored milestones, as the service would create it."""
    from datetime import date, timedelta

    from inspections.tables import Inspection
    from timelines.store import refresh_inspection
    from tracker.clock import now_utc

    end = end or date(2025, 3, 14)
    start = start or end - timedelta(days=11)
    today = fields.pop("today", None)

    async def go():
        row = Inspection(
            establishment=establishment_id,
            kind=kind,
            start_date=start,
            end_date=end,
            team_leader=team_leader_id,
            created_at=now_utc(),
            **fields,
        )
        await row.save()
        await refresh_inspection(row.id, today=today)
        return row.id

    return run(go())


def record_fact(
    inspection_id: int, kind: str, on, *, by: int | None = None, today=None, corrects: int | None = None, **detail
) -> int:
    """Record a fact as the operations do (the workflow refuses a history that cannot happen);
    `corrects` names the event a correction supersedes."""
    from inspections.events import record_event

    return run(
        record_event(
            inspection_id, kind, on, by_user_id=by, detail=detail or None, today=today, supersedes=corrects
        )
    )


def publish_report(inspection_id: int, end, published, *, today=None) -> None:
    """A report history that can have happened, ending in publication on `published`: the draft,
    the fact-check return and HMIP's response at proportionate dates between `end` and it."""
    from datetime import timedelta

    span = (published - end).days
    draft = end + timedelta(days=span * 45 // 100)
    returned = draft + timedelta(days=span * 20 // 100)
    response = returned + timedelta(days=span * 10 // 100)
    for kind, on in (
        ("draft_sent", draft),
        ("factcheck_returned", returned),
        ("hmip_response_sent", response),
        ("published", published),
    ):
        record_fact(inspection_id, kind, on, today=today)


def stored_milestones(inspection_id: int) -> dict[str, dict]:
    from timelines.tables import StoredMilestone

    rows = run(StoredMilestone.select().where(StoredMilestone.inspection == inspection_id))
    return {r["key"]: r for r in rows}


def api_token(username: str) -> str:
    """A personal API token for the user (the API's writes need one)."""
    from tracker.sessions import create_api_token
    from tracker.users import user_id_for

    async def go():
        return await create_api_token(await user_id_for(username), "test")

    return run(go())


def principal_of(username: str):
    """Who a user is (roles, establishments) as the app sees them, for calling operations directly."""
    from tracker.sessions import load_principal
    from tracker.users import user_id_for

    return run(load_principal(run(user_id_for(username))))

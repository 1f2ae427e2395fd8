"""Signing in: the same answer and similar timing for known and unknown users, throttled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tracker.clock import now_utc
from tracker.passwords import verify_password
from tracker.tables import AppUser, AuditEvent

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_CLIENT = 20


@dataclass(frozen=True)
class LoginResult:
    user_id: int | None
    reason: str  # ok, bad_credentials, throttled, inactive

    @property
    def ok(self) -> bool:
        return self.reason == "ok"


async def is_throttled(username: str, client: str) -> bool:
    since = now_utc() - THROTTLE_WINDOW
    failures = AuditEvent.count().where(
        (AuditEvent.action == "login") & (AuditEvent.outcome != "success") & (AuditEvent.at > since)
    )
    by_user = await failures.where(AuditEvent.actor == username)
    if by_user >= MAX_FAILURES_PER_USERNAME:
        return True
    by_client = await AuditEvent.count().where(
        (AuditEvent.action == "login")
        & (AuditEvent.outcome != "success")
        & (AuditEvent.at > since)
        & (AuditEvent.client_address == client)
    )
    return bool(client) and by_client >= MAX_FAILURES_PER_CLIENT


async def authenticate(username: str, password: str, client: str) -> LoginResult:
    username = username.strip().lower()
    if await is_throttled(username, client):
        return LoginResult(None, "throttled")
    user = (
        await AppUser.select(AppUser.id, AppUser.password_hash, AppUser.active)
        .where(AppUser.username == username)
        .first()
    )
    # Always verify, even for an unknown user, so the timing does not reveal who exists.
    matches = await verify_password(user["password_hash"] if user else None, password)
    if not user or not matches:
        return LoginResult(None, "bad_credentials")
    if not user["active"]:
        return LoginResult(None, "inactive")
    return LoginResult(user["id"], "ok")

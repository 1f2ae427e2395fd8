"""Signing in: the same answer and similar timing for known and unknown users, throttled."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.passwords import verify_password
from tracker.tables import AppUser
from tracker.throttle import give_back, take_slots

MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_CLIENT = 20


@dataclass(frozen=True)
class LoginResult:
    user_id: int | None
    reason: str  # ok, bad_credentials, throttled, inactive

    @property
    def ok(self) -> bool:
        return self.reason == "ok"


def _slots(username: str, client: str) -> list[tuple[str, int]]:
    """Per username (known or not, so the answer does not tell) and per client address."""
    slots = [(f"password:{username}", MAX_FAILURES_PER_USERNAME)]
    if client:
        slots.append((f"password-from:{client}", MAX_FAILURES_PER_CLIENT))
    return slots


async def authenticate(username: str, password: str, client: str) -> LoginResult:
    username = username.strip().lower()
    slots = _slots(username, client)
    if not await take_slots(*slots):
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
    await give_back(*(key for key, _ in slots))
    return LoginResult(user["id"], "ok")

"""Server-side sessions and personal API tokens, and turning either into a Principal."""

from __future__ import annotations

from datetime import timedelta

from tracker.clock import now_utc
from tracker.principal import Principal
from tracker.roles import Role
from tracker.settings import Settings
from tracker.tables import ApiToken, AppUser, UserRole, UserSession
from tracker.tokens import new_token, token_hash
from tracker.uses import note_use

DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 366


async def start_session(user_id: int) -> str:
    """A brand-new session id at every sign-in, so a planted id is worth nothing."""
    token = new_token()
    now = now_utc()
    await UserSession.insert(
        UserSession(token_hash=token_hash(token), user=user_id, created_at=now, last_seen_at=now)
    )
    return token


async def end_session(token: str) -> None:
    await UserSession.update({UserSession.ended_at: now_utc()}).where(
        (UserSession.token_hash == token_hash(token)) & UserSession.ended_at.is_null()
    )


async def end_all_sessions(user_id: int, keep: int | None = None) -> int:
    """End the user's sessions (all but `keep`, the one changing its password) and say how many."""
    query = UserSession.update({UserSession.ended_at: now_utc()}).where(
        (UserSession.user == user_id) & UserSession.ended_at.is_null()
    )
    if keep is not None:
        query = query.where(UserSession.id != keep)
    return len(await query.returning(UserSession.id))


async def principal_for_session(token: str, settings: Settings) -> Principal | None:
    row = await _open_session(token_hash(token))
    if row is None:
        return None
    now = now_utc()
    idle = timedelta(minutes=settings.session_idle_minutes)
    absolute = timedelta(hours=settings.session_absolute_hours)
    if now - row["last_seen_at"] > idle:
        # A kept row's last-seen time can be behind the stored one (moving it does not empty
        # what is kept: tracker.changes), so ask the database before ending a session as idle.
        row = await _read_open_session(token_hash(token))
        if row is None:
            return None
    if now - row["last_seen_at"] > idle or now - row["created_at"] > absolute:
        await UserSession.update({UserSession.ended_at: now}).where(UserSession.id == row["id"])
        return None
    principal = await load_principal(row["user"], session_id=row["id"])
    if principal is None:
        return None
    await note_use(UserSession.last_seen_at, row, now)
    return principal


async def _open_session(hashed: str) -> dict | None:
    """The open session with this token's hash. Kept (tracker.cache) until a change is written:
    ending a session is one, so a session ended anywhere is refused by the next request in every
    worker. Moving its last-seen time is not (tracker.changes): see principal_for_session."""
    from tracker.cache import cached

    return await cached(("session", hashed), lambda: _read_open_session(hashed))


async def _read_open_session(hashed: str) -> dict | None:
    return (
        await UserSession.select(
            UserSession.id, UserSession.user, UserSession.created_at, UserSession.last_seen_at
        )
        .where((UserSession.token_hash == hashed) & UserSession.ended_at.is_null())
        .first()
    )


async def touch_session(session_id: int | None) -> None:
    if session_id is not None:
        await UserSession.update({UserSession.last_seen_at: now_utc()}).where(UserSession.id == session_id)


async def create_api_token(user_id: int, label: str = "", days: int = DEFAULT_TOKEN_DAYS) -> str:
    """A new named token (shown once, stored hashed) that expires after `days`. The user's other
    tokens keep working: they are listed at /account/tokens, where any one can be revoked."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValueError(f"A token lasts from 1 to {MAX_TOKEN_DAYS} days")
    token = new_token()
    now = now_utc()
    await ApiToken.insert(
        ApiToken(
            token_hash=token_hash(token),
            user=user_id,
            label=label.strip()[:100],
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return token


async def principal_for_api_token(token: str) -> Principal | None:
    """The token's owner, flagged as coming through a token. The token's row is kept
    (tracker.cache) until a change is written, so a revoked token is refused at once."""
    from tracker.cache import cached

    hashed = token_hash(token)
    row = await cached(("api token", hashed), lambda: _live_api_token(hashed))
    now = now_utc()
    if row is None or row["expires_at"] <= now:
        return None
    await note_use(ApiToken.last_used_at, row, now)
    principal = await load_principal(row["user"])
    if principal is None:
        return None
    return Principal(**{**principal.__dict__, "via_token": True})  # a flag, not a password  # nosec B105


async def _live_api_token(hashed: str) -> dict | None:
    return (
        await ApiToken.select(ApiToken.id, ApiToken.user, ApiToken.expires_at, ApiToken.last_used_at)
        .where((ApiToken.token_hash == hashed) & ApiToken.revoked_at.is_null())
        .first()
    )


async def api_tokens_of(user_id: int) -> list[dict]:
    """The user's tokens, newest first: names and dates, never the token."""
    return (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.label,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.last_used_at,
            ApiToken.revoked_at,
        )
        .where(ApiToken.user == user_id)
        .order_by(ApiToken.id, ascending=False)
    )


async def revoke_api_token(user_id: int, token_id: int) -> bool:
    """Revoke one of this user's tokens; False when they have no such token still working."""
    revoked = (
        await ApiToken.update({ApiToken.revoked_at: now_utc()})
        .where((ApiToken.id == token_id) & (ApiToken.user == user_id) & ApiToken.revoked_at.is_null())
        .returning(ApiToken.id)
    )
    return bool(revoked)


async def revoke_api_tokens(user_id: int) -> None:
    await ApiToken.update({ApiToken.revoked_at: now_utc()}).where(
        (ApiToken.user == user_id) & ApiToken.revoked_at.is_null()
    )


async def load_principal(user_id: int, session_id: int | None = None) -> Principal | None:
    """Who this user is now: active, roles, establishments. Kept (tracker.cache) until anything
    is written to the database, so a deactivation or a change of role counts from the next
    request, in every worker; the session itself is checked on every request."""
    from dataclasses import replace

    from tracker.cache import cached

    principal = await cached(("principal", user_id), lambda: _read_principal(user_id))
    return replace(principal, session_id=session_id) if principal is not None else None


async def _read_principal(user_id: int) -> Principal | None:
    user = (
        await AppUser.select(
            AppUser.id, AppUser.username, AppUser.display_name, AppUser.active, AppUser.prison_group
        )
        .where(AppUser.id == user_id)
        .first()
    )
    if user is None or not user["active"]:
        return None
    roles = await UserRole.select(UserRole.role).where(UserRole.user == user_id)
    role_set = frozenset(Role(r["role"]) for r in roles if r["role"] in Role._value2member_map_)
    return Principal(
        user_id=user["id"],
        username=user["username"],
        display_name=user["display_name"],
        roles=role_set,
        establishment_ids=await _establishments_for(user_id, role_set, user["prison_group"]),
        prison_group=user["prison_group"],
    )


async def _establishments_for(user_id: int, roles: frozenset[Role], prison_group: str) -> frozenset[int]:
    from tracker.extensions import establishments

    ids: set[int] = set()
    if Role.ESTABLISHMENT in roles:
        ids |= await establishments().members_of(user_id)
    if Role.HMPPS_MANAGER in roles and prison_group:
        ids |= await establishments().of_prison_group(prison_group)
    return frozenset(ids)

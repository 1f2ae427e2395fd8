"""The second factor: time-based one-time passwords (TOTP, RFC 6238) with recovery codes.

Required for administrators and managers (SECURITY.md B5); anyone may turn it on. A code works
once (the last time step used is kept), and recovery codes are stored hashed and used once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import pyotp
import segno

from tracker.clock import now_utc
from tracker.roles import Role
from tracker.tables import AppUser, LoginChallenge, RecoveryCode
from tracker.tokens import new_token, token_hash

REQUIRED_FOR = frozenset({Role.ADMIN, Role.HMIP_MANAGER, Role.HMPPS_MANAGER})
ISSUER = "HMIP HMPPS inspection tracker"
CHALLENGE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RECOVERY_CODE_COUNT = 10


def required_for(roles) -> bool:
    return bool(frozenset(roles) & REQUIRED_FOR)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(username: str, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """An inline SVG QR code of the enrolment link (made here, so safe to include as markup)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff")


def grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, last_step: int) -> int | None:
    """The time step the code belongs to (now, or one either side), if unused; else None."""
    code = code.replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(now_utc())
    for step in (now_step, now_step - 1, now_step + 1):
        if step > last_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


async def verify_code(user_id: int, code: str, secret: str | None = None) -> bool:
    """Check a code against the user's secret (or a pending one) and burn its time step."""
    user = (
        await AppUser.select(AppUser.totp_secret, AppUser.totp_last_step).where(AppUser.id == user_id).first()
    )
    step = matching_step(secret or user["totp_secret"], code, user["totp_last_step"])
    if step is None:
        return False
    await AppUser.update({AppUser.totp_last_step: step}).where(AppUser.id == user_id)
    return True


async def use_recovery_code(user_id: int, code: str) -> bool:
    hashed = token_hash(code.strip().replace(" ", "").lower())
    row = (
        await RecoveryCode.select(RecoveryCode.id)
        .where(
            (RecoveryCode.user == user_id)
            & (RecoveryCode.code_hash == hashed)
            & RecoveryCode.used_at.is_null()
        )
        .first()
    )
    if row is None:
        return False
    await RecoveryCode.update({RecoveryCode.used_at: now_utc()}).where(RecoveryCode.id == row["id"])
    return True


async def enable(user_id: int, secret: str) -> list[str]:
    """Turn the second factor on and return fresh recovery codes (shown once)."""
    await AppUser.update({AppUser.totp_secret: secret, AppUser.totp_enabled_at: now_utc()}).where(
        AppUser.id == user_id
    )
    return await new_recovery_codes(user_id)


async def new_recovery_codes(user_id: int) -> list[str]:
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    await RecoveryCode.delete().where(RecoveryCode.user == user_id)
    await RecoveryCode.insert(*[RecoveryCode(user=user_id, code_hash=token_hash(c)) for c in codes])
    return codes


async def reset(user_id: int) -> None:
    """An administrator's reset: the user sets up a new authenticator at their next sign-in."""
    await AppUser.update(
        {AppUser.totp_secret: "", AppUser.totp_enabled_at: None, AppUser.totp_last_step: 0}
    ).where(AppUser.id == user_id)
    await RecoveryCode.delete().where(RecoveryCode.user == user_id)


async def is_enabled(user_id: int) -> bool:
    row = await AppUser.select(AppUser.totp_enabled_at).where(AppUser.id == user_id).first()
    return bool(row and row["totp_enabled_at"])


# -- the step between password and second factor ---------------------------------------------------


async def start_challenge(user_id: int, purpose: str, next_path: str) -> str:
    token = new_token()
    await LoginChallenge.insert(
        LoginChallenge(
            token_hash=token_hash(token),
            user=user_id,
            purpose=purpose,
            pending_secret=new_secret() if purpose == "enrol" else "",
            next_path=next_path,
            created_at=now_utc(),
        )
    )
    return token


async def challenge(token: str | None) -> dict | None:
    if not token:
        return None
    row = await LoginChallenge.select().where(LoginChallenge.token_hash == token_hash(token)).first()
    if row is None or now_utc() - row["created_at"] > CHALLENGE_LIFETIME or row["attempts"] >= MAX_ATTEMPTS:
        return None
    return row


async def count_attempt(challenge_id: int) -> None:
    await LoginChallenge.update({LoginChallenge.attempts: LoginChallenge.attempts + 1}).where(
        LoginChallenge.id == challenge_id
    )


async def finish_challenge(challenge_id: int) -> None:
    await LoginChallenge.delete().where(LoginChallenge.id == challenge_id)

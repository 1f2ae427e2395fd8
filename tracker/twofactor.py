"""The second factor: time-based one-time passwords (TOTP, RFC 6238) with recovery codes.

Required for administrators and managers (SECURITY.md B5); anyone may turn it on. A code works
once (the last time step used is kept), and recovery codes are used once. Wrong codes, recovery
codes included, are throttled per user however many sign-ins they are spread over (K2).

At rest (K13) the authenticator seed is encrypted (AES-GCM, with a key derived from SECRET_KEY:
changing SECRET_KEY means everyone sets up their app again), and each recovery code is kept as a
salted argon2 hash.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
from datetime import timedelta
from functools import lru_cache

import pyotp
import segno
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tracker.clock import now_utc
from tracker.passwords import hash_each, index_of_match
from tracker.roles import Role
from tracker.tables import AppUser, LoginChallenge, RecoveryCode
from tracker.throttle import give_back, take_slots
from tracker.tokens import new_token, token_hash

REQUIRED_FOR = frozenset({Role.ADMIN, Role.HMIP_MANAGER, Role.HMPPS_MANAGER})
ISSUER = "HMIP HMPPS inspection tracker"
CHALLENGE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5  # per challenge
MAX_WRONG_CODES = 5  # per user, across challenges, in tracker.throttle.WINDOW
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE = re.compile(r"[0-9a-f]{10}")
SEED_PREFIX = "aesgcm:"
NO_SEED = ""  # what a column holding no seed holds
_ARGON2_PREFIX = "$argon2"


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


# -- seeds encrypted at rest ------------------------------------------------------------------------

_secret_key: str | None = None


def use_secret_key(secret_key: str) -> None:
    """Seeds are encrypted with a key derived from this: the app's settings.secret_key (without
    a call, the environment's, as in a command)."""
    global _secret_key
    _secret_key = secret_key


@lru_cache(maxsize=4)
def _cipher_for(secret_key: str) -> AESGCM:
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"tracker: authenticator seeds")
    return AESGCM(key.derive(secret_key.encode()))


def _cipher() -> AESGCM:
    from tracker.settings import load_settings

    return _cipher_for(_secret_key or load_settings().secret_key)


def encrypt_seed(seed: str) -> str:
    nonce = os.urandom(12)
    sealed = _cipher().encrypt(nonce, seed.encode(), None)
    return SEED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt_seed(stored: str) -> str:
    raw = base64.urlsafe_b64decode(stored.removeprefix(SEED_PREFIX))
    return _cipher().decrypt(raw[:12], raw[12:], None).decode()


async def seed_of(user_id: int) -> str:
    row = await AppUser.select(AppUser.totp_secret).where(AppUser.id == user_id).first()
    return decrypt_seed(row["totp_secret"])


async def protect_stored_secrets() -> None:
    """Convert what was stored before K13 (the migration runs this): plain seeds are encrypted,
    challenges holding a plain pending seed end, and recovery codes kept as an unsalted SHA-256
    are hashed again with argon2 (so codes are hashed as argon2 of their SHA-256, new ones too)."""
    plain = await AppUser.select(AppUser.id, AppUser.totp_secret).where(
        (AppUser.totp_secret != NO_SEED) & AppUser.totp_secret.not_like(f"{SEED_PREFIX}%")
    )
    for row in plain:
        await AppUser.update({AppUser.totp_secret: encrypt_seed(row["totp_secret"])}).where(
            AppUser.id == row["id"]
        )
    pending = LoginChallenge.pending_secret
    await LoginChallenge.delete().where((pending != NO_SEED) & pending.not_like(f"{SEED_PREFIX}%"))
    unsalted = await RecoveryCode.select(RecoveryCode.id, RecoveryCode.code_hash).where(
        RecoveryCode.code_hash.not_like(f"{_ARGON2_PREFIX}%")
    )
    rehashed = await hash_each([row["code_hash"] for row in unsalted])
    for row, code_hash in zip(unsalted, rehashed, strict=True):
        await RecoveryCode.update({RecoveryCode.code_hash: code_hash}).where(RecoveryCode.id == row["id"])


# -- checking codes --------------------------------------------------------------------------------


def matching_step(secret: str, code: str, last_step: int) -> int | None:
    """The time step the code belongs to (now, or one either side), if unused; else None."""
    code = code.replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(now_utc())
    for step in (now_step, now_step - 1, now_step + 1):
        if step > last_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


async def check_code(user_id: int, code: str) -> str:
    """ok, bad_code, or throttled (too many wrong codes lately: none is checked)."""
    key = f"code:{user_id}"
    if not await take_slots((key, MAX_WRONG_CODES)):
        return "throttled"
    if await verify_code(user_id, code) or await use_recovery_code(user_id, code):
        await give_back(key)
        return "ok"
    return "bad_code"


async def verify_code(user_id: int, code: str, secret: str | None = None) -> bool:
    """Check a code against the user's secret (or a pending one) and burn its time step."""
    user = (
        await AppUser.select(AppUser.totp_secret, AppUser.totp_last_step).where(AppUser.id == user_id).first()
    )
    step = matching_step(secret or decrypt_seed(user["totp_secret"]), code, user["totp_last_step"])
    if step is None:
        return False
    burned = (
        await AppUser.update({AppUser.totp_last_step: step})
        .where((AppUser.id == user_id) & (AppUser.totp_last_step < step))
        .returning(AppUser.id)
    )
    return bool(burned)


def _normalised(code: str) -> str:
    return code.strip().replace(" ", "").lower()


async def use_recovery_code(user_id: int, code: str) -> bool:
    code = _normalised(code)
    if not RECOVERY_CODE.fullmatch(code):
        return False
    unused = await RecoveryCode.select(RecoveryCode.id, RecoveryCode.code_hash).where(
        (RecoveryCode.user == user_id) & RecoveryCode.used_at.is_null()
    )
    index = await index_of_match([row["code_hash"] for row in unused], token_hash(code))
    if index is None:
        return False
    used = (
        await RecoveryCode.update({RecoveryCode.used_at: now_utc()})
        .where((RecoveryCode.id == unused[index]["id"]) & RecoveryCode.used_at.is_null())
        .returning(RecoveryCode.id)
    )
    return bool(used)


async def enable(user_id: int, secret: str) -> list[str]:
    """Turn the second factor on and return fresh recovery codes (shown once)."""
    await AppUser.update(
        {AppUser.totp_secret: encrypt_seed(secret), AppUser.totp_enabled_at: now_utc()}
    ).where(AppUser.id == user_id)
    return await new_recovery_codes(user_id)


async def new_recovery_codes(user_id: int) -> list[str]:
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    await save_recovery_codes(user_id, codes)
    return codes


async def save_recovery_codes(user_id: int, codes: list[str]) -> None:
    """Replace the user's recovery codes with these, each kept as a salted argon2 hash."""
    hashes = await hash_each([token_hash(_normalised(code)) for code in codes])
    await RecoveryCode.delete().where(RecoveryCode.user == user_id)
    await RecoveryCode.insert(*[RecoveryCode(user=user_id, code_hash=h) for h in hashes])


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
            pending_secret=encrypt_seed(new_secret()) if purpose == "enrol" else "",
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
    return {**row, "pending_secret": decrypt_seed(row["pending_secret"]) if row["pending_secret"] else ""}


async def count_attempt(challenge_id: int) -> None:
    await LoginChallenge.update({LoginChallenge.attempts: LoginChallenge.attempts + 1}).where(
        LoginChallenge.id == challenge_id
    )


async def finish_challenge(challenge_id: int) -> None:
    await LoginChallenge.delete().where(LoginChallenge.id == challenge_id)

"""Password rules and hashing (of passwords and of other secrets kept only as a salted, slow hash,
such as recovery codes). Hashing runs in a worker thread so it never blocks the event loop."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 64
_hasher = PasswordHasher()
# Verifying against this keeps the timing of an unknown username close to a known one.
_DUMMY_HASH = _hasher.hash("not-a-real-password-at-all")


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


def password_problem(password: str, username: str = "") -> str | None:
    """The GOV.UK-style message for an unacceptable password, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in _common_passwords() or (username and username.lower() in lowered):
        return "Password is too easy to guess: choose a less common one"
    return None


def hash_password_sync(password: str) -> str:
    return _hasher.hash(password)


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(hash_password_sync, password)


def use_cheap_hashing_for_tests() -> None:
    """Tests hash hundreds of passwords; the production cost would only slow them down."""
    global _hasher, _DUMMY_HASH
    from argon2.profiles import CHEAPEST

    _hasher = PasswordHasher.from_parameters(CHEAPEST)
    _DUMMY_HASH = _hasher.hash("not-a-real-password-at-all")


def _verify(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored_hash: str | None, password: str) -> bool:
    return await anyio.to_thread.run_sync(_verify, stored_hash, password)


def _hash_each(values: list[str]) -> list[str]:
    return [_hasher.hash(value) for value in values]


async def hash_each(values: list[str]) -> list[str]:
    """Each value hashed with its own salt."""
    return await anyio.to_thread.run_sync(_hash_each, values)


def _index_of_match(stored_hashes: list[str], value: str) -> int | None:
    return next((i for i, stored in enumerate(stored_hashes) if _verify(stored, value)), None)


async def index_of_match(stored_hashes: list[str], value: str) -> int | None:
    """Which of the hashes the value matches, if any."""
    return await anyio.to_thread.run_sync(_index_of_match, stored_hashes, value)

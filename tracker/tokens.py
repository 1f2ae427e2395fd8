"""Random secrets (session ids, API and calendar-feed tokens) and how they are stored: hashed."""

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

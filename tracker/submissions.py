"""One submission per form: sending the same form twice (a double click, a resend after a slow
answer, two tabs) gets the first submission's answer instead of doing the work again.

Every form rendered with the csrf() macro carries a one-time token. Form.from_request claims it,
with a digest of the values sent, for the signed-in user; SubmissionMiddleware then records where
that submission led (its redirect), or frees the claim when it did not complete (an error summary
was shown, so the corrected form can be sent). Sending the same values with the same token again
is redirected to the same place; if the first is still being worked on, it waits for it. Other
values (the user went back and changed something) make a new submission. Signing in is not
covered: there is nobody to claim the token for yet.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets

from litestar.types import ASGIApp, Message, Receive, Scope, Send

FIELD = "_form_token"
STATE_KEY = "claimed_form"
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.1
KEEP_DAYS = 1  # tracker retention removes older claims
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class AlreadySubmitted(Exception):
    """This form was sent before: answer with the first submission's redirect (or, when it has
    not finished within WAIT_SECONDS, a 409 page)."""

    def __init__(self, location: str | None) -> None:
        super().__init__(location)
        self.location = location


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _digest(data: dict) -> str:
    """What was sent: the same form sent again with other values (after going back and changing
    something) is a new submission, not a repeat."""
    parts = []
    for name in sorted(data):
        values = data[name] if isinstance(data[name], list) else [data[name]]
        for value in values:
            parts.append(f"{name}={_describe(value)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def _describe(value) -> str:
    if hasattr(value, "filename") and hasattr(value, "file"):
        position = value.file.tell()
        value.file.seek(0, 2)
        size = value.file.tell()
        value.file.seek(position)
        return f"file:{value.filename}:{size}"
    return str(value)


async def claim(request, token: str, data: dict) -> None:
    """Claim this user's submission of the form with these values, or raise AlreadySubmitted
    when it was sent before."""
    from tracker.clock import now_utc
    from tracker.db import is_unique_violation
    from tracker.tables import SubmittedForm

    principal = request.scope.get("user")
    if principal is None or not TOKEN_PATTERN.fullmatch(token):
        return
    key = f"{principal.user_id}:{token}:{_digest(data)}"
    try:
        await SubmittedForm.insert(SubmittedForm(key=key, user_id=principal.user_id, created_at=now_utc()))
    except Exception as error:
        if not is_unique_violation(error):
            raise
        raise AlreadySubmitted(await _first_answer(key)) from None
    request.scope.setdefault("state", {})[STATE_KEY] = key


async def _first_answer(key: str) -> str | None:
    from tracker.tables import SubmittedForm

    waited = 0.0
    while True:
        row = await SubmittedForm.select(SubmittedForm.location).where(SubmittedForm.key == key).first()
        if row is None or row["location"] or waited >= WAIT_SECONDS:
            return row["location"] if row else None
        await asyncio.sleep(POLL_SECONDS)
        waited += POLL_SECONDS


async def settle(key: str, status: int, location: str) -> None:
    """Keep the claim with where the submission led, or free it if it did not complete."""
    from tracker.tables import SubmittedForm

    if 300 <= status < 400 and location:
        await SubmittedForm.update({SubmittedForm.location: location[:1000]}).where(SubmittedForm.key == key)
    else:
        await SubmittedForm.delete().where(SubmittedForm.key == key)


class SubmissionMiddleware:
    """Settles the form claimed while handling a POST once the answer is known."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        answer = {"status": 500, "location": ""}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"location":
                        answer["location"] = value.decode("latin-1")
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            key = scope.get("state", {}).get(STATE_KEY)
            if key:
                await settle(key, answer["status"], answer["location"])

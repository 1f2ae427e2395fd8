"""GOV.UK Notify as the email channel: the reminder digests go to a real HTTP server on loopback
(pytest-httpserver) that answers as Notify does and checks, as Notify does, each request's shape
and the API key's JSON Web Token (HS256 signed with the key's secret, iss the service id, iat fresh)."""

from __future__ import annotations

import json
import time
import uuid

import jwt
import pytest
from werkzeug import Response

from tests.support import run
from tests.timelines_web.helpers import TODAY, build_world

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"tracker_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = str(uuid.uuid4())


class FakeNotify:
    """What Notify's POST /v2/notifications/email checks, and the emails it accepted."""

    def __init__(self) -> None:
        self.accepted: list[dict] = []
        self.refusals: list[str] = []
        self.answer_with: tuple[int, dict] | None = None

    def refuse(self, status: int, message: str) -> Response:
        self.refusals.append(message)
        body = {"status_code": status, "errors": [{"error": "BadRequestError", "message": message}]}
        return Response(json.dumps(body), status=status, content_type="application/json")

    def __call__(self, request) -> Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer":
            return self.refuse(401, "Unauthorized: authentication token must be provided")
        if jwt.get_unverified_header(token).get("alg") != "HS256":
            return self.refuse(403, "Invalid token: algorithm used is not HS256")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]})
        except jwt.InvalidTokenError as error:
            return self.refuse(403, f"Invalid token: {error}")
        if claims["iss"] != SERVICE_ID:
            return self.refuse(403, "Invalid token: service not found")
        if abs(time.time() - claims["iat"]) > 30:
            return self.refuse(403, "Error: Your system clock must be accurate to within 30 seconds")
        if request.headers.get("Content-Type") != "application/json":
            return self.refuse(400, "Content-Type must be application/json")
        body = request.get_json()
        if set(body) - {"email_address", "template_id", "personalisation", "reference", "email_reply_to_id"}:
            return self.refuse(400, f"Additional properties are not allowed: {sorted(body)}")
        if "@" not in body.get("email_address", "") or body.get("template_id") != TEMPLATE_ID:
            return self.refuse(400, "email_address or template_id is not valid")
        if not all(isinstance(v, str) for v in body.get("personalisation", {}).values()):
            return self.refuse(400, "personalisation values must be text")
        if self.answer_with:
            status, answer = self.answer_with
            return Response(json.dumps(answer), status=status, content_type="application/json")
        self.accepted.append(body)
        answer = {
            "id": str(uuid.uuid4()),
            "reference": body.get("reference"),
            "content": {"subject": body["personalisation"].get("subject", ""), "body": "…"},
            "uri": f"/v2/notifications/{uuid.uuid4()}",
            "template": {"id": TEMPLATE_ID, "version": 1, "uri": f"/v2/template/{TEMPLATE_ID}"},
        }
        return Response(json.dumps(answer), status=201, content_type="application/json")


@pytest.fixture
def notify(httpserver, monkeypatch):
    fake = FakeNotify()
    httpserver.expect_request("/v2/notifications/email", method="POST").respond_with_handler(fake)
    monkeypatch.setenv("NOTIFY_API_KEY", API_KEY)
    monkeypatch.setenv("NOTIFY_BASE_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("NOTIFY_TEMPLATE_REMINDER_DIGEST", TEMPLATE_ID)
    monkeypatch.setenv("SMTP_PORT", "9")  # nothing listens there: an SMTP send would fail
    return fake


def remind():
    from click.testing import CliRunner

    from timelines.jobs import remind as command

    return CliRunner().invoke(command, ["--today", TODAY.isoformat()])


def test_with_a_notify_key_the_reminders_go_through_notify_with_their_personalisation(db, notify):
    build_world(emails=True)
    result = remind()
    assert result.exit_code == 0, result.output
    assert notify.refusals == []
    by_user = {email["email_address"].split("@")[0]: email for email in notify.accepted}
    assert set(by_user) == {"sam", "govleeds", "pat", "boss"}
    sam = by_user["sam"]["personalisation"]
    assert sam["any_due_today"] == "yes" and sam["any_escalation"] == "no" and sam["escalation"] == ""
    assert sam["due_today"].startswith("* HMP Example: Fact check returned to HMIP")
    assert "due today" in sam["subject"]
    boss = by_user["boss"]["personalisation"]
    assert "Letter and debrief summary published" in boss["escalation"]
    assert by_user["sam"]["reference"].startswith("reminders-")
    # Sent once: the second run finds nothing new to send.
    assert remind().exit_code == 0
    assert len(notify.accepted) == 4


def test_a_refusal_by_notify_fails_the_run_and_records_nothing(db, notify):
    from timelines.tables import SentReminder

    build_world(emails=True)
    notify.answer_with = (
        400,
        {
            "status_code": 400,
            "errors": [
                {
                    "error": "BadRequestError",
                    "message": "Can't send to this recipient using a team-only API key",
                }
            ],
        },
    )
    result = remind()
    assert result.exit_code != 0
    assert "Could not send email" in result.output and "team-only API key" in result.output
    assert run(SentReminder.count()) == 0


def test_a_key_with_the_wrong_secret_is_refused_by_the_token_check(db, notify, monkeypatch):
    build_world(emails=True)
    monkeypatch.setenv("NOTIFY_API_KEY", f"tracker_test-{SERVICE_ID}-{uuid.uuid4()}")
    result = remind()
    assert result.exit_code != 0
    assert notify.accepted == [] and "Signature verification failed" in notify.refusals[0]


def test_without_a_notify_key_the_channel_is_smtp(monkeypatch):
    from tracker.email_channel import email_channel
    from tracker.settings import load_settings

    monkeypatch.delenv("NOTIFY_API_KEY", raising=False)
    assert email_channel(load_settings()).name == "SMTP"
    monkeypatch.setenv("NOTIFY_API_KEY", API_KEY)
    assert email_channel(load_settings()).name == "GOV.UK Notify"

"""Every request has an id: an incoming X-Request-Id that is a sane token is kept, anything else is
replaced. The id is echoed in the response, on the request's JSON log lines and audit rows, and is
the reference on its error page. No log line holds a cookie, token, password or debrief text."""

from __future__ import annotations

import json
import re

import pytest

from tests.inspections.helpers import world
from tests.inspections.test_debrief import _debrief
from tests.security.servers import ServerProcess, http_client
from tests.support import CONFIDENTIAL_CANARY, PASSWORD, api_token, audit_rows, make_user, sign_in
from tracker.roles import Role

MADE = re.compile(r"[0-9a-f]{32}")


def test_a_given_request_id_is_echoed_audited_and_on_each_log_line(client, log_lines):
    sam = make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    given = "trace-7.A_b"
    response = client.get("/admin/users", headers={"X-Request-Id": given})
    assert response.status_code == 403
    assert response.headers["x-request-id"] == given
    assert audit_rows("denied")[-1]["request_id"] == given
    [line] = [line for line in log_lines() if line.get("request_id") == given]
    assert line["event"] == "request" and line["level"] == "info" and line["time"]
    assert line["user_id"] == sam and line["method"] == "GET"
    assert line["route"] == "/admin/users" and line["status"] == 403
    assert isinstance(line["duration_ms"], int | float)


def test_the_error_page_reference_is_the_request_id(client):
    given = "support-ticket-42"
    page = client.get("/session/keep-alive", headers={"X-Request-Id": given})  # POST only
    assert page.status_code == 405
    assert f"Reference <strong>{given}</strong>" in page.text
    made = client.get("/session/keep-alive")
    assert f"Reference <strong>{made.headers['x-request-id']}</strong>" in made.text


@pytest.mark.parametrize("hostile", ["", "a b", "x" * 37, "<script>", "a/b", "id;drop", "é"])
def test_a_hostile_request_id_is_replaced(client, hostile):
    response = client.get("/accessibility", headers={"X-Request-Id": hostile.encode()})
    assert MADE.fullmatch(response.headers["x-request-id"])


def test_each_request_without_an_id_gets_its_own(client, log_lines):
    first, second = (client.get("/accessibility").headers["x-request-id"] for _ in range(2))
    assert MADE.fullmatch(first) and MADE.fullmatch(second) and first != second
    routes = [line["route"] for line in log_lines() if line.get("event") == "request"]
    assert routes == ["/accessibility", "/accessibility"]


def test_the_probes_are_not_in_the_request_log(client, log_lines):
    for path in ("/ping", "/health", "/info"):
        assert client.get(path).status_code == 200
    assert [line for line in log_lines() if line.get("event") == "request"] == []


@pytest.mark.slow
def test_the_server_logs_json_lines_with_no_cookie_token_password_or_note(db, database_url, tmp_path):
    """`tracker serve` as in production: sign in, write a debrief note, use an API token and a
    made-up calendar feed address; then read its log."""
    w = world()
    secret_feed = "feed-token-that-must-not-be-logged-91c2"
    with ServerProcess(database_url, tmp_path / "serve.log") as server, http_client(server) as client:
        sign_in(client, "leader", PASSWORD)
        cookie = next(iter(client.cookies.jar))
        assert cookie.value
        debrief = _debrief(client, w["ia"], note_text=f"Note {CONFIDENTIAL_CANARY}")
        assert debrief.status_code in (302, 303), debrief.text[:300]
        token = api_token("leader")
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert client.get(f"/feeds/{secret_feed}.ics").status_code == 404
    text = server.log()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    requests = [line for line in lines if line.get("event") == "request"]
    assert {"/login", "/inspections/{inspection_id}/debrief", "/api/v1/me", "/feeds/{filename}"} <= {
        line["route"] for line in requests
    }
    [saved] = [line for line in requests if line["route"].endswith("/debrief") and line["method"] == "POST"]
    assert saved["user_id"] == w["leader"] and saved["status"] == debrief.status_code
    assert saved["request_id"] == debrief.headers["x-request-id"]
    for secret in (cookie.value, token, PASSWORD, CONFIDENTIAL_CANARY, secret_feed, "Leader"):
        assert secret not in text, secret


def test_a_refused_host_still_echoes_the_request_id_as_its_reference(client):
    response = client.get("/", headers={"Host": "evil.example", "X-Request-Id": "proxy-abc"})
    assert response.status_code == 400
    assert response.headers["x-request-id"] == "proxy-abc" and "<strong>proxy-abc</strong>" in response.text

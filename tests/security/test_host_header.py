"""K9: the Host allow-list compares the whole host (name and optional port, nothing else), and a
Host it refuses, malformed or foreign, gets the service's own 400 page with its security headers:
through the app, and through `tracker serve` (where a malformed port used to end in uvicorn's bare
500, sent without any of the headers)."""

from __future__ import annotations

import socket

import pytest

from tests.security.servers import ServerProcess
from tests.security.test_headers import check
from tests.support import make_user, post_form, sign_in
from tracker.roles import Role

REFUSED = [
    "127.0.0.1:8000@evil.example",
    "testserver@evil.example",
    "evil.example",
    "evil.example:80",
    "testserver:abc",
    "testserver:99999999999999999999",
    "testserver:65536",
    "testserver:",
    "testserver:80:80",
    ":80",
    "testserver x",
    "testserver/evil",
    "[::1",
    "",
]
ANSWERED = ["testserver", "TESTSERVER", "testserver:8000", "127.0.0.1:8000", "localhost"]


@pytest.mark.parametrize("host", REFUSED)
def test_a_host_not_on_the_list_gets_the_400_page(client, host):
    response = client.get("/login", headers={"Host": host})
    check(response, 400)
    assert "There is a problem" in response.text
    assert "evil" not in response.text


@pytest.mark.parametrize("host", ANSWERED)
def test_hosts_on_the_list_are_answered_whatever_the_port(client, host):
    assert client.get("/login", headers={"Host": host}).status_code == 200


def test_the_feed_url_cannot_be_pointed_at_another_host(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    response = post_form(
        client, "/my-work/calendar-feed", {}, headers={"Host": "127.0.0.1:8000@evil.example"}
    )
    assert response.status_code == 400
    assert "evil.example" not in response.text and "/feeds/" not in response.text


def raw_get(port: int, host: str) -> tuple[int, dict[str, str], str]:
    """A request written byte for byte, as an HTTP client library would not send this Host."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"GET /login HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.decode("utf-8", "replace").partition("\r\n\r\n")
    lines = head.split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def test_a_malformed_host_gets_the_400_page_from_the_real_server(database_url, tmp_path):
    with ServerProcess(database_url, tmp_path / "server.log") as server:
        for host in ("127.0.0.1:abc", "127.0.0.1:99999999999999999999", "127.0.0.1:8000@evil.example"):
            status, headers, body = raw_get(server.port, host)
            assert status == 400, (host, status, body[:300])
            assert "frame-ancestors 'none'" in headers.get("content-security-policy", ""), host
            assert headers.get("x-content-type-options") == "nosniff", host
            assert "There is a problem" in body, host
        assert "Traceback" not in server.log()

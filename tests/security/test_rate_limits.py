"""J2: sign-in throttling holds behind a reverse proxy and across workers.

The client address comes from X-Forwarded-For only when the direct peer is one of TRUSTED_PROXIES
(default none); anyone else's header is ignored, so it cannot be used to dodge the per-client limit.
Failures are counted from the audit log in the database, so every instance sees the same count.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.security.servers import ServerProcess, http_client
from tests.support import PASSWORD, audit_rows, make_user, post_form
from tracker.login import MAX_FAILURES_PER_CLIENT, MAX_FAILURES_PER_USERNAME
from tracker.roles import Role

THROTTLED = "You have tried to sign in too many times"
WRONG = "Enter a correct username and password"
PROXY = "10.0.0.1"


def app_behind(settings, db, peer: str, trusted: tuple[str, ...]):
    """The app as reached from `peer` (the direct TCP peer), trusting `trusted` as proxies."""
    from litestar.testing import TestClient

    from tracker.app import create_app

    app = create_app(replace(settings, trusted_proxies=trusted), engine=db)
    inner = app.asgi_handler

    async def from_peer(scope, receive, send):
        if scope["type"] == "http":
            scope = {**scope, "client": (peer, 41000)}
        await inner(scope, receive, send)

    app.asgi_handler = from_peer
    return TestClient(app=app, base_url="http://testserver.local")


def fail_login(client, username: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return post_form(
        client, "/login", {"username": username, "password": "wrong-password-123"}, headers=headers
    )


def test_forwarded_clients_behind_a_trusted_proxy_are_throttled_separately(db, settings):
    with app_behind(settings, db, peer=PROXY, trusted=(PROXY,)) as client:
        # The attacker at 203.0.113.7 makes up its own X-Forwarded-For each time; the proxy appends
        # the address it really saw, and that is the one counted.
        for i in range(MAX_FAILURES_PER_CLIENT):
            response = fail_login(client, f"nobody{i}", forwarded=f"192.0.2.{i}, 203.0.113.7")
            assert WRONG in response.text
        assert THROTTLED in fail_login(client, "someone-new", forwarded="203.0.113.7").text
        # Another person behind the same proxy can still sign in.
        make_user("sam", Role.HMPPS_SCRUTINY)
        other = post_form(
            client,
            "/login",
            {"username": "sam", "password": PASSWORD, "next": "/"},
            headers={"X-Forwarded-For": "203.0.113.8"},
        )
        assert other.status_code == 302
    addresses = {row["client_address"] for row in audit_rows("login")}
    assert addresses == {"203.0.113.7", "203.0.113.8"}


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(db, settings):
    with app_behind(settings, db, peer="198.51.100.9", trusted=(PROXY,)) as client:
        for i in range(MAX_FAILURES_PER_CLIENT):
            assert WRONG in fail_login(client, f"nobody{i}", forwarded=f"203.0.113.{i}").text
        response = fail_login(client, "someone-new", forwarded="203.0.113.200")
        assert THROTTLED in response.text
    assert {row["client_address"] for row in audit_rows("login")} == {"198.51.100.9"}


def test_no_forwarded_header_is_believed_by_default(client, settings):
    assert settings.trusted_proxies == ()
    fail_login(client, "nobody", forwarded="203.0.113.7")
    assert [row["client_address"] for row in audit_rows("login")] == ["testclient"]


def test_trusted_proxies_setting_is_read_from_the_environment(monkeypatch):
    from tracker.settings import load_settings

    monkeypatch.setenv("TRUSTED_PROXIES", " 10.0.0.1, 10.1.0.0/16 ,")
    assert load_settings().trusted_proxies == ("10.0.0.1", "10.1.0.0/16")
    monkeypatch.delenv("TRUSTED_PROXIES")
    assert load_settings().trusted_proxies == ()


@pytest.mark.slow
def test_throttling_holds_across_two_instances_on_one_database(db, database_url, tmp_path):
    """Two `tracker serve` processes behind one proxy (here: loopback, trusted), one database."""
    make_user("sam", Role.HMPPS_SCRUTINY)
    env = {"TRUSTED_PROXIES": "127.0.0.1"}
    with (
        ServerProcess(database_url, tmp_path / "a.log", **env) as a,
        ServerProcess(database_url, tmp_path / "b.log", **env) as b,
        http_client(a) as to_a,
        http_client(b) as to_b,
    ):

        def attempt(client, username, password="wrong-password-123", forwarded="203.0.113.7"):
            data = {"username": username, "password": password, "next": "/"}
            return post_form(client, "/login", data, headers={"X-Forwarded-For": forwarded})

        # Per username: the failures are split between the two instances.
        for i in range(MAX_FAILURES_PER_USERNAME):
            assert WRONG in attempt((to_a, to_b)[i % 2], "sam", forwarded=f"198.51.100.{i}").text
        for client in (to_a, to_b):
            response = attempt(client, "sam", PASSWORD, forwarded="198.51.100.99")
            assert response.status_code == 200 and THROTTLED in response.text

        # Per client: one forwarded address's failures on both instances add up; another
        # address behind the same proxy is not affected.
        for i in range(MAX_FAILURES_PER_CLIENT):
            assert WRONG in attempt((to_a, to_b)[i % 2], f"nobody{i}").text
        assert THROTTLED in attempt(to_a, "someone-new").text
        assert THROTTLED in attempt(to_b, "someone-else").text
        assert WRONG in attempt(to_b, "someone-new", forwarded="203.0.113.8").text
    for server in (a, b):
        assert "Traceback" not in server.log()

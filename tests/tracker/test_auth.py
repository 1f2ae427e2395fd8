"""Signing in and out, sessions, deactivation and password rules."""

from datetime import timedelta

import httpx
import pytest

from tests.support import (
    PASSWORD,
    audit_rows,
    make_establishment,
    make_user,
    post_at_once,
    post_form,
    run,
    sign_in,
)
from tracker.login import MAX_FAILURES_PER_USERNAME
from tracker.passwords import password_problem
from tracker.roles import Role
from tracker.tables import UserSession


def test_sign_in_lands_on_home_with_name(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    page = client.get("/")
    assert page.status_code == 200
    assert "Signed in as Sam" in page.text
    assert "HMPPS Scrutiny Team" in page.text


def test_wrong_password_shows_govuk_error_and_keeps_username(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    response = post_form(client, "/login", {"username": "sam", "password": "wrong-password-123"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter a correct username and password" in response.text
    assert 'value="sam"' in response.text
    assert audit_rows("login", outcome="bad_credentials")[-1]["actor"] == "sam"


def test_unknown_user_gets_the_same_message(client):
    response = post_form(client, "/login", {"username": "nobody", "password": "wrong-password-123"})
    assert "Enter a correct username and password" in response.text


def test_empty_form_names_both_fields(client):
    response = post_form(client, "/login", {"username": "", "password": ""})
    assert "Enter your username" in response.text
    assert "Enter your password" in response.text
    assert 'href="#username"' in response.text


def test_repeated_failures_are_throttled_even_with_the_right_password(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    for _ in range(5):
        post_form(client, "/login", {"username": "sam", "password": "wrong-password-123"})
    response = post_form(client, "/login", {"username": "sam", "password": PASSWORD})
    assert response.status_code == 200
    assert "too many times" in response.text
    assert client.get("/", follow_redirects=False).status_code == 302


@pytest.mark.parametrize("username", ["sam", "nobody"])
def test_concurrent_wrong_passwords_are_checked_at_most_five_times(live_server, username):
    """K3: the attempt is counted before the password is hashed, so a burst cannot outrun the count."""
    make_user("sam", Role.HMPPS_SCRUTINY)

    async def burst():
        async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as client:
            data = {"username": username, "password": "wrong-password-123"}
            return await post_at_once(client, "/login", data, 20)

    responses = run(burst())
    assert all(r.status_code == 200 for r in responses)
    checked = len(audit_rows("login", outcome="bad_credentials"))
    assert 0 < checked <= MAX_FAILURES_PER_USERNAME, f"{checked} of 20 passwords checked"
    assert len(audit_rows("login", outcome="throttled")) == 20 - checked
    assert sum("too many times" in r.text for r in responses) == 20 - checked


def test_signing_in_successfully_uses_up_no_attempts(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    for _ in range(MAX_FAILURES_PER_USERNAME + 2):
        client.cookies.clear()
        sign_in(client, "sam")
    for _ in range(MAX_FAILURES_PER_USERNAME - 1):
        post_form(client, "/login", {"username": "sam", "password": "wrong-password-123"})
    client.cookies.clear()
    sign_in(client, "sam")


def test_new_session_id_at_sign_in_and_planted_id_gives_nothing(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    client.cookies.set("tracker_session", "planted-by-an-attacker")
    response = sign_in(client, "sam")
    issued = response.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    assert issued and issued != "planted-by-an-attacker"
    client.cookies.clear()
    client.cookies.set("tracker_session", "planted-by-an-attacker")
    assert client.get("/", follow_redirects=False).status_code == 302


def test_session_cookie_is_httponly_and_samesite(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    response = sign_in(client, "sam")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_sign_out_ends_the_server_side_session(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    token = client.cookies.get("tracker_session")
    response = post_form(client, "/logout", token_from="/")
    assert response.headers["location"] == "/signed-out"
    client.cookies.set("tracker_session", token)  # replaying the old cookie
    assert client.get("/", follow_redirects=False).status_code == 302
    assert audit_rows("logout")[-1]["actor"] == "sam"


def test_deactivated_user_is_signed_out_at_once_and_cannot_sign_in(client):
    from tracker.users import deactivate_user

    user_id = make_user("leaver", Role.HMIP_INSPECTOR)
    sign_in(client, "leaver")
    assert client.get("/").status_code == 200
    assert run(deactivate_user(user_id)) == 1
    assert client.get("/", follow_redirects=False).status_code == 302
    response = post_form(client, "/login", {"username": "leaver", "password": PASSWORD})
    assert "Enter a correct username and password" in response.text


def test_idle_session_expires(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")

    async def age_session():
        rows = await UserSession.select(UserSession.id, UserSession.last_seen_at)
        for row in rows:
            await UserSession.update(
                {UserSession.last_seen_at: row["last_seen_at"] - timedelta(minutes=31)}
            ).where(UserSession.id == row["id"])

    run(age_session())
    assert client.get("/", follow_redirects=False).status_code == 302


def test_next_only_follows_in_app_paths(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    for target, expected in [
        ("/admin/users", "/admin/users"),
        ("https://evil.example/", "/"),
        ("//evil", "/"),
    ]:
        client.cookies.clear()
        response = post_form(client, "/login", {"username": "sam", "password": PASSWORD, "next": target})
        assert response.headers["location"] == expected


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short-pass", "12 characters or more"),
        ("x" * 65, "64 characters or fewer"),
        ("password1234", "too easy to guess"),
        ("a perfectly fine passphrase", None),
        ("x" * 64, None),
    ],
)
def test_password_rules(password, problem):
    result = password_problem(password)
    if problem is None:
        assert result is None
    else:
        assert problem in result


def test_establishment_user_needs_an_establishment(db):
    from tracker.users import UserError, create_user

    with pytest.raises(UserError, match="establishment"):
        run(create_user("gov", "Gov", PASSWORD, [Role.ESTABLISHMENT]))
    est = make_establishment("HMP Example")
    make_user("gov", Role.ESTABLISHMENT, establishment_ids=[est])

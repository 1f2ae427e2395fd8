"""Two-step sign-in: required for admins and managers, available to everyone (SECURITY.md B5)."""

import re

import pyotp
import pytest

from tests.support import PASSWORD, audit_rows, current_code, make_user, post_form, run, sign_in
from tracker.roles import Role
from tracker.tables import AppUser


def password_step(client, username):
    return post_form(client, "/login", {"username": username, "password": PASSWORD, "next": "/admin/users"})


def test_enrolled_user_needs_the_code_before_any_page(client):
    make_user("ada", Role.ADMIN)
    response = password_step(client, "ada")
    assert response.headers["location"] == "/login/code"
    assert client.get("/admin/users", follow_redirects=False).status_code == 302
    wrong = post_form(client, "/login/code", {"code": "000000"}, token_from="/login/code")
    assert "The code is not correct" in wrong.text
    right = post_form(client, "/login/code", {"code": current_code("ada")}, token_from="/login/code")
    assert right.headers["location"] == "/admin/users"
    assert client.get("/admin/users").status_code == 200


def test_a_code_works_once(client):
    make_user("ada", Role.ADMIN)
    code = current_code("ada")
    password_step(client, "ada")
    post_form(client, "/login/code", {"code": code}, token_from="/login/code")
    client.cookies.clear()
    password_step(client, "ada")
    replay = post_form(client, "/login/code", {"code": code}, token_from="/login/code")
    assert "The code is not correct" in replay.text


@pytest.mark.parametrize("role", [Role.ADMIN, Role.HMIP_MANAGER, Role.HMPPS_MANAGER])
def test_required_roles_must_set_up_an_app_at_first_sign_in(client, role):
    make_user("boss", role, two_factor=False)
    response = password_step(client, "boss")
    assert response.headers["location"] == "/login/set-up-authenticator"
    page = client.get("/login/set-up-authenticator")
    assert "<svg" in page.text
    secret = re.search(r'<code class="app-secret">([A-Z2-7 ]+)</code>', page.text).group(1).replace(" ", "")
    bad = post_form(
        client, "/login/set-up-authenticator", {"code": "12"}, token_from="/login/set-up-authenticator"
    )
    assert "There is a problem" in bad.text
    done = post_form(
        client,
        "/login/set-up-authenticator",
        {"code": pyotp.TOTP(secret).now()},
        token_from="/login/set-up-authenticator",
    )
    assert "Save your recovery codes" in done.text
    codes = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", done.text)
    assert len(codes) == 10
    assert client.get("/").status_code == 200
    assert audit_rows("two_factor.enable")[-1]["object_type"] == "user"

    # A recovery code signs in once.
    client.cookies.clear()
    password_step(client, "boss")
    ok = post_form(client, "/login/code", {"code": codes[0]}, token_from="/login/code")
    assert ok.status_code == 302
    client.cookies.clear()
    password_step(client, "boss")
    again = post_form(client, "/login/code", {"code": codes[0]}, token_from="/login/code")
    assert "The code is not correct" in again.text


def test_other_roles_sign_in_with_a_password_and_may_turn_it_on(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    response = password_step(client, "sam")
    assert response.headers["location"] == "/admin/users"
    page = client.get("/account/two-factor")
    assert "Set up an authenticator app" in page.text
    secret = re.search(r'<code class="app-secret">([A-Z2-7 ]+)</code>', page.text).group(1).replace(" ", "")
    done = post_form(
        client,
        "/login/set-up-authenticator",
        {"code": pyotp.TOTP(secret).now()},
        token_from="/accessibility",
    )
    assert "Save your recovery codes" in done.text
    assert run(AppUser.select(AppUser.totp_enabled_at).where(AppUser.username == "sam").first())[
        "totp_enabled_at"
    ]


def test_too_many_wrong_codes_end_the_attempt(client):
    make_user("ada", Role.ADMIN)
    password_step(client, "ada")
    for _ in range(5):
        post_form(client, "/login/code", {"code": "000000"}, token_from="/login/code")
    response = client.get("/login/code", follow_redirects=False)
    assert response.headers["location"] == "/login"


def test_code_page_without_a_password_step_goes_back_to_sign_in(client):
    assert client.get("/login/code", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/login/set-up-authenticator", follow_redirects=False).headers["location"] == "/login"


def test_sign_in_helper_handles_two_step(client):
    make_user("ada", Role.ADMIN)
    sign_in(client, "ada")
    assert client.get("/admin/users").status_code == 200

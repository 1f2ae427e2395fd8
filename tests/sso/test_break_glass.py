"""With single sign-on in place, LOCAL_SIGN_IN=admins keeps passwords (with two-step) only
for administrators: the break-glass way in when the identity provider is down."""

import pytest

from tests.sso.conftest import provider_settings
from tests.support import audit_rows, make_user, post_form, sign_in
from tracker.roles import Role


@pytest.fixture
def settings(database_url, oidc_provider):
    from tests.support import make_settings

    return make_settings(
        database_url, oidc_providers=(provider_settings(oidc_provider),), local_sign_in="admins"
    )


def test_the_sign_in_page_says_passwords_are_for_administrators(client):
    assert "Administrators: sign in with a username and password" in client.get("/login").text


def test_an_administrator_still_signs_in_with_a_password_and_code(client):
    make_user("ada", Role.ADMIN)

    sign_in(client, "ada")

    assert "Your work" in client.get("/").text


def test_anyone_else_is_sent_to_their_identity_provider(client):
    make_user("ivy", Role.HMIP_INSPECTOR)
    from tests.support import PASSWORD

    response = post_form(client, "/login", {"username": "ivy", "password": PASSWORD, "next": "/"})

    assert response.status_code == 200
    assert "Sign in with Test ID instead: passwords are for administrators only" in response.text
    assert "tracker_session" not in response.headers.get("set-cookie", "")
    assert audit_rows("login")[-1]["outcome"] == "password_not_allowed"


def test_the_setting_is_read_and_checked(monkeypatch):
    from tracker.settings import load_settings

    monkeypatch.setenv("LOCAL_SIGN_IN", "admins")
    assert load_settings().local_sign_in == "admins"
    monkeypatch.setenv("LOCAL_SIGN_IN", "nobody")
    with pytest.raises(RuntimeError):
        load_settings()

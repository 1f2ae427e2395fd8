"""K8, K11, K12: no one signs in as someone else, user creation is all or nothing, API tokens
are named, listed, revocable one by one and expire."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from click.testing import CliRunner

from tests.support import (
    PASSWORD,
    api_token,
    audit_rows,
    make_establishment,
    make_user,
    post_form,
    run,
    sign_in,
)
from tracker.clock import now_utc
from tracker.roles import Role

NEW_PASSWORD = "a brand new passphrase 42"
LINK = re.compile(r"/set-password/([A-Za-z0-9_-]{20,})")


def new_client(app):
    from litestar.testing import TestClient

    return TestClient(app=app, base_url="http://testserver.local")


def admin_creates(client, username: str, **fields) -> str:
    """The admin adds a user, then makes their link; returns the page that shows it."""
    data = {"username": username, "display_name": username.title(), "roles": "hmip_inspector", **fields}
    created = post_form(client, "/admin/users/new", data, token_from="/admin/users/new")
    assert created.headers["location"] == f"/admin/users?done=created:{username}"
    listing = client.get(created.headers["location"]).text
    action = re.search(r'action="(/admin/users/\d+/password-link)"', listing).group(1)
    page = post_form(client, action, token_from="/admin/users")
    assert page.status_code == 200
    return page.text


def set_password_with_link(client, link: str, first: str, second: str | None = None):
    return post_form(client, link, {"password": first, "password_confirm": second or first}, token_from=link)


# -- K8 (a): the admin never chooses a password; the new user sets theirs through a link ----------


def test_admin_cannot_choose_a_password_and_the_link_works_once(app, client):
    est = make_establishment("HMP Leeds")
    make_user("ada", Role.ADMIN)
    sign_in(client, "ada")
    form = client.get("/admin/users/new").text
    assert 'name="password"' not in form

    page = admin_creates(client, "liaison", roles="establishment", establishments=str(est))
    link = LINK.search(page).group(0)
    assert "liaison" in page and "72 hours" in page
    assert audit_rows("user.create")[-1]["actor"] == "ada"

    # Until the link is used there is no password anyone could know, not even the stand-in hash's.
    with new_client(app) as them:
        for guess in ("", "not-a-real-password-at-all", PASSWORD):
            refused = post_form(them, "/login", {"username": "liaison", "password": guess or "x"})
            assert refused.status_code == 200

        page = them.get(link)
        assert page.status_code == 200 and "liaison" in page.text
        mismatch = set_password_with_link(them, link, NEW_PASSWORD, "something else entirely")
        assert "There is a problem" in mismatch.text
        assert "Passwords do not match" in mismatch.text
        too_easy = set_password_with_link(them, link, "password1234")
        assert "too easy to guess" in too_easy.text
        done = set_password_with_link(them, link, NEW_PASSWORD)
        assert done.headers["location"] == "/password-set"
        assert "Your password is set" in them.get("/password-set").text
        sign_in(them, "liaison", NEW_PASSWORD)
        assert them.get("/").status_code == 200
    assert audit_rows("user.password_set")[-1]["actor"] == "liaison"

    # Used once: the admin, holding the link, can no longer set a password with it.
    with new_client(app) as admin_again:
        assert admin_again.get(link).status_code == 404
        replay = set_password_with_link(admin_again, link, "the admin's own choice 99")
        assert replay.status_code == 404
        refused = post_form(
            admin_again, "/login", {"username": "liaison", "password": "the admin's own choice 99"}
        )
        assert "Enter a correct username and password" in refused.text


def test_an_expired_link_is_refused(app, client):
    from tracker.tables import PasswordLink
    from tracker.users import invite_user, new_password_link

    token = run(new_password_link(run(invite_user("late", "Late Comer", [Role.HMIP_INSPECTOR]))))
    run(
        PasswordLink.update({PasswordLink.expires_at: now_utc() - timedelta(minutes=1)}).where(
            PasswordLink.id > 0
        )
    )
    link = f"/set-password/{token}"
    assert client.get(link).status_code == 404
    # A POST needs a CSRF token from any page; the link's own page is refused.
    refused = post_form(client, link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert refused.status_code == 404
    assert (
        "Enter a correct" in post_form(client, "/login", {"username": "late", "password": NEW_PASSWORD}).text
    )


def test_a_new_link_replaces_the_old_one(app, client):
    from tracker.users import invite_user, new_password_link

    user_id = run(invite_user("late", "Late Comer", [Role.HMIP_INSPECTOR]))
    first = run(new_password_link(user_id))
    second = run(new_password_link(user_id))
    assert client.get(f"/set-password/{first}").status_code == 404
    assert client.get(f"/set-password/{second}").status_code == 200


def test_cli_user_create_prints_a_link_not_a_password(db, database_url):
    from tracker.cli import main

    make_establishment("HMP Leeds")
    result = CliRunner().invoke(
        main,
        [
            "user",
            "create",
            "gill",
            "--name",
            "Gill G",
            "--role",
            "establishment",
            "--establishment",
            "HMP Leeds",
        ],
        env={"DATABASE_URL": database_url, "TRACKER_ENV": "local"},
    )
    assert result.exit_code == 0, result.output
    assert LINK.search(result.output)
    assert "Password" not in result.output


def test_cli_temporary_password_is_local_only(db, database_url):
    from tracker.cli import main

    args = ["user", "create", "tess", "--name", "Tess T", "--role", "hmip_inspector", "--password"]
    refused = CliRunner().invoke(
        main,
        args,
        input=f"{PASSWORD}\n{PASSWORD}\n",
        env={"DATABASE_URL": database_url, "TRACKER_ENV": "production", "SECRET_KEY": "x" * 40},
    )
    assert refused.exit_code != 0
    assert "local" in refused.output
    ok = CliRunner().invoke(
        main,
        args,
        input=f"{PASSWORD}\n{PASSWORD}\n",
        env={"DATABASE_URL": database_url, "TRACKER_ENV": "local"},
    )
    assert ok.exit_code == 0, ok.output
    assert "must change the temporary password" in ok.output


# -- K8 (b): a temporary password must be changed at the first sign-in -----------------------------


def test_a_temporary_password_must_be_changed_before_anything_else(client):
    from tracker.users import create_user

    run(create_user("tess", "Tess T", PASSWORD, [Role.HMIP_INSPECTOR], temporary=True))
    first = post_form(client, "/login", {"username": "tess", "password": PASSWORD, "next": "/inspections"})
    assert first.headers["location"] == "/login/new-password"
    assert client.get("/", follow_redirects=False).status_code == 302  # not signed in yet
    assert client.get("/api/v1/me").status_code == 401

    page = client.get("/login/new-password")
    assert "Create a new password" in page.text
    same = post_form(
        client,
        "/login/new-password",
        {"password": PASSWORD, "password_confirm": PASSWORD},
        token_from="/login/new-password",
    )
    assert "different from your temporary password" in same.text
    done = post_form(
        client,
        "/login/new-password",
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        token_from="/login/new-password",
    )
    assert done.headers["location"] == "/inspections"
    assert client.get("/").status_code == 200

    client.cookies.clear()
    assert sign_in(client, "tess", NEW_PASSWORD).headers["location"] == "/"
    assert "Enter a correct" in post_form(client, "/login", {"username": "tess", "password": PASSWORD}).text


# -- K8 (c): everyone can change their own password -----------------------------------------------


def test_changing_your_own_password_ends_your_other_sessions(app, client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    with new_client(app) as elsewhere:
        sign_in(elsewhere, "sam")
        assert elsewhere.get("/").status_code == 200

        wrong = post_form(
            client,
            "/account/password",
            {"current_password": "not my password", "password": "short", "password_confirm": "other"},
            token_from="/account/password",
        )
        assert "Your current password is not correct" in wrong.text
        assert "12 characters or more" in wrong.text
        assert 'href="#current_password"' in wrong.text and 'href="#password"' in wrong.text
        assert elsewhere.get("/").status_code == 200

        ok = post_form(
            client,
            "/account/password",
            {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
            token_from="/account/password",
        )
        assert ok.status_code == 302
        assert "Your password has been changed" in client.get(ok.headers["location"]).text
        assert elsewhere.get("/", follow_redirects=False).status_code == 302
    assert client.get("/").status_code == 200
    assert audit_rows("user.password_change")[-1]["actor"] == "sam"
    client.cookies.clear()
    assert "Enter a correct" in post_form(client, "/login", {"username": "sam", "password": PASSWORD}).text
    sign_in(client, "sam", NEW_PASSWORD)


def test_guessing_the_current_password_stops_after_five_tries(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    change = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    for guess in range(5):
        wrong = post_form(
            client,
            "/account/password",
            {"current_password": f"guess number {guess}", **change},
            token_from="/account/password",
        )
        assert "Your current password is not correct" in wrong.text
    right = post_form(
        client, "/account/password", {"current_password": PASSWORD, **change}, token_from="/account/password"
    )
    assert "too many times" in right.text
    client.cookies.clear()
    sign_in(client, "sam", PASSWORD)  # unchanged


# -- K8 (d): in production, two-step sign-in for every role that reads the debrief note -----------

NOTE_READING_ROLES = [
    Role.HMIP_TEAM_LEADER,
    Role.HMIP_INSPECTOR,
    Role.HMIP_MANAGER,
    Role.HMPPS_SCRUTINY,
    Role.HMPPS_MANAGER,
    Role.ESTABLISHMENT,
]


@pytest.fixture
def production_client(db, settings):
    from litestar.testing import TestClient

    from tracker.app import create_app

    app = create_app(replace(settings, environment="production"), engine=db)
    with TestClient(app=app, base_url="http://testserver.local") as client:
        yield client


@pytest.mark.parametrize("role", [*NOTE_READING_ROLES, Role.ADMIN])
def test_production_requires_two_step_sign_in_for_every_note_reader(production_client, role):
    est = make_establishment("HMP Leeds")
    make_user("someone", role, establishment_ids=[est], two_factor=False)
    response = post_form(production_client, "/login", {"username": "someone", "password": PASSWORD})
    assert response.headers["location"] == "/login/set-up-authenticator"
    assert production_client.get("/", follow_redirects=False).status_code == 302


def test_local_mode_keeps_two_step_sign_in_for_admins_and_managers_only(client):
    make_user("ina", Role.HMIP_INSPECTOR, two_factor=False)
    assert post_form(client, "/login", {"username": "ina", "password": PASSWORD}).headers["location"] == "/"


# -- K11: creating a user is all or nothing ----------------------------------------------------


def test_an_unknown_establishment_makes_no_user(db):
    from tracker.users import UserError, create_user, user_id_for

    with pytest.raises(UserError, match="establishment"):
        run(create_user("gov", "Gov", PASSWORD, [Role.ESTABLISHMENT], establishment_ids=[987654]))
    assert run(user_id_for("gov")) is None
    from tracker.users import invite_user

    with pytest.raises(UserError, match="establishment"):
        run(invite_user("gov", "Gov", [Role.ESTABLISHMENT], establishment_ids=[987654]))
    assert run(user_id_for("gov")) is None


def test_admin_form_with_an_unknown_establishment_shows_an_error_and_makes_no_user(client):
    from tracker.users import user_id_for

    make_user("ada", Role.ADMIN)
    sign_in(client, "ada")
    response = post_form(
        client,
        "/admin/users/new",
        {"username": "gov", "display_name": "Gov", "roles": "establishment", "establishments": "987654"},
        token_from="/admin/users/new",
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text and 'href="#establishments"' in response.text
    too_big = post_form(
        client,
        "/admin/users/new",
        {"username": "gov", "display_name": "Gov", "roles": "establishment", "establishments": "9" * 30},
        token_from="/admin/users/new",
    )
    assert too_big.status_code == 200 and "Choose establishments from the list" in too_big.text
    assert run(user_id_for("gov")) is None


def test_cli_with_an_unknown_establishment_makes_no_user(db, database_url):
    from tracker.cli import main
    from tracker.users import user_id_for

    result = CliRunner().invoke(
        main,
        [
            "user",
            "create",
            "gov",
            "--name",
            "Gov",
            "--role",
            "establishment",
            "--establishment",
            "HMP Nowhere",
        ],
        env={"DATABASE_URL": database_url, "TRACKER_ENV": "local"},
    )
    assert result.exit_code != 0 and "HMP Nowhere" in result.output
    assert run(user_id_for("gov")) is None


# -- K12: API tokens are named, listed, expire and are revoked one by one ---------------------


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_an_expired_token_is_refused(client):
    from tracker.sessions import create_api_token
    from tracker.tables import ApiToken
    from tracker.users import user_id_for

    make_user("sam", Role.HMPPS_SCRUTINY)
    token = run(create_api_token(run(user_id_for("sam")), "laptop", days=1))
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    run(ApiToken.update({ApiToken.expires_at: now_utc() - timedelta(seconds=1)}).where(ApiToken.id > 0))
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_tokens_are_listed_and_revoked_one_by_one(app, client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    make_user("other", Role.HMPPS_SCRUTINY)
    first, second = api_token("sam"), api_token("sam")
    theirs = api_token("other")
    assert client.get("/api/v1/me", headers=bearer(first)).status_code == 200  # a new one kept the old

    sign_in(client, "sam")
    listing = client.get("/account/tokens").text
    assert listing.count("Revoke") == 2 and first not in listing
    assert "Expires" in listing and "Last used" in listing
    ids = re.findall(r'action="/account/tokens/(\d+)/revoke"', listing)
    revoked = post_form(client, f"/account/tokens/{ids[0]}/revoke", token_from="/account/tokens")
    assert revoked.status_code == 302
    statuses = sorted(client.get("/api/v1/me", headers=bearer(t)).status_code for t in (first, second))
    assert statuses == [200, 401]
    assert audit_rows("api_token.revoke")[-1]["actor"] == "sam"

    # Another user's token is not theirs to revoke.
    from tracker.tables import ApiToken

    other_id = run(
        ApiToken.select(ApiToken.id)
        .where(ApiToken.label == "test")
        .order_by(ApiToken.id, ascending=False)
        .first()
    )["id"]
    assert (
        post_form(client, f"/account/tokens/{other_id}/revoke", token_from="/account/tokens").status_code
        == 404
    )
    assert client.get("/api/v1/me", headers=bearer(theirs)).status_code == 200


def test_an_admin_revokes_anyones_token(client):
    from tracker.users import user_id_for

    make_user("ada", Role.ADMIN)
    make_user("sam", Role.HMPPS_SCRUTINY)
    token = api_token("sam")
    sign_in(client, "ada")
    page = client.get(f"/admin/users/{run(user_id_for('sam'))}/tokens").text
    token_id = re.search(r'action="/admin/users/\d+/tokens/(\d+)/revoke"', page).group(1)
    sam = run(user_id_for("sam"))
    done = post_form(client, f"/admin/users/{sam}/tokens/{token_id}/revoke", token_from="/admin/users")
    assert done.status_code == 302
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_cli_token_has_a_name_and_an_expiry(db, database_url):
    from tracker.cli import main
    from tracker.tables import ApiToken

    make_user("sam", Role.HMPPS_SCRUTINY)
    result = CliRunner().invoke(
        main,
        ["user", "token", "sam", "--name", "reporting script", "--days", "30"],
        env={"DATABASE_URL": database_url},
    )
    assert result.exit_code == 0, result.output
    row = run(ApiToken.select().first())
    assert row["label"] == "reporting script"
    assert timedelta(days=29) < row["expires_at"] - now_utc() <= timedelta(days=30)

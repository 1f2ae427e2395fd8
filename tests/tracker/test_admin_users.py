"""Issue 16, administration: adding a user shows every error at once; users are edited and
reactivated; an administrator is never offered, and never allowed, to deactivate themself, and the
last active administrator cannot be removed."""

from __future__ import annotations

import re

import pytest

from tests.support import audit_rows, make_establishment, make_user, post_form, principal_of, run, sign_in
from tracker.roles import Role


def user_row(username: str) -> dict:
    from tracker.tables import AppUser

    return run(AppUser.select().where(AppUser.username == username).first())


def roles_of(username: str) -> set[str]:
    from tracker.tables import UserRole

    return {r["role"] for r in run(UserRole.select(UserRole.role).where(UserRole.user.username == username))}


@pytest.fixture
def admin(client):
    user_id = make_user("ada", Role.ADMIN)
    sign_in(client, "ada")
    return user_id


def test_adding_a_user_shows_every_error_at_once_and_keeps_what_was_typed(client, admin):
    response = post_form(
        client,
        "/admin/users/new",
        {"username": "Test User", "display_name": "", "email": "not-an-email"},
        token_from="/admin/users/new",
    )
    assert response.status_code == 200
    page = response.text
    summary = page.split('govuk-error-summary__list"')[1].split("</ul>")[0]
    for field in ("username", "display_name", "email", "roles"):
        assert f'href="#{field}"' in summary, field
    assert "letters a to z, numbers, full stops, hyphens and underscores" in page
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert 'value="Test User"' in page and 'value="not-an-email"' in page
    assert user_row("test user") is None and user_row("test.user") is None


def test_a_good_user_is_added_with_their_email(client, admin):
    response = post_form(
        client,
        "/admin/users/new",
        {
            "username": "Jane.Smith",
            "display_name": "Jane Smith",
            "email": "jane@example.gov.uk",
            "roles": "hmip_inspector",
        },
        token_from="/admin/users/new",
    )
    assert response.headers["location"] == "/admin/users?done=created:jane.smith"
    assert user_row("jane.smith")["email"] == "jane@example.gov.uk"
    assert audit_rows("user.create")[-1]["actor"] == "ada"


def test_an_admin_edits_a_users_name_email_roles_and_establishments(client, admin):
    leeds = make_establishment("HMP Leeds", code="LEE")
    hull = make_establishment("HMP Hull", code="HUL")
    gov = make_user("gov", Role.ESTABLISHMENT, establishment_ids=[leeds])
    listing = client.get("/admin/users").text
    assert f'href="/admin/users/{gov}/edit"' in listing

    form = client.get(f"/admin/users/{gov}/edit").text
    assert 'value="Gov"' in form and re.search(rf'value="{leeds}"\s+checked', form)

    bad = post_form(
        client,
        f"/admin/users/{gov}/edit",
        {"display_name": "", "email": "nope", "roles": "establishment"},
        token_from=f"/admin/users/{gov}/edit",
    )
    assert bad.status_code == 200
    for field in ("display_name", "email", "establishments"):
        assert f'href="#{field}"' in bad.text, field

    done = post_form(
        client,
        f"/admin/users/{gov}/edit",
        {
            "display_name": "Grace Governor",
            "email": "grace@example.gov.uk",
            "roles": ["establishment", "hmpps_manager"],
            "establishments": str(hull),
        },
        token_from=f"/admin/users/{gov}/edit",
        follow_redirects=True,
    )
    assert "Grace Governor’s details have been changed" in done.text
    row = user_row("gov")
    assert (row["display_name"], row["email"]) == ("Grace Governor", "grace@example.gov.uk")
    assert roles_of("gov") == {"establishment", "hmpps_manager"}
    assert principal_of("gov").establishment_ids == {hull}
    assert audit_rows("user.update")[-1]["object_id"] == str(gov)


def test_the_admin_is_not_offered_and_cannot_deactivate_themself(client, admin):
    other = make_user("bob", Role.HMIP_INSPECTOR)
    listing = client.get("/admin/users").text
    assert f'href="/admin/users/{other}/deactivate"' in listing
    assert f'href="/admin/users/{admin}/deactivate"' not in listing

    assert client.get(f"/admin/users/{admin}/deactivate").status_code == 403
    refused = post_form(client, f"/admin/users/{admin}/deactivate", token_from="/admin/users")
    assert refused.status_code == 403
    assert user_row("ada")["active"] is True
    assert audit_rows("denied")[-1]["detail"] == "user.deactivate"


def test_the_last_active_admin_keeps_the_role(client, admin):
    page = post_form(
        client,
        f"/admin/users/{admin}/edit",
        {"display_name": "Ada", "roles": "hmip_manager"},
        token_from=f"/admin/users/{admin}/edit",
    )
    assert page.status_code == 200
    assert "the only active administrator" in page.text
    assert "admin" in roles_of("ada")


def test_the_last_active_admin_cannot_be_deactivated_by_a_command(db, database_url):
    from click.testing import CliRunner

    from tracker.cli import main

    make_user("ada", Role.ADMIN)
    make_user("bob", Role.HMIP_INSPECTOR)
    env = {"DATABASE_URL": database_url, "TRACKER_ENV": "local"}
    refused = CliRunner().invoke(main, ["user", "deactivate", "ada"], env=env)
    assert refused.exit_code != 0 and "only active administrator" in refused.output
    assert user_row("ada")["active"] is True
    done = CliRunner().invoke(main, ["user", "deactivate", "bob"], env=env)
    assert done.exit_code == 0, done.output
    assert user_row("bob")["active"] is False
    assert audit_rows("user.deactivate")[-1]["actor"] == "cli"


def test_deactivation_is_checked_first_confirmed_after_and_undone_by_reactivation(client, admin):
    bob = make_user("bob", Role.HMIP_INSPECTOR, email="bob@example.gov.uk")
    check = client.get(f"/admin/users/{bob}/deactivate").text
    assert "govuk-summary-list" in check and "HMIP inspector" in check and "bob@example.gov.uk" in check

    done = post_form(client, f"/admin/users/{bob}/deactivate", token_from=f"/admin/users/{bob}/deactivate")
    listing = client.get(done.headers["location"]).text
    assert "Bob has been deactivated" in listing
    assert user_row("bob")["active"] is False
    assert f'href="/admin/users/{bob}/deactivate"' not in listing
    assert f'href="/admin/users/{bob}/reactivate"' in listing

    assert "Reactivate Bob" in client.get(f"/admin/users/{bob}/reactivate").text
    back = post_form(client, f"/admin/users/{bob}/reactivate", token_from=f"/admin/users/{bob}/reactivate")
    assert "Bob has been reactivated" in client.get(back.headers["location"]).text
    assert user_row("bob")["active"] is True
    assert [r["action"] for r in audit_rows() if r["object_id"] == str(bob)][-2:] == [
        "user.deactivate",
        "user.reactivate",
    ]
    # Reactivating an active user is not offered, and refused.
    assert client.get(f"/admin/users/{bob}/reactivate").status_code == 403

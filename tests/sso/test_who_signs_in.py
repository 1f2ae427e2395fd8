"""Who a verified person is here, when the provider does not provision and roles are kept in the
tracker: a linked user with the roles an administrator gave, or a clear refusal."""

from __future__ import annotations

import httpx
import pytest

from tests.sso.conftest import NAME, provider_settings, through_provider
from tests.support import audit_rows, make_user, run
from tracker.roles import Role
from tracker.sso.accounts import link
from tracker.tables import AppUser
from tracker.users import deactivate_user


@pytest.fixture
def settings(database_url, oidc_provider):
    from tests.support import make_settings

    linked_only = provider_settings(oidc_provider, provision=False, roles_claim="")
    return make_settings(database_url, oidc_providers=(linked_only,))


@pytest.fixture
def http(live_server):
    with httpx.Client(follow_redirects=False, timeout=20) as client:
        yield client


def test_a_person_nobody_linked_is_refused_and_no_user_is_made(http, live_server):
    users_before = run(AppUser.count())

    response = http.get(through_provider(http, live_server.url, "ada"))

    assert response.status_code == 403
    assert "You do not have an account for this service" in response.text
    assert run(AppUser.count()) == users_before
    assert audit_rows("login.sso")[-1]["outcome"] == "refused"


def test_a_linked_user_signs_in_with_the_roles_given_in_the_tracker(http, live_server):
    user_id = make_user("sam", Role.HMPPS_SCRUTINY)
    run(link(NAME, "ada", user_id))  # the provider's subject for this person

    response = http.get(through_provider(http, live_server.url, "ada"))

    assert response.status_code == 302, audit_rows("login.sso")
    home = http.get(f"{live_server.url}/").text
    assert "HMPPS Scrutiny Team" in home
    assert audit_rows("login")[-1]["actor"] == "sam"


def test_a_deactivated_user_is_refused(http, live_server):
    user_id = make_user("sam", Role.HMPPS_SCRUTINY)
    run(link(NAME, "ada", user_id))
    run(deactivate_user(user_id))

    response = http.get(through_provider(http, live_server.url, "ada"))

    assert response.status_code == 403
    assert "Your account has been deactivated" in response.text


def test_a_provider_that_cannot_be_reached_is_reported(database_url, oidc_provider):
    """Its discovery document does not answer: the person is told, nothing else happens."""
    from litestar.testing import TestClient

    from tests.support import free_port, make_settings
    from tracker.app import create_app
    from tracker.db import engine_from_url

    away = provider_settings(f"http://127.0.0.1:{free_port()}", name="away", label="Away ID")
    settings = make_settings(database_url, oidc_providers=(away,))
    with TestClient(
        create_app(settings, engine=engine_from_url(database_url)), base_url="http://testserver.local"
    ) as client:
        response = client.get("/login/sso/away", follow_redirects=False)
    assert response.status_code == 502
    assert "Away ID is not available" in response.text

"""Deny by default, the role matrix for the shell's routes, anonymous and API access."""

import pytest
from litestar.handlers import HTTPRouteHandler

from tests.support import make_user, post_form, sign_in
from tracker.access import ACCESS_KEY
from tracker.roles import Role


def all_route_handlers(app):
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            # Litestar adds an OPTIONS handler per path; the guard refuses it (no rule), tested below.
            if isinstance(handler, HTTPRouteHandler) and handler.http_methods != {"OPTIONS"}:
                yield route.path, handler


def test_every_route_declares_an_access_rule(app):
    missing = [path for path, handler in all_route_handlers(app) if handler.opt.get(ACCESS_KEY) is None]
    assert missing == []


def test_automatic_options_handlers_reveal_nothing(client):
    response = client.options("/admin/users")
    assert response.status_code in (401, 403)
    assert "access-control-allow-origin" not in response.headers


def test_a_route_without_a_rule_is_refused(db, settings):
    from litestar import get
    from litestar.testing import TestClient

    from tracker.app import create_app

    @get("/no-rule")
    async def no_rule() -> str:
        return "should never be served"

    app = create_app(settings, engine=db)
    app.register(no_rule)
    make_user("boss", Role.HMIP_MANAGER)
    with TestClient(app=app) as client:
        sign_in(client, "boss")
        response = client.get("/no-rule")
        assert response.status_code == 403
        assert "should never be served" not in response.text


def test_anonymous_page_redirects_to_sign_in_with_next(client):
    response = client.get("/admin/users?x=1", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/login?next=/admin/users%3Fx%3D1"


def test_anonymous_htmx_request_gets_401_with_redirect_header(client):
    response = client.get("/admin/users", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 401
    assert response.headers["hx-redirect"].startswith("/login")


SHELL_ROUTES = [("GET", "/admin/users"), ("GET", "/admin/users/new"), ("GET", "/admin/audit")]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("method, path", SHELL_ROUTES)
def test_admin_routes_are_for_admins_only(client, role, method, path):
    from tests.support import make_establishment

    est = make_establishment("HMP Example")
    make_user("someone", role, establishment_ids=[est] if role == Role.ESTABLISHMENT else [])
    sign_in(client, "someone")
    response = client.request(method, path)
    assert response.status_code == (200 if role == Role.ADMIN else 403)


@pytest.mark.parametrize("role", list(Role))
def test_home_page_for_every_role(client, role):
    from tests.support import make_establishment

    est = make_establishment("HMP Example")
    make_user("someone", role, establishment_ids=[est] if role == Role.ESTABLISHMENT else [])
    sign_in(client, "someone")
    page = client.get("/")
    assert page.status_code == 200
    assert role.label in page.text
    assert ("Administration" in page.text) == (role == Role.ADMIN)


def test_denied_request_is_audited(client):
    from tests.support import audit_rows

    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    client.get("/admin/users")
    denial = audit_rows("denied")[-1]
    assert denial["actor"] == "sam" and denial["object_id"] == "/admin/users"


def test_api_reads_with_session_or_token_and_writes_need_a_token(client, run):
    from tracker.sessions import create_api_token
    from tracker.users import user_id_for

    make_user("sam", Role.HMPPS_SCRUTINY)
    assert client.get("/api/v1/me").status_code == 401
    sign_in(client, "sam")
    assert client.get("/api/v1/me").json()["username"] == "sam"
    token = run(create_api_token(run(user_id_for("sam"))))
    client.cookies.clear()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["roles"] == ["hmpps_scrutiny"]
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"}).status_code == 401


def test_openapi_schema_needs_sign_in(client):
    assert client.get("/api/v1/schema/openapi.json").status_code == 401
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    assert client.get("/api/v1/schema/openapi.json").json()["info"]["title"] == "Inspection tracker API"
    assert client.get("/schema").status_code == 404


def test_admin_creates_an_establishment_user_and_deactivates_a_leaver(client):
    from tests.support import audit_rows, make_establishment

    est = make_establishment("HMP Example")
    make_user("ada", Role.ADMIN)
    sign_in(client, "ada")
    bad = post_form(
        client,
        "/admin/users/new",
        {"username": "liaison", "display_name": "Lia Son", "roles": "establishment"},
    )
    assert "Choose the establishment" in bad.text
    assert 'value="liaison"' in bad.text
    ok = post_form(
        client,
        "/admin/users/new",
        {
            "username": "liaison",
            "display_name": "Lia Son",
            "roles": "establishment",
            "establishments": str(est),
        },
    )
    assert ok.status_code == 302
    listing = client.get(ok.headers["location"])
    assert "User liaison created" in listing.text
    assert audit_rows("user.create")[-1]["actor"] == "ada"


def _concrete(path: str) -> str:
    import re

    return re.sub(r"\{[^}:]+(:[^}]+)?\}", "1", path)


UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def test_every_unsafe_page_route_needs_a_csrf_token(app, client):
    """Enumerated from the app: a form post without the token is refused before any work."""
    make_user("ada", Role.ADMIN)
    sign_in(client, "ada")
    checked = 0
    for path, handler in all_route_handlers(app):
        if path.startswith("/api/"):
            continue
        for method in handler.http_methods & UNSAFE:
            response = client.request(method, _concrete(path), data={"anything": "x"})
            assert response.status_code == 403, (method, path, response.status_code)
            checked += 1
    assert checked >= 3


def test_trace_is_refused(client):
    assert client.request("TRACE", "/login").status_code in (404, 405)


def test_navigation_marks_only_the_closest_section_active():
    from tracker.navigation import NavItem, _longest_match

    items = [
        NavItem("Programme", "/programme", frozenset()),
        NavItem("Import", "/programme/import", frozenset()),
    ]
    assert _longest_match(items, "/programme/import").label == "Import"
    assert _longest_match(items, "/programme").label == "Programme"
    assert _longest_match(items, "/programmes") is None

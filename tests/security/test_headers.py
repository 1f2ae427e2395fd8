"""D3: the security headers on responses of every status (200, 302, 400, 401, 403, 404, 405, 409,
413, 500), static files and HEAD included; no-store and Vary on signed-in pages; no CORS."""

from __future__ import annotations

import pytest

from tests.security.world import build_world
from tests.support import make_user, post_form, sign_in
from tracker.roles import Role

HEADERS = {
    "content-security-policy": "frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "",
    "x-frame-options": "",
}


def check(response, status: int) -> None:
    assert response.status_code == status, response.text[:500]
    for name, contains in HEADERS.items():
        assert name in response.headers, f"{status}: no {name}"
        assert contains in response.headers[name]
    csp = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "access-control-allow-origin" not in response.headers


def test_headers_on_every_status(db, settings):
    from litestar import get
    from litestar.testing import TestClient

    from tracker.access import public
    from tracker.app import create_app

    @get("/boom-d3", opt=public())
    async def boom() -> str:
        raise RuntimeError("boom")

    app = create_app(settings, engine=db)
    app.register(boom)
    world = build_world()
    with TestClient(app=app, base_url="http://testserver.local", raise_server_exceptions=False) as client:
        check(client.get("/login"), 200)
        check(client.get("/static/app.css"), 200)
        check(client.head("/static/app.css"), 200)
        check(client.get("/", follow_redirects=False), 302)
        check(client.get("/login", headers={"Host": "evil.example"}), 400)
        check(client.get("/", headers={"HX-Request": "true"}, follow_redirects=False), 401)
        check(client.post("/login", data={"username": "x"}), 403)  # no CSRF token
        check(client.get("/boom-d3"), 500)
        sign_in(client, "governora")
        check(client.get("/admin/users"), 403)
        check(client.get(f"/inspections/{world.b.ids['inspection_id'][0]}"), 404)
        check(client.get("/no-such-page"), 404)
        check(client.get("/static/no-such-file.css"), 404)
        check(client.delete("/login"), 405)
        big = b"x" * (settings.upload_limit_mb * 1024 * 1024 + 1)
        plan = world.a.first("plan_id")
        response = client.post(
            f"/action-plans/{plan}/files",
            data={"_csrf_token": _token(client)},
            files={"file": ("big.pdf", big, "application/pdf")},
        )
        check(response, 413)
        page = client.get("/")
        assert page.headers["cache-control"] == "no-store" and "HX-Request" in page.headers["vary"]
        client.cookies.clear()
        sign_in(client, "hmipmanager")
        edit = f"/establishments/{world.a.establishment}/edit"
        stale = {"name": world.a.name, "code": "ALP", "kind": "prison", "cohort": "adult"}
        stale |= {"operator": "public", "prison_group": "Yorkshire", "region": "X", "version": "0"}
        check(post_form(client, edit, stale), 409)


def _token(client) -> str:
    from tests.support import csrf_token

    return csrf_token(client)


@pytest.mark.parametrize("target", ["/login?next=//evil.example", "/login?next=https://evil.example/x"])
def test_next_goes_only_to_in_app_paths(client, target):
    make_user("sam", Role.HMPPS_SCRUTINY)
    from tests.support import PASSWORD

    response = post_form(
        client, target, {"username": "sam", "password": PASSWORD, "next": target.split("=", 1)[1]}
    )
    assert response.status_code == 302
    assert response.headers["location"].startswith("/") and not response.headers["location"].startswith("//")

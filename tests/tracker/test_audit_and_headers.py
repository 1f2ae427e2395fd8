"""The audit log is append-only in the database; every response carries the security headers."""

import pytest

from tests.support import audit_rows, make_user, run, sign_in
from tracker.roles import Role
from tracker.tables import AuditEvent


def test_sign_in_is_audited_with_time_actor_request_and_address(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    row = audit_rows("login", outcome="success")[-1]
    assert row["actor"] == "sam" and row["roles"] == "hmpps_scrutiny"
    assert row["request_id"] and row["client_address"]
    assert row["at"].tzinfo is not None


def test_audit_rows_cannot_be_changed_or_deleted(client):
    """SQLite's triggers refuse; on PostgreSQL the app's role is not even allowed to try."""
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    with pytest.raises(Exception, match="append-only|permission denied"):
        run(AuditEvent.update({AuditEvent.actor: "someone-else"}).where(AuditEvent.actor == "sam"))
    with pytest.raises(Exception, match="append-only|permission denied"):
        run(AuditEvent.delete().where(AuditEvent.actor == "sam"))
    assert audit_rows("login")[-1]["actor"] == "sam"


def test_admin_searches_the_audit_log(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    make_user("ada", Role.ADMIN)
    sign_in(client, "sam")
    client.cookies.clear()
    sign_in(client, "ada")
    page = client.get("/admin/audit?person=sam&action=login")
    assert "1 entry" in page.text
    assert "sam" in page.text


SECURITY_HEADERS = ["content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options"]


@pytest.mark.parametrize("path, status", [("/login", 200), ("/no-such-page", 404), ("/static/app.css", 200)])
def test_security_headers_on_every_kind_of_response(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    for header in SECURITY_HEADERS:
        assert header in response.headers, header
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_pages_are_not_cached_and_vary_on_htmx(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    response = client.get("/")
    assert response.headers["cache-control"] == "no-store"
    assert "HX-Request" in response.headers["vary"]
    assert "OFFICIAL-SENSITIVE" in response.text


def test_foreign_host_is_refused(client):
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400


def test_post_without_csrf_token_is_refused(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    response = client.post("/login", data={"username": "sam", "password": "x" * 12})
    assert response.status_code == 403


def test_error_page_has_a_reference_and_no_traceback(db, settings, log_lines):
    from litestar import get
    from litestar.testing import TestClient

    from tracker.access import public
    from tracker.app import create_app

    @get("/boom", opt=public())
    async def boom() -> str:
        raise RuntimeError("secret internal detail /etc/passwd")

    app = create_app(settings, engine=db)
    app.register(boom)
    with TestClient(app=app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "secret internal detail" not in response.text and "Traceback" not in response.text
    reference = response.headers["x-request-id"]
    assert f"quote reference <strong>{reference}</strong>" in response.text
    [error] = [line for line in log_lines() if line["level"] == "error"]
    assert error["request_id"] == reference and "RuntimeError" in error["exception"]


def test_a_request_over_the_upload_limit_gets_a_govuk_message(db, database_url):
    from litestar.testing import TestClient

    from tests.support import make_settings
    from tracker.app import create_app

    app = create_app(make_settings(database_url, upload_limit_mb=1), engine=db)
    with TestClient(app=app, base_url="http://testserver.local") as client:
        response = client.post(
            "/login",
            content=b"x" * (2 * 1024 * 1024),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 413
    assert "The selected file must be smaller than 1 MB" in response.text

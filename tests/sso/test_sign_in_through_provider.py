"""Signing in through a real OpenID provider over HTTP: the whole round trip, and the answers the
app must refuse (another browser's state, a replayed nonce, a code used twice)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from tests.sso.conftest import NAME, through_provider
from tests.support import audit_rows, make_establishment, principal_of, run
from tracker.roles import Role


@pytest.fixture
def http(live_server):
    with httpx.Client(follow_redirects=False, timeout=20) as client:
        yield client


def _with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def _roles_of(username: str) -> set[str]:
    from tracker.tables import AppUser, UserRole

    user = run(AppUser.select(AppUser.id).where(AppUser.username == username).first())
    return {r["role"] for r in run(UserRole.select(UserRole.role).where(UserRole.user == user["id"]))}


def test_the_sign_in_page_offers_each_provider(client):
    page = client.get("/login")
    assert "Sign in with Test ID" in page.text
    assert f'href="/login/sso/{NAME}?next=/"' in page.text
    assert "Or sign in with a username and password" in page.text


def _session_set_by(response) -> str:
    cookie = response.headers.get("set-cookie", "")
    assert "tracker_session=" in cookie, cookie
    return cookie.split("tracker_session=", 1)[1].split(";", 1)[0]


def test_a_person_signs_in_through_the_provider(http, live_server):
    callback = through_provider(http, live_server.url, "ada")
    assert callback.startswith(f"{live_server.url}/login/sso/{NAME}/callback?")

    response = http.get(callback)

    assert response.status_code == 302, audit_rows("login.sso")
    assert response.headers["location"] == "/"
    assert "Your work" in http.get(f"{live_server.url}/").text
    assert _roles_of("ada.example") == {Role.HMIP_INSPECTOR.value}
    login = audit_rows("login")[-1]
    assert (login["actor"], login["detail"]) == ("ada.example", f"through {NAME}")


def test_each_sign_in_starts_a_new_session_and_ends_the_one_before(http, live_server):
    first = _session_set_by(http.get(through_provider(http, live_server.url, "ada")))

    second = _session_set_by(http.get(through_provider(http, live_server.url, "ada")))

    assert second != first
    with httpx.Client(cookies={"tracker_session": first}) as old_browser:
        assert old_browser.get(f"{live_server.url}/").headers["location"].startswith("/login")


def test_the_same_person_signs_in_again_as_the_same_user(http, live_server):
    http.get(through_provider(http, live_server.url, "ada"))
    http.cookies.clear()
    http.get(through_provider(http, live_server.url, "ada"))
    from tracker.sso.tables import SsoIdentity

    assert run(SsoIdentity.count().where(SsoIdentity.subject == "ada")) == 1
    assert len(audit_rows("login")) == 2


def _refused(response, heading: str, audit_says: str) -> None:
    assert heading in response.text
    assert "tracker_session" not in response.headers.get("set-cookie", "")
    refusal = audit_rows("login.sso")[-1]
    assert refusal["outcome"] == "refused"
    assert audit_says in refusal["detail"]


def test_an_answer_with_another_state_is_refused(http, live_server):
    callback = through_provider(http, live_server.url, "ada")

    response = http.get(_with_param(callback, "state", "someone-elses-state"))

    assert response.status_code == 400
    _refused(response, "Your sign-in did not finish", "state mismatch")


def test_an_answer_in_a_browser_that_started_no_sign_in_is_refused(http, live_server):
    callback = through_provider(http, live_server.url, "ada")
    http.cookies.delete("tracker_sso_attempt")

    response = http.get(callback)

    assert response.status_code == 400
    _refused(response, "Your sign-in did not finish", "no sign-in started")


def test_an_id_token_with_another_nonce_is_refused(http, live_server):
    callback = through_provider(
        http, live_server.url, "ada", change_request=lambda url: _with_param(url, "nonce", "replayed-nonce")
    )

    response = http.get(callback)

    assert response.status_code == 400
    _refused(response, "We could not sign you in", "nonce mismatch")


def test_a_code_is_used_once(http, live_server):
    callback = through_provider(http, live_server.url, "ada")
    assert http.get(callback).status_code == 302
    http.cookies.clear()
    attempt = through_provider(http, live_server.url, "ada")  # a fresh attempt cookie, an old code
    replay = _with_param(callback, "state", dict(parse_qsl(urlsplit(attempt).query))["state"])

    response = http.get(replay)

    assert response.status_code == 400
    _refused(response, "We could not sign you in", "token endpoint answered 400")


def test_a_person_with_no_role_is_refused_with_a_clear_page(http, live_server):
    response = http.get(through_provider(http, live_server.url, "nora"))

    assert response.status_code == 403
    _refused(response, "You do not have access to this service yet", "no_role")


def test_an_establishment_user_gets_the_establishments_their_claims_name(http, live_server):
    leeds = make_establishment("HMP Leeds")
    make_establishment("HMP Hull")

    assert http.get(through_provider(http, live_server.url, "gill")).status_code == 302

    gill = principal_of("gill.example")
    assert gill.roles == {Role.ESTABLISHMENT}
    assert gill.establishment_ids == {leeds}


def test_a_person_who_stops_at_the_provider_is_told_so(http, live_server):
    callback = through_provider(http, live_server.url, "ada")
    state = dict(parse_qsl(urlsplit(callback).query))["state"]
    stopped = f"{live_server.url}/login/sso/{NAME}/callback?" + urlencode(
        {"error": "access_denied", "state": state, "iss": dict(parse_qsl(urlsplit(callback).query))["iss"]}
    )

    response = http.get(stopped)

    assert response.status_code == 400
    _refused(response, "You did not finish signing in", "stopped at the provider")


def test_a_provider_that_is_not_configured_is_not_found(http, live_server):
    assert http.get(f"{live_server.url}/login/sso/no-such-provider").status_code == 404
    assert (
        http.get(f"{live_server.url}/login/sso/no-such-provider/callback?code=x&state=y").status_code == 404
    )


def test_no_token_or_secret_reaches_a_log_line_or_an_audit_row(http, live_server, log_lines):
    from tests.sso.conftest import CLIENT_SECRET

    http.get(through_provider(http, live_server.url, "ada"))
    http.cookies.clear()  # another browser
    http.get(through_provider(http, live_server.url, "tamara"))  # refused: the reason is audited

    text = "\n".join(str(line) for line in log_lines()) + str(audit_rows())
    assert "through test-idp" in text and "InvalidSignatureError" in text
    assert "eyJ" not in text  # the start of every JWT: no ID token
    assert CLIENT_SECRET not in text

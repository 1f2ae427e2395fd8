"""PostgreSQL: each worker hears the change count (tracker.change_feed) instead of asking for it on
every page, yet a person always sees their own write at once, on whichever worker serves them,
and a change made anywhere else is seen as soon as it is heard."""

from __future__ import annotations

import re
import time

import pytest

from tests.performance.helpers import count_queries
from tests.support import PASSWORD, make_settings, make_user, post_form, run, sign_in
from tracker import change_feed, changes
from tracker.roles import Role
from tracker.tables import AppUser

WAIT_SECONDS = 20.0  # a bound for a notice to arrive, not a measurement


@pytest.fixture
def listening(db, database_url, monkeypatch, request):
    """A client of an app that listens; `deaf` ones listen on a channel nobody sends on, so
    only asking (the floor, the browser's cookie) can show them a change."""
    from litestar.testing import TestClient

    from tracker.app import create_app
    from tracker.db import is_sqlite

    if is_sqlite(db):
        pytest.skip("PostgreSQL's notices")

    def make(deaf: bool = False, **settings):
        if deaf:
            monkeypatch.setattr(change_feed, "CHANNEL", "nobody_sends_this")
            monkeypatch.setattr(change_feed, "RESYNC_SECONDS", 3600.0)
        app = create_app(make_settings(database_url, db_listen=True, **settings), engine=db)
        scheme = "https" if settings.get("secure_cookies") else "http"  # secure cookies need https
        client = TestClient(app=app, base_url=f"{scheme}://testserver.local")
        client.__enter__()
        request.addfinalizer(lambda: client.__exit__(None, None, None))
        wait_until(lambda: change_feed.heard(db) is not None)
        return client

    change_feed.forget()
    return make


def wait_until(condition) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "not heard in time"
        time.sleep(0.01)


def count_now() -> int:
    return run(AppUser.raw(changes.READ))[0]["n"]


def asks(queries: list[str]) -> bool:
    return any("tracker_change" in q for q in queries)


def signed_in_as(client) -> str:
    return re.search(r"Signed in as ([^<]+)<", client.get("/accessibility").text).group(1)


def rename(username: str, name: str) -> None:
    run(AppUser.update({AppUser.display_name: name}).where(AppUser.username == username))


def test_a_page_does_not_ask_for_the_count_and_a_change_elsewhere_is_seen_once_heard(listening, db):
    client = listening()
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    assert signed_in_as(client) == "Sam"
    with count_queries(db) as queries:
        assert signed_in_as(client) == "Sam"
    assert not asks(queries)  # heard, not asked: the round trip PostgreSQL's pages paid

    rename("sam", "Samira")  # as another person, a command or another worker would
    written = count_now()
    wait_until(lambda: change_feed.heard(db) >= written)
    assert signed_in_as(client) == "Samira"


def test_your_own_write_is_seen_by_your_next_request_before_it_is_heard(listening, db):
    """Revoked in the browser, a script's token is refused at once: the worker that wrote asks
    until it hears its own change."""
    from tests.support import api_token

    client = listening(deaf=True)
    make_user("sam", Role.HMPPS_SCRUTINY)
    token = api_token("sam")
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200  # its row now kept
    sign_in(client, "sam")
    listing = client.get("/account/tokens").text
    token_id = re.search(r'action="/account/tokens/(\d+)/revoke"', listing).group(1)
    revoked = post_form(client, f"/account/tokens/{token_id}/revoke", token_from="/account/tokens")
    assert revoked.status_code == 302
    assert change_feed.heard(db) < count_now()  # this worker has not heard it...
    assert client.get("/api/v1/me", headers=bearer).status_code == 401  # ...and asked


def test_a_write_through_one_worker_is_seen_by_the_browser_on_another(listening, db):
    client = listening(deaf=True)
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    assert signed_in_as(client) == "Sam"

    cookie = change_feed.seen_cookie_name(False)
    change_feed._feeds[id(db)].heard = count_now()  # it has heard all so far: the sign-in too
    assert signed_in_as(client) == "Sam"
    # Another worker renames Sam for Sam (it knows only the count it asked for after writing)...
    rename("sam", "Samira")
    change_feed.forget()
    del client.cookies[cookie]
    assert signed_in_as(client) == "Sam"  # ...which a worker that has not heard it does not know
    client.cookies.set(cookie, str(count_now()))  # what the other worker's answer set
    assert signed_in_as(client) == "Samira"


def test_the_answer_to_a_write_carries_the_count_it_left(listening, db):
    client = listening(deaf=True)
    make_user("sam", Role.HMPPS_SCRUTINY)
    signed = post_form(client, "/login", {"username": "sam", "password": PASSWORD, "next": "/"})
    cookie = change_feed.seen_cookie_name(False)
    change_feed._feeds[id(db)].heard = count_now()  # it has heard all so far: the sign-in too
    assert signed_in_as(client) == "Sam"
    assert f"{cookie}=" in signed.headers.get("set-cookie", "")
    assert int(client.cookies[cookie]) == count_now()  # the new session is counted
    assert "HttpOnly" in signed.headers["set-cookie"] and "SameSite=Lax" in signed.headers["set-cookie"]


TERMINATE_THE_FEED = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    f"WHERE datname = current_database() AND application_name = '{change_feed.APPLICATION_NAME}'"
)


def test_while_the_connection_is_lost_pages_ask(listening, db, monkeypatch):
    client = listening()
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    assert signed_in_as(client) == "Sam"
    assert client.get("/health").json()["components"]["database"]["details"]["changeFeed"] == "listening"
    monkeypatch.setattr(change_feed, "RETRY_SECONDS", (3600.0,))  # not back during this test
    run(db.run_ddl(TERMINATE_THE_FEED))
    wait_until(lambda: change_feed.heard(db) is None)
    assert client.get("/health").json()["components"]["database"]["details"]["changeFeed"] == "reconnecting"
    rename("sam", "Samira")
    with count_queries(db) as queries:
        assert signed_in_as(client) == "Samira"
    assert asks(queries)


def test_a_lost_connection_is_made_again_and_heard_from(listening, db):
    client = listening()
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    run(db.run_ddl(TERMINATE_THE_FEED))
    wait_until(lambda: change_feed.connections(db) == 2 and change_feed.heard(db) is not None)
    run(AppUser.update({AppUser.active: False}).where(AppUser.username == "sam"))
    written = count_now()
    wait_until(lambda: change_feed.heard(db) >= written)
    with count_queries(db) as queries:
        page = client.get("/accessibility").text
    assert "Signed in as" not in page  # deactivated elsewhere: signed out at the next click
    assert not asks(queries)


def test_in_production_the_count_rides_in_a_host_only_secure_cookie(listening, db):
    client = listening(secure_cookies=True)
    make_user("sam", Role.HMPPS_SCRUTINY)
    answer = post_form(client, "/login", {"username": "sam", "password": PASSWORD, "next": "/"})
    sent = [c for c in answer.headers.get_list("set-cookie") if c.startswith("__Host-seen=")]
    assert len(sent) == 1 and "; Secure" in sent[0] and "; Path=/" in sent[0] and "Domain" not in sent[0]


def test_the_cookies_page_names_the_count_cookie(listening, db):
    from tests.tracker.test_admin_footer_pages import cookies_set_by_signing_in

    client = listening()
    set_cookies = cookies_set_by_signing_in(client)
    assert change_feed.seen_cookie_name(False) in set_cookies
    page = client.get("/cookies").text
    for name in set_cookies:
        assert f"<code>{name}</code>" in page, name

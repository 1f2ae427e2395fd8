"""The change count that kept pages are stored under (tracker.changes): every write a page could
show moves it, on both databases; the writes that reading makes (audit rows, last-seen times) do
not, so a person reading does not empty everyone's kept pages."""

from __future__ import annotations

from datetime import timedelta

from tests.support import make_establishment, make_user, run, sign_in
from tracker import audit, cache, changes
from tracker.clock import now_utc
from tracker.db import is_sqlite
from tracker.roles import Role
from tracker.sessions import create_api_token
from tracker.tables import ApiToken, AppUser, UserSession


def version():
    return run(cache.data_version())


def test_a_change_moves_the_count_and_reading_does_not(db):
    user_id = make_user("sam", Role.HMPPS_SCRUTINY)
    run(create_api_token(user_id, "spreadsheet"))
    before = version()

    run(audit.record("read", actor="sam", object_type="debrief_note", object_id=1))
    run(
        UserSession.insert(
            UserSession(token_hash="x", user=user_id, created_at=now_utc(), last_seen_at=now_utc())
        )
    )
    after_sign_in = version()
    assert after_sign_in != before  # a new session is a change (the audit row alone was not)
    run(UserSession.update({UserSession.last_seen_at: now_utc()}).where(UserSession.user == user_id))
    run(ApiToken.update({ApiToken.last_used_at: now_utc()}).where(ApiToken.user == user_id))
    assert version() == after_sign_in

    run(UserSession.update({UserSession.ended_at: now_utc()}).where(UserSession.user == user_id))
    ended = version()
    assert ended != after_sign_in
    make_establishment("HMP Aardvark")
    created = version()
    assert created != ended
    run(AppUser.update({AppUser.display_name: "Sam Jones"}).where(AppUser.id == user_id))
    assert version() != created


def test_the_audit_row_alone_leaves_the_count(db):
    before = version()
    run(audit.record("export", actor="sam", object_type="dashboard"))
    assert version() == before


def test_every_table_but_the_audit_log_is_counted(db):
    if is_sqlite(db):
        rows = run(db.run_ddl("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    else:
        rows = run(db.run_ddl("SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal"))
    names = {row["name"] for row in rows}
    counted = changes.counted_tables()
    assert "inspection" in counted and "stored_milestone" in counted
    assert "audit_event" not in counted
    assert "last_seen_at" not in counted["user_session"] and "ended_at" in counted["user_session"]
    for table in counted:
        expected = (
            {f"tracker_change_{table}_{event}" for event in ("insert", "update", "delete")}
            if is_sqlite(db)
            else {f"tracker_change_{table}"}
        )
        assert expected <= names, table


def test_someone_active_in_another_worker_is_not_signed_out_as_idle(client):
    """This worker's kept session row is half an hour old; the database's says they were here a
    minute ago (another worker moved it, which empties nothing kept)."""
    user_id = make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    assert client.get("/", follow_redirects=False).status_code == 200
    entries = [value for key, (_v, _t, value) in cache._entries.items() if key[0] == "session"]
    assert entries, "the session row is kept"
    for row in entries:
        row["last_seen_at"] = now_utc() - timedelta(minutes=31)
    run(
        UserSession.update({UserSession.last_seen_at: now_utc() - timedelta(minutes=1)}).where(
            UserSession.user == user_id
        )
    )
    assert client.get("/", follow_redirects=False).status_code == 200

    run(
        UserSession.update({UserSession.last_seen_at: now_utc() - timedelta(minutes=31)}).where(
            UserSession.user == user_id
        )
    )
    assert client.get("/", follow_redirects=False).status_code == 302  # idle in the database too


def test_a_session_last_seen_is_written_at_most_once_a_minute_in_a_worker(client, db):
    """Reading is not writing: of several requests a minute after the last write, one moves the
    session's last-seen time and the rest find the kept row already moved."""
    from tests.performance.helpers import count_queries

    user_id = make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    client.get("/")
    two_minutes_ago = now_utc() - timedelta(minutes=2)
    run(UserSession.update({UserSession.last_seen_at: two_minutes_ago}).where(UserSession.user == user_id))
    for key, (_v, _t, row) in list(cache._entries.items()):
        if key[0] == "session":
            row["last_seen_at"] = two_minutes_ago
    with count_queries(db) as queries:
        for _ in range(3):
            assert client.get("/", follow_redirects=False).status_code == 200
    writes = [q for q in queries if q.lstrip().upper().startswith("UPDATE") and "user_session" in q]
    assert len(writes) == 1
    stored = run(UserSession.select(UserSession.last_seen_at).where(UserSession.user == user_id).first())
    assert stored["last_seen_at"] > two_minutes_ago + timedelta(minutes=1)


def test_an_api_token_notes_its_use_at_most_once_a_minute(client, db, monkeypatch):
    """A script calling the API every few seconds does not write on every call; its "last used"
    is still right to the minute, and a revoked token is refused at once."""
    from tests.performance.helpers import count_queries

    user_id = make_user("sam", Role.HMPPS_SCRUTINY)
    token = run(create_api_token(user_id, "spreadsheet"))
    bearer = {"Authorization": f"Bearer {token}"}

    def last_used():
        return run(ApiToken.select(ApiToken.last_used_at).where(ApiToken.user == user_id).first())[
            "last_used_at"
        ]

    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    first = last_used()
    assert first is not None
    with count_queries(db) as queries:
        for _ in range(3):
            assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert not [q for q in queries if q.lstrip().upper().startswith("UPDATE") and "api_token" in q]
    assert last_used() == first

    later = first + timedelta(minutes=2)
    monkeypatch.setattr("tracker.sessions.now_utc", lambda: later)
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert last_used() == later

    run(ApiToken.update({ApiToken.revoked_at: now_utc()}).where(ApiToken.user == user_id))
    assert client.get("/api/v1/me", headers=bearer).status_code == 401

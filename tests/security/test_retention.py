"""F7: `tracker retention` removes what is past its retention period, audited with counts only;
the audit table's trigger lets through only deletions older than the security-log floor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from tests.support import as_owner, audit_rows, make_user, run
from tracker import audit
from tracker.clock import now_utc, today_london
from tracker.roles import Role


def days_ago(n: int):
    return now_utc() - timedelta(days=n)


def setup_data() -> dict:
    from timelines.tables import SentReminder
    from tracker.tables import AppUser, AuditEvent, LoginChallenge, UserSession

    # Old audit rows first, as in life: the chain runs from the oldest row to the newest.
    for n in (800, 300, 200, 100):
        run(audit.append(AuditEvent(at=days_ago(n), actor="old", action=f"test.age{n}", detail="")))
    stays = make_user("stays", Role.HMIP_MANAGER, email="stays@example.org")
    leaver = make_user("leaver", Role.HMIP_MANAGER, email="leaver@example.org")
    recent = make_user("recentleaver", Role.HMIP_MANAGER, email="recent@example.org")
    run(
        AppUser.update({AppUser.active: False, AppUser.deactivated_at: days_ago(800)}).where(
            AppUser.id == leaver
        )
    )
    run(
        AppUser.update({AppUser.active: False, AppUser.deactivated_at: days_ago(100)}).where(
            AppUser.id == recent
        )
    )
    assert user(leaver)["totp_secret"]  # managers are enrolled in two-step sign-in

    def session(n, ended, last_seen=None):
        return UserSession(
            token_hash=f"s{n}-{ended}-{last_seen}".ljust(64, "x")[:64],
            user=stays,
            created_at=days_ago(max(n, ended or 0, last_seen or 0) + 1),
            last_seen_at=days_ago(last_seen if last_seen is not None else (ended or 0)),
            ended_at=days_ago(ended) if ended is not None else None,
        )

    run(UserSession.insert(session(1, 40), session(2, 5), session(3, None, 40), session(4, None, 0)))
    run(
        LoginChallenge.insert(
            LoginChallenge(
                token_hash="c-old".ljust(64, "x"), user=stays, purpose="verify", created_at=days_ago(40)
            ),
            LoginChallenge(
                token_hash="c-new".ljust(64, "x"), user=stays, purpose="verify", created_at=days_ago(1)
            ),
        )
    )
    run(
        SentReminder.insert(
            *[
                SentReminder(user=stays, key="k", kind="overdue", sent_on=today_london(), sent_at=days_ago(n))
                for n in (800, 100)
            ]
        )
    )
    return {"stays": stays, "leaver": leaver, "recent": recent}


def counts() -> dict:
    from timelines.tables import SentReminder
    from tracker.tables import AuditEvent, LoginChallenge, UserSession

    return {
        "sessions": run(UserSession.count()),
        "challenges": run(LoginChallenge.count()),
        "reminders": run(SentReminder.count()),
        "old_audit": run(AuditEvent.count().where(AuditEvent.action.like("test.age%"))),
    }


def env(database_url: str, owner_database_url: str, **more: str) -> dict:
    """`tracker retention` deletes audit rows, which only the tables' owner may do (PostgreSQL)."""
    return {
        "DATABASE_URL": database_url,
        "OWNER_DATABASE_URL": owner_database_url,
        "AUDIT_RETENTION_DAYS": "",
    } | more


def user(user_id: int) -> dict:
    from tracker.tables import AppUser

    return run(AppUser.select().where(AppUser.id == user_id).first())


def test_a_dry_run_counts_and_changes_nothing(db, database_url, owner_database_url):
    ids = setup_data()
    before = counts()
    from tracker.cli import main

    result = CliRunner().invoke(
        main,
        ["retention", "--dry-run"],
        env=env(database_url, owner_database_url),
    )
    assert result.exit_code == 0, result.output
    assert (
        "Would remove: 2 sessions, 1 sign-in challenges, 0 form tokens, 1 sent reminders, 1 audit rows"
        in result.output
    )
    assert "would anonymise 1 deactivated users" in result.output
    assert counts() == before
    assert user(ids["leaver"])["email"] == "leaver@example.org"
    row = audit_rows("retention.dry_run")[-1]
    assert "sessions=2" in row["detail"] and "audit_rows=1" in row["detail"]


def test_the_run_removes_what_is_past_its_period_and_is_audited(db, database_url, owner_database_url):
    from tracker.cli import main

    ids = setup_data()
    leaver_before = user(ids["leaver"])
    result = CliRunner().invoke(main, ["retention"], env=env(database_url, owner_database_url))
    assert result.exit_code == 0, result.output
    assert counts() == {"sessions": 2, "challenges": 1, "reminders": 1, "old_audit": 3}
    leaver = user(ids["leaver"])
    assert (
        leaver["email"] == ""
        and leaver["totp_secret"] == ""
        and leaver["display_name"].startswith("Former user")
    )
    assert leaver["username"] == leaver_before["username"]  # audit rows still name who did what
    assert user(ids["recent"])["email"] == "recent@example.org"
    assert user(ids["stays"])["email"] == "stays@example.org"
    row = audit_rows("retention.run")[-1]
    assert row["actor"] == "retention" and "users_anonymised=1" in row["detail"]
    assert "leaver" not in row["detail"]  # counts only
    # A second run finds nothing more (the leaver is not anonymised twice).
    again = CliRunner().invoke(main, ["retention"], env=env(database_url, owner_database_url))
    assert (
        "Removed: 0 sessions, 0 sign-in challenges, 0 form tokens, 0 sent reminders, 0 audit rows"
        in again.output
    )


def test_the_audit_period_is_a_setting_but_never_below_six_months(db, database_url, owner_database_url):
    from tracker.cli import main

    setup_data()
    shorter = CliRunner().invoke(
        main, ["retention"], env=env(database_url, owner_database_url, AUDIT_RETENTION_DAYS="250")
    )
    assert shorter.exit_code == 0, shorter.output
    assert counts()["old_audit"] == 2  # 800 and 300 days old went; 200 and 100 stay
    refused = CliRunner().invoke(
        main, ["retention"], env=env(database_url, owner_database_url, AUDIT_RETENTION_DAYS="30")
    )
    assert refused.exit_code != 0 and "at least 183" in refused.output
    # --today in the future cannot reach past the floor either.
    future = CliRunner().invoke(
        main,
        ["retention", "--today", (today_london() + timedelta(days=3000)).isoformat()],
        env=env(database_url, owner_database_url),
    )
    assert future.exit_code == 0, future.output
    assert counts()["old_audit"] == 1  # the 100-day-old row is within the floor
    bad = CliRunner().invoke(
        main, ["retention", "--today", "tomorrow"], env=env(database_url, owner_database_url)
    )
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_the_trigger_refuses_recent_audit_deletions_and_every_update(db, owner_database_url):
    """Even the tables' owner (who runs `tracker retention`) meets the trigger."""
    from tracker.tables import AuditEvent

    setup_data()
    run(audit.record("test.fresh", actor="x"))
    run(audit.append(AuditEvent(at=days_ago(170), actor="x", action="test.age170", detail="")))
    for action in ("test.fresh", "test.age170"):
        with pytest.raises(Exception, match="append-only"):
            as_owner(owner_database_url, f"DELETE FROM audit_event WHERE action = '{action}'")
    with pytest.raises(Exception, match="append-only"):
        as_owner(owner_database_url, "UPDATE audit_event SET detail = 'changed' WHERE action = 'test.age800'")
    # Older than the floor (183 days): the only deletion the trigger lets through.
    as_owner(owner_database_url, "DELETE FROM audit_event WHERE action = 'test.age200'")
    assert run(AuditEvent.count().where(AuditEvent.action.is_in(["test.fresh", "test.age170"]))) == 2


def test_after_retention_the_audit_log_still_verifies(db, database_url, owner_database_url):
    """Retention removes the oldest rows and records where the chain now starts; removing the
    oldest rows any other way is reported."""
    from tracker.cli import main

    setup_data()
    run(audit.record("test.recent", actor="x"))
    for _ in range(2):  # a second run, with nothing to remove, changes nothing
        result = CliRunner().invoke(main, ["retention"], env=env(database_url, owner_database_url))
        assert result.exit_code == 0, result.output
        verified = CliRunner().invoke(main, ["audit", "verify"], env={"DATABASE_URL": database_url})
        assert verified.exit_code == 0, verified.output
    assert counts()["old_audit"] == 3
    oldest = audit_rows()[0]["id"]
    as_owner(owner_database_url, f"DELETE FROM audit_event WHERE id = {oldest}")
    verified = CliRunner().invoke(main, ["audit", "verify"], env={"DATABASE_URL": database_url})
    assert verified.exit_code == 1 and "removed" in verified.output

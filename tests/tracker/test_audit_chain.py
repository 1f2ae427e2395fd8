"""K4: the audit log is tamper-evident and unalterable by the app. Every row holds the hash of its
content and of the row before it, `tracker audit verify` walks the chain, and on PostgreSQL the
app's role may only add and read audit rows."""

from __future__ import annotations

import asyncio
import contextlib
import io
import uuid

import asyncpg
import pytest
from click.testing import CliRunner

from tests.conftest import APP_ROLE, PG_URL
from tests.support import as_owner, audit_rows, close_test_pool, run
from tracker import audit
from tracker.clock import now_utc
from tracker.tables import AuditEvent

postgres_only = pytest.mark.skipif(not PG_URL, reason="PostgreSQL roles")
sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="SQLite's INSERT OR REPLACE")


def verify(database_url: str):
    from tracker.cli import main

    return CliRunner().invoke(main, ["audit", "verify"], env={"DATABASE_URL": database_url})


def three_rows() -> list[int]:
    for n in (1, 2, 3):
        run(audit.record(f"test.row{n}", actor="sam", detail=f"row {n}"))
    return [row["id"] for row in audit_rows()]


def test_an_untouched_log_verifies(db, database_url):
    three_rows()
    result = verify(database_url)
    assert result.exit_code == 0, result.output
    assert "audit log intact: 3 rows" in result.output


def test_editing_a_rows_detail_directly_is_reported_at_that_row(db, database_url, owner_database_url):
    first, middle, last = three_rows()
    as_owner(
        owner_database_url,
        f"UPDATE audit_event SET detail = 'nothing happened' WHERE id = {middle}",
        triggers_off=True,
    )
    result = verify(database_url)
    assert result.exit_code == 1
    assert f"row {middle}" in result.output and "changed" in result.output


def test_deleting_a_row_in_the_middle_is_reported(db, database_url, owner_database_url):
    first, middle, last = three_rows()
    as_owner(owner_database_url, f"DELETE FROM audit_event WHERE id = {middle}", triggers_off=True)
    result = verify(database_url)
    assert result.exit_code == 1
    assert f"row {last}" in result.output and "removed" in result.output


def test_deleting_the_oldest_rows_is_reported(db, database_url, owner_database_url):
    first, middle, last = three_rows()
    as_owner(owner_database_url, f"DELETE FROM audit_event WHERE id <= {middle}", triggers_off=True)
    result = verify(database_url)
    assert result.exit_code == 1
    assert f"row {last}" in result.output and "removed" in result.output


@sqlite_only
def test_insert_or_replace_cannot_rewrite_an_audit_row(db, database_url):
    first, middle, last = three_rows()
    for verb in ("INSERT OR REPLACE", "REPLACE"):
        with pytest.raises(Exception, match="append-only"):
            run(
                AuditEvent.raw(
                    f"{verb} INTO audit_event (id, at, actor, roles, action, object_type, object_id, outcome, "
                    "request_id, client_address, detail) "
                    "VALUES ({}, '2026-01-01T00:00:00+00:00', 'sam', '', 'test.row2', '', '', 'success', '', '', 'x')",
                    middle,
                )
            )
    assert [row["detail"] for row in audit_rows()] == ["row 1", "row 2", "row 3"]
    assert verify(database_url).exit_code == 0


@sqlite_only
def test_insert_or_replace_with_the_triggers_dropped_is_reported(db, database_url):
    first, middle, last = three_rows()
    as_owner(
        database_url,
        triggers_off=True,
        sql=f"INSERT OR REPLACE INTO audit_event (id, at, actor, roles, action, object_type, object_id, outcome, "
        f"request_id, client_address, detail, prev_hash, row_hash) SELECT id, at, actor, roles, action, "
        f"object_type, object_id, outcome, request_id, client_address, 'nothing', prev_hash, row_hash "
        f"FROM audit_event WHERE id = {middle}",
    )
    result = verify(database_url)
    assert result.exit_code == 1 and f"row {middle}" in result.output


def test_twenty_writers_at_once_leave_an_intact_chain(db, database_url):
    from tracker.db import write_transaction

    async def inside_a_transaction(n: int) -> None:
        async with write_transaction(AuditEvent._meta.db):
            await audit.record(f"test.inside{n}", actor="sam")

    async def twenty() -> None:
        writers = [audit.record(f"test.outside{n}", actor="sam") for n in range(10)]
        writers += [inside_a_transaction(n) for n in range(10)]
        await asyncio.gather(*writers)

    run(twenty())
    result = verify(database_url)
    assert result.exit_code == 0, result.output
    assert "audit log intact: 20 rows" in result.output


def test_a_row_written_in_a_transaction_that_fails_goes_with_it(db, database_url):
    from tracker.db import write_transaction

    async def fails() -> None:
        async with write_transaction(AuditEvent._meta.db):
            await audit.record("test.rolled_back", actor="sam")
            raise RuntimeError("the change failed")

    run(audit.record("test.before", actor="sam"))
    with pytest.raises(RuntimeError):
        run(fails())
    run(audit.record("test.after", actor="sam"))
    assert [row["action"] for row in audit_rows()] == ["test.before", "test.after"]
    assert "audit log intact: 2 rows" in verify(database_url).output


@postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE audit_event DISABLE TRIGGER USER",
        "UPDATE audit_event SET detail = 'x'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
        "DROP TRIGGER audit_event_no_change ON audit_event",
        "SELECT setval(pg_get_serial_sequence('audit_event', 'id'), 1)",
    ],
)
def test_the_app_role_cannot_change_the_audit_log(db, database_url, statement):
    three_rows()
    assert f"//{APP_ROLE}@" in database_url
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        run(AuditEvent.raw(statement))
    assert len(audit_rows()) == 3


@postgres_only
def test_migrate_as_the_owner_grants_the_app_role_what_it_needs(db, database_url, owner_database_url):
    from tracker.cli import main
    from tracker.db import bind_engine

    as_owner(owner_database_url, f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        run(audit.record("test.refused", actor="sam"))
    result = CliRunner().invoke(
        main, ["migrate"], env={"DATABASE_URL": database_url, "OWNER_DATABASE_URL": owner_database_url}
    )
    assert result.exit_code == 0, result.output
    bind_engine(db)  # the command connected as the owner; the test goes on as the app
    run(audit.record("test.allowed", actor="sam"))
    assert [row["action"] for row in audit_rows()] == ["test.allowed"]
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        run(AuditEvent.raw("UPDATE audit_event SET detail = 'x'"))


BEFORE_THE_CHAIN = "2026-11-22T02:05:09:076734"  # the tracker app's last migration before it


@pytest.mark.db
def test_upgrading_chains_the_rows_written_before(tmp_path):
    """A database from before the chain: `migrate` chains its audit rows, oldest first."""
    from piccolo.apps.migrations.commands.forwards import run_forwards
    from piccolo.apps.migrations.tables import Migration

    from tests.conftest import _pg_admin, _pg_url_for
    from tracker.db import bind_engine, engine_from_url, migrate

    name = f"t_upgrade_{uuid.uuid4().hex[:8]}"
    if PG_URL:
        _pg_admin(f'CREATE DATABASE "{name}"')
    url = _pg_url_for(name) if PG_URL else f"sqlite:///{tmp_path / name}.sqlite3"
    engine = engine_from_url(url)
    bind_engine(engine)
    earlier, Migration._meta.db = Migration._meta._db, engine  # Piccolo's record of migrations

    async def upgrade() -> None:
        await run_forwards(app_name="tracker", migration_id=BEFORE_THE_CHAIN)
        for actor in ("sam", "bob", "ada"):
            await AuditEvent.raw(
                "INSERT INTO audit_event (at, actor_id, actor, roles, action, object_type, object_id, outcome, "
                "request_id, client_address, detail) "
                "VALUES ({}, NULL, {}, '', 'login', '', '', 'success', '', '', 'before the chain')",
                now_utc(),
                actor,
            )
        await migrate()
        await audit.record("test.after", actor="sam")

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            run(upgrade())
        verdict = run(audit.verify())
        assert verdict.intact and verdict.rows == 4, verdict.message()
    finally:
        Migration._meta._db = earlier  # noqa: SLF001 - as it was, perhaps not yet looked up
        close_test_pool(engine)
        if PG_URL:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

"""Chain the audit rows written before the chain existed, oldest first (the append-only triggers
are lifted for that alone, inside this migration's transaction), and on SQLite refuse an INSERT
that names an existing id: INSERT OR REPLACE would otherwise rewrite a row without firing the
UPDATE or DELETE triggers. See docs/decisions/0007-tamper-evident-audit.md."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-12-02T10:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Chain the existing audit rows; SQLite refuses INSERT OR REPLACE on audit_event"

# As made by migration 2026-11-21T23:05:00 (SQLite), recreated after the existing rows are chained.
SQLITE_NO_UPDATE = """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"""
SQLITE_NO_REPLACE = """CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_event
       WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_event WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"""
CHAINED = (
    "at, actor_id, actor, roles, action, object_type, object_id, outcome, request_id, client_address, detail"
)


async def _chain_existing_rows() -> None:
    from tracker.audit import GENESIS, row_hash
    from tracker.tables import AuditEvent

    previous = GENESIS
    # nosemgrep: piccolo-raw-built-from-strings (CHAINED: this file's constant column names, no value)
    for row in await AuditEvent.raw(f"SELECT id, {CHAINED} FROM audit_event ORDER BY id"):  # noqa: S608 # nosec B608
        current = row_hash(row, previous)
        await AuditEvent.raw(
            "UPDATE audit_event SET prev_hash = {}, row_hash = {} WHERE id = {}", previous, current, row["id"]
        )
        previous = current


async def forwards():
    from tracker.tables import AuditEvent

    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run():
        engine = AuditEvent._meta.db
        if isinstance(engine, SQLiteEngine):
            await engine.run_ddl("DROP TRIGGER IF EXISTS audit_event_no_update")
            await _chain_existing_rows()
            await engine.run_ddl(SQLITE_NO_UPDATE)
            await engine.run_ddl(SQLITE_NO_REPLACE)
        else:
            await engine.run_ddl("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
            await _chain_existing_rows()
            await engine.run_ddl("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change")

    manager.add_raw(run)
    return manager

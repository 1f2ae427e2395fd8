"""The retention job may delete audit rows older than the security-log floor (183 days), and
nothing newer: the append-only triggers now let a DELETE through only for such rows
(docs/decisions/0004-retention.md). Updates and TRUNCATE stay refused."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-11-22T01:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Audit rows past the security-log floor may be deleted (retention)"

FLOOR_DAYS = 183  # tracker.retention.AUDIT_FLOOR_DAYS

SQLITE = [
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    f"""CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
       WHEN datetime(OLD.at) IS NULL OR datetime(OLD.at) > datetime('now', '-{FLOOR_DAYS} days')
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
]

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' AND OLD.at < now() - interval '{FLOOR_DAYS} days' THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION 'audit_event is append-only';
       END; $$ LANGUAGE plpgsql""",
]


async def forwards():
    from tracker.tables import AuditEvent

    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run():
        engine = AuditEvent._meta.db
        statements = SQLITE if isinstance(engine, SQLiteEngine) else POSTGRES
        for statement in statements:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager

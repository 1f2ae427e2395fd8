"""Sign-in throttling that holds under concurrency (attempt_counter, SECURITY.md K2, K3), and
secrets protected at rest (K13): authenticator seeds encrypted, recovery codes salted and slowly
hashed. The columns grow to hold them (SQLite does not enforce a VARCHAR's length), and what was
stored the old way is converted in place, so nobody has to set up their app again."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-12-02T10:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Atomic attempt counters; TOTP seeds encrypted, recovery codes hashed with argon2"

POSTGRES = [
    "ALTER TABLE app_user ALTER COLUMN totp_secret TYPE VARCHAR(255)",
    "ALTER TABLE login_challenge ALTER COLUMN pending_secret TYPE VARCHAR(255)",
    "ALTER TABLE recovery_code ALTER COLUMN code_hash TYPE VARCHAR(255)",
]


def _params(**overrides):
    return {
        "default": "",
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **overrides,
    }


async def forwards():
    from tracker import twofactor
    from tracker.tables import AppUser

    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def widen_and_protect():
        engine = AppUser._meta.db
        if not isinstance(engine, SQLiteEngine):
            for statement in POSTGRES:
                await engine.run_ddl(statement)
        await twofactor.protect_stored_secrets()

    manager.add_raw(widen_and_protect)

    manager.add_table(class_name="AttemptCounter", tablename="attempt_counter", schema=None, columns=None)
    for name, column_class, params in [
        ("key", Varchar, _params(length=200, unique=True, index=True)),
        ("used", Integer, _params(default=0)),
        ("window_start", Timestamptz, _params(default=TimestamptzNow())),
    ]:
        manager.add_column(
            table_class_name="AttemptCounter",
            tablename="attempt_counter",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager

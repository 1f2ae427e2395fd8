"""Scheduled jobs' runs (tracker/jobs.py): one row per job and slot, its claim unique so that only
one worker among several runs a slot."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T13:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "job_run: each scheduled job's runs (start, end, outcome), one per slot"


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
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)
    manager.add_table(class_name="JobRun", tablename="job_run", schema=None, columns=None)
    for name, column_class, params in [
        ("claim", Varchar, _params(length=120, unique=True, index=True)),
        ("job", Varchar, _params(length=60, index=True)),
        ("slot", Varchar, _params(length=60)),
        ("started_at", Timestamptz, _params(default=TimestamptzNow(), index=True)),
        ("ended_at", Timestamptz, _params(default=None, null=True)),
        ("outcome", Varchar, _params(length=20, default="running")),
        ("detail", Text, _params()),
        ("worker", Varchar, _params(length=120)),
    ]:
        manager.add_column(
            table_class_name="JobRun",
            tablename="job_run",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager

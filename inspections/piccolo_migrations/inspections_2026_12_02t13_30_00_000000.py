from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Real
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T13:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "An IRP's inspectors and days on site (MoU ¶49)"

NULLABLE = {
    "default": None,
    "null": True,
    "primary_key": False,
    "unique": False,
    "index": False,
    "index_method": IndexMethod.btree,
    "choices": None,
    "db_column_name": None,
    "secret": False,
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inspections", description=DESCRIPTION)
    for name, column_class in (("inspector_count", Integer), ("days_on_site", Real)):
        manager.add_column(
            table_class_name="Inspection",
            tablename="inspection",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=dict(NULLABLE),
            schema=None,
        )
    return manager

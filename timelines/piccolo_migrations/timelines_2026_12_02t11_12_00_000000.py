from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T11:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "A stored milestone's note (what overtook it, a capped target's words)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="timelines", description=DESCRIPTION)

    manager.add_column(
        table_class_name="StoredMilestone",
        tablename="stored_milestone",
        column_name="note",
        db_column_name="note",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager

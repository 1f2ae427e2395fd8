"""Each version of GOV.UK's bank-holidays data fetched, with its differences from the calendar."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import JSON, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T13:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "bank_holidays_version: GOV.UK's bank holidays as fetched, and how each differed"


class AppUser(Table, tablename="app_user", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


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
    manager = MigrationManager(migration_id=ID, app_name="timelines", description=DESCRIPTION)
    manager.add_table(
        class_name="BankHolidaysVersion", tablename="bank_holidays_version", schema=None, columns=None
    )
    for name, column_class, params in [
        ("fetched_at", Timestamptz, _params(default=TimestamptzNow(), index=True)),
        ("checked_at", Timestamptz, _params(default=TimestamptzNow())),
        ("source", Varchar, _params(length=500)),
        ("content_hash", Varchar, _params(length=64, index=True)),
        ("body", Text, _params()),
        ("differences", JSON, _params(default="[]")),
        ("applied_at", Timestamptz, _params(default=None, null=True)),
        (
            "applied_by",
            ForeignKey,
            _params(
                default=None,
                null=True,
                references=AppUser,
                on_delete=OnDelete.cascade,
                on_update=OnUpdate.cascade,
                target_column=None,
            ),
        ),
    ]:
        manager.add_column(
            table_class_name="BankHolidaysVersion",
            tablename="bank_holidays_version",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager

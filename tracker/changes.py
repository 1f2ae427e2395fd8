"""The count of changes that tracker.cache keeps values by: every write that could change what a
page shows moves it, and the writes that reading makes do not.

Reading writes: an audit row for an audited read, and the time a session, an API token or a
calendar feed was last used (a minute apart for each). When every write moved the version, each
of these emptied every kept page in every worker, so with a few dozen people signed in the
slowest pages (an HMIP manager's My work, the dashboard at 20,000 inspections: most of a second
each) were rebuilt several times a minute, holding up every other request while they were.

The count lives in one row, `tracker_change.n`, moved by triggers that `tracker migrate`
installs on every table after the migrations, so a table added later is counted without anyone
remembering to. A trigger runs in the writer's transaction, so the count moves when, and only
when, the change is committed:
- SQLite: a trigger after each insert, update and delete (one writer at a time, no waiting);
- PostgreSQL: a constraint trigger deferred to the commit, which moves the count once per
  transaction. Deferring it keeps the counter's row lock to the moment of commit, when the
  transaction holds every other lock it will take, so writers queue for it but never deadlock.
  It also sends the new count to the workers listening (tracker.change_feed), delivered at
  the commit, so they need not ask for it.
"""

from __future__ import annotations

from piccolo.engine.base import Engine

from tracker.db import all_tables, is_sqlite

READ = "SELECT n FROM tracker_change WHERE id = 1"
CHANNEL = "tracker_change"  # where the PostgreSQL trigger sends each new count (tracker.change_feed)
TRIGGER_PREFIX = "tracker_change_"
# Writes that reading makes: no write to these tables moves the count...
QUIET_TABLES = frozenset({"audit_event"})
# ...nor an update of only these columns.
QUIET_COLUMNS = {
    "user_session": frozenset({"last_seen_at"}),
    "api_token": frozenset({"last_used_at"}),
    "calendar_feed_token": frozenset({"last_used_at"}),
}


def counted_tables() -> dict[str, list[str]]:
    """Each counted table, with the columns whose update moves the count."""
    counted = {}
    for table in all_tables():
        name = table._meta.tablename
        if name in QUIET_TABLES:
            continue
        quiet = QUIET_COLUMNS.get(name, frozenset())
        counted[name] = [
            c._meta.db_column_name for c in table._meta.columns if c._meta.db_column_name not in quiet
        ]
    return counted


async def install(engine: Engine) -> None:
    """Create the count and (re)create every table's trigger; run by `tracker migrate`."""
    statements = _sqlite_statements() if is_sqlite(engine) else _postgres_statements()
    for statement in statements:
        await engine.run_ddl(statement)


def _columns(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _sqlite_statements() -> list[str]:
    statements = [
        "CREATE TABLE IF NOT EXISTS tracker_change (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
        "INSERT OR IGNORE INTO tracker_change (id, n) VALUES (1, 0)",
    ]
    bump = "BEGIN UPDATE tracker_change SET n = n + 1 WHERE id = 1; END"
    for table, columns in counted_tables().items():
        events = {"insert": "INSERT", "delete": "DELETE", "update": f"UPDATE OF {_columns(columns)}"}
        for event, clause in events.items():
            name = f"{TRIGGER_PREFIX}{table}_{event}"
            statements += [
                f'DROP TRIGGER IF EXISTS "{name}"',
                f'CREATE TRIGGER "{name}" AFTER {clause} ON "{table}" {bump}',
            ]
    return statements


def _postgres_statements() -> list[str]:
    statements = [
        "CREATE TABLE IF NOT EXISTS tracker_change (id INTEGER PRIMARY KEY, n BIGINT NOT NULL, tx BIGINT)",
        "INSERT INTO tracker_change (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
        # Once per transaction: the later rows of the same commit find tx already theirs.
        # ...and tells every worker listening (tracker.change_feed) the new count at the commit.
        f"""CREATE OR REPLACE FUNCTION tracker_change_count() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE counted BIGINT;
        BEGIN
            UPDATE tracker_change SET n = n + 1, tx = txid_current()
            WHERE id = 1 AND tx IS DISTINCT FROM txid_current()
            RETURNING n INTO counted;
            IF FOUND THEN
                PERFORM pg_notify('{CHANNEL}', counted::text);
            END IF;
            RETURN NULL;
        END $$""",
    ]
    for table, columns in counted_tables().items():
        name = f"{TRIGGER_PREFIX}{table}"
        statements += [
            f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"',
            f'CREATE CONSTRAINT TRIGGER "{name}" AFTER INSERT OR DELETE OR UPDATE OF {_columns(columns)} '
            f'ON "{table}" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
            "EXECUTE FUNCTION tracker_change_count()",
        ]
    return statements

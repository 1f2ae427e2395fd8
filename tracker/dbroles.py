"""PostgreSQL roles: the app connects as a role that neither owns the tables nor may change or
remove audit rows (SECURITY.md K4). `tracker migrate`, connected as the owner, grants it exactly
what it needs after every migration, so new tables are covered too."""

from __future__ import annotations

from urllib.parse import urlparse

from piccolo.engine.base import Engine


def role_of(database_url: str) -> str:
    return urlparse(database_url).username or ""


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def grant_app_role(engine: Engine, role: str) -> None:
    """Give ROLE reading and writing on every table and sequence, but on the audit log only
    SELECT and INSERT (so no UPDATE, DELETE, TRUNCATE, and as a non-owner no ALTER or DROP),
    and nothing but reading on Piccolo's record of migrations."""
    app = _identifier(role)
    rows = await engine.run_ddl("SELECT pg_get_serial_sequence('audit_event', 'id') AS seq")
    audit_sequence = rows[0]["seq"]
    for statement in (
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {app}",
        f"GRANT USAGE ON SCHEMA public TO {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {app}",
        f"REVOKE UPDATE, DELETE ON audit_event FROM {app}",
        f"REVOKE UPDATE ON SEQUENCE {audit_sequence} FROM {app}",  # no setval on the audit ids
        f"REVOKE INSERT, UPDATE, DELETE ON migration FROM {app}",
    ):
        await engine.run_ddl(statement)

"""Consistent online backups and restores of the whole database (SECURITY.md F6).

SQLite: the sqlite3 online backup API copies a consistent snapshot while the app runs.
PostgreSQL: pg_dump's custom format, restored with pg_restore --clean.
Uploaded files live in the database, so a backup holds them too.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with fixed arguments, no shell  # nosec B404
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit


class BackupError(RuntimeError):
    pass


def _sqlite_path(database_url: str) -> Path:
    return Path(database_url.removeprefix("sqlite:///"))


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if not found:
        raise BackupError(f"{name} is not installed")
    return str(found)


def backup(database_url: str, target: Path) -> Path:
    """Write the backup beside TARGET, readable by its owner only (SECURITY.md K13), and move it
    into place when complete: an existing file there is replaced, never half-overwritten."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
    )
    partial = Path(partial_name)  # mkstemp makes it 0600
    try:
        with os.fdopen(descriptor, "wb") as file:
            if database_url.startswith("sqlite:///"):
                _sqlite_backup(database_url, partial)
            else:
                _pg_dump(database_url, file)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _sqlite_backup(database_url: str, partial: Path) -> None:
    source = sqlite3.connect(_sqlite_path(database_url))
    destination = sqlite3.connect(partial)
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        source.close()


def _pg_dump(database_url: str, file) -> None:
    url, environment = _without_password(database_url)
    result = subprocess.run(  # noqa: S603 - fixed argument list  # nosec B603
        [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--dbname={url}"],
        stdout=file,
        stderr=subprocess.PIPE,
        text=False,
        env=environment,
        check=False,
    )
    if result.returncode:
        raise BackupError(result.stderr.decode(errors="replace").strip() or "pg_dump failed")


def _without_password(database_url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and an environment that gives libpq the password instead:
    a command line can be read by every user of the machine (ps), an environment cannot."""
    parts = urlsplit(database_url)
    environment = dict(os.environ)
    if parts.password is None:
        return database_url, environment
    environment["PGPASSWORD"] = unquote(parts.password)
    netloc = parts.netloc.rpartition("@")[2]
    user = parts.username
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc}" if user else netloc)), environment


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with the backup. Stop the app first."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"No backup at {source}")
    if database_url.startswith("sqlite:///"):
        _check_sqlite_backup(source)
        # Copy page by page through SQLite itself, so the WAL and any open reader stay coherent.
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live_db = sqlite3.connect(_sqlite_path(database_url), timeout=30)
        try:
            backup_db.backup(live_db)
        finally:
            live_db.close()
            backup_db.close()
        return
    url, environment = _without_password(database_url)
    result = subprocess.run(  # noqa: S603 - fixed argument list  # nosec B603
        [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", f"--dbname={url}", str(source)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    if result.returncode:
        raise BackupError(result.stderr.strip() or "pg_restore failed")


def _check_sqlite_backup(source: Path) -> None:
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as connection:
            ok = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not a usable backup: {error}") from error
    if ok != "ok":
        raise BackupError(f"{source} failed its integrity check: {ok}")

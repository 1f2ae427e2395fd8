"""`tracker backup` and `tracker restore` round trip, and the app boots on the restored data."""

import glob
import os
import stat
import subprocess
import sys
from urllib.parse import urlparse

import pytest

from tests.conftest import PG_URL
from tests.support import make_establishment, make_settings, make_user, run, sign_in
from tracker.roles import Role


def tracker(
    database_url: str, *args: str, owner: str = "", path: str = "/usr/bin:/bin"
) -> subprocess.CompletedProcess:
    env = {"DATABASE_URL": database_url, "PATH": path, "SECRET_KEY": "x" * 40}
    if owner:
        env["OWNER_DATABASE_URL"] = owner  # backups and restores connect as the tables' owner
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, env=env, check=False
    )


def test_backup_then_restore_brings_back_the_data(db, database_url, owner_database_url, tmp_path):
    from litestar.testing import TestClient

    from inspections.tables import Establishment
    from tracker.app import create_app
    from tracker.db import bind_engine, engine_from_url

    make_establishment("HMP Before")
    make_user("ada", Role.ADMIN)
    backup_file = tmp_path / "backup.dump"
    result = tracker(database_url, "backup", str(backup_file), owner=owner_database_url)
    assert result.returncode == 0, result.stderr
    assert backup_file.stat().st_size > 0

    make_establishment("HMP After")
    assert run(Establishment.count()) == 2

    result = tracker(database_url, "restore", "--yes", str(backup_file), owner=owner_database_url)
    assert result.returncode == 0, result.stderr
    engine = engine_from_url(database_url)
    bind_engine(engine)
    names = [r["name"] for r in run(Establishment.select(Establishment.name))]
    assert names == ["HMP Before"]
    with TestClient(app=create_app(make_settings(database_url), engine=engine)) as client:
        sign_in(client, "ada")
        assert client.get("/admin/users").status_code == 200


def test_restore_refuses_a_file_that_is_not_a_backup(db, database_url, tmp_path):
    bogus = tmp_path / "bogus.dump"
    bogus.write_text("not a database")
    result = tracker(database_url, "restore", "--yes", str(bogus))
    assert result.returncode != 0
    assert "Error" in result.stderr


def test_a_backup_is_readable_by_its_owner_only(db, database_url, owner_database_url, tmp_path):
    make_establishment("HMP Before")
    backup_file = tmp_path / "backup.dump"
    backup_file.write_text("an older backup, once readable by all")
    backup_file.chmod(0o644)
    result = tracker(database_url, "backup", str(backup_file), owner=owner_database_url)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600


def test_a_backup_of_a_tampered_audit_log_is_written_and_reported(
    db, database_url, owner_database_url, tmp_path
):
    """Reported (exit 1) so the job's owner notices; written all the same, so that one bad audit
    row (which the app's role could insert) cannot stop every backup from then on."""
    from tests.support import as_owner
    from tests.tracker.test_audit_chain import three_rows

    first, middle, last = three_rows()
    as_owner(
        owner_database_url,
        f"UPDATE audit_event SET detail = 'nothing happened' WHERE id = {middle}",
        triggers_off=True,
    )
    backup_file = tmp_path / "backup.dump"
    result = tracker(database_url, "backup", str(backup_file), owner=owner_database_url)
    assert result.returncode == 1
    assert f"audit log broken at row {middle}" in result.stderr and "The backup was written" in result.stderr
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600


@pytest.mark.skipif(not PG_URL, reason="pg_dump")
def test_pg_dump_gets_the_password_outside_its_command_line(db, database_url, owner_database_url, tmp_path):
    """pg_dump's arguments are visible to every user of the machine (ps); its environment is not."""
    password = "Never-On-A-Command-Line-42"
    owner = urlparse(owner_database_url)
    with_password = owner._replace(
        netloc=f"{owner.username}:{password}@{owner.hostname}:{owner.port}"
    ).geturl()
    real_pg_dump = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))[-1]
    seen = tmp_path / "seen"
    wrapper = tmp_path / "bin" / "pg_dump"
    wrapper.parent.mkdir()
    wrapper.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$0" "$@" > {seen}.argv\n'
        f'printf "%s" "$PGPASSWORD" > {seen}.env\nexec {real_pg_dump} "$@"\n'
    )
    wrapper.chmod(0o700)
    backup_file = tmp_path / "backup.dump"
    result = tracker(
        database_url, "backup", str(backup_file), owner=with_password, path=f"{wrapper.parent}:/usr/bin:/bin"
    )
    assert result.returncode == 0, result.stderr
    argv = (tmp_path / "seen.argv").read_text()
    assert "pg_dump" in argv and password not in argv
    assert (tmp_path / "seen.env").read_text() == password
    assert os.path.getsize(backup_file) > 0

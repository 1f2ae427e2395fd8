"""`tracker backup` and `tracker restore` round trip, and the app boots on the restored data."""

import subprocess
import sys

from tests.support import make_establishment, make_settings, make_user, run, sign_in
from tracker.roles import Role


def tracker(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 40}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, env=env, check=False
    )


def test_backup_then_restore_brings_back_the_data(db, database_url, tmp_path):
    from litestar.testing import TestClient

    from inspections.tables import Establishment
    from tracker.app import create_app
    from tracker.db import bind_engine, engine_from_url

    make_establishment("HMP Before")
    make_user("ada", Role.ADMIN)
    backup_file = tmp_path / "backup.dump"
    result = tracker(database_url, "backup", str(backup_file))
    assert result.returncode == 0, result.stderr
    assert backup_file.stat().st_size > 0

    make_establishment("HMP After")
    assert run(Establishment.count()) == 2

    result = tracker(database_url, "restore", "--yes", str(backup_file))
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

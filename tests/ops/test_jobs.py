"""The job runner: one worker per slot (the database decides), each run recorded and shown to
admins; inside the app (as `tracker serve` runs it) and as `tracker jobs run` from cron."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time as clock
from datetime import date, datetime, time
from pathlib import Path

from tests.support import make_user, run, sign_in
from tracker.clock import LONDON
from tracker.extensions import Job
from tracker.roles import Role

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2025, 3, 25)


def counting_job(name: str = "count", at: time = time(0, 0), pause: float = 0.2, fail: bool = False):
    calls: list[date] = []

    async def work(today: date) -> str:
        calls.append(today)
        await asyncio.sleep(pause)  # long enough for the other runners to try the same slot
        if fail:
            raise RuntimeError("the mail server said no")
        return f"counted {len(calls)}"

    return Job(name, "counts its runs", at, work), calls


def runs() -> list[dict]:
    from tracker.tables import JobRun

    return run(JobRun.select().order_by(JobRun.id))


def test_of_eight_runners_started_at_once_exactly_one_runs_the_slot(db):
    from tracker.jobs import run_job

    job, calls = counting_job()

    async def race():
        return await asyncio.gather(*(run_job(job, TODAY) for _ in range(8)))

    results = run(race())
    assert sorted(r.outcome for r in results) == ["skipped"] * 7 + ["succeeded"]
    assert len(calls) == 1
    [row] = runs()
    assert (row["job"], row["slot"], row["outcome"], row["detail"]) == (
        "count",
        "2025-03-25",
        "succeeded",
        "counted 1",
    )
    assert row["ended_at"] >= row["started_at"]


def test_a_failed_run_is_recorded_with_its_error_and_tomorrow_runs_again(db):
    from tracker.jobs import run_job

    job, calls = counting_job(fail=True, pause=0)
    first = run(run_job(job, TODAY))
    assert first.outcome == "failed" and "the mail server said no" in first.detail
    assert run(run_job(job, TODAY)).outcome == "skipped"
    assert run(run_job(job, date(2025, 3, 26))).outcome == "failed"
    assert [r["outcome"] for r in runs()] == ["failed", "failed"]
    assert len(calls) == 2


def test_only_jobs_whose_time_has_come_run(db, monkeypatch):
    from tracker import jobs

    early, early_calls = counting_job("early", time(2, 0), pause=0)
    late, late_calls = counting_job("late", time(7, 0), pause=0)
    monkeypatch.setattr(jobs, "all_jobs", lambda: [early, late])
    london = datetime(2025, 3, 25, 6, 30, tzinfo=LONDON)
    assert [r.job for r in run(jobs.run_due(london))] == ["early"]
    assert [r.job for r in run(jobs.run_due(london.replace(hour=7)))] == ["late"]
    assert run(jobs.run_due(london.replace(hour=8))) == []
    assert (len(early_calls), len(late_calls)) == (1, 1)


def test_the_app_runs_due_jobs_itself_when_run_jobs_is_on(db, database_url, monkeypatch):
    """As `tracker serve` does: the job runner starts with the app (its lifespan)."""
    from litestar.testing import TestClient

    from tests.support import make_settings
    from tracker import jobs
    from tracker.app import create_app

    job, calls = counting_job(pause=0)
    monkeypatch.setattr(jobs, "all_jobs", lambda: [job])
    app = create_app(make_settings(database_url, run_jobs=True), engine=db)
    with TestClient(app=app, base_url="http://testserver.local"):
        deadline = clock.monotonic() + 20
        while not calls and clock.monotonic() < deadline:
            clock.sleep(0.1)
    assert len(calls) == 1
    assert [r["outcome"] for r in runs()] == ["succeeded"]


def test_admins_see_each_job_and_its_runs(client, db):
    from tracker.jobs import run_job

    job, _ = counting_job(fail=True, pause=0)
    run(run_job(job, TODAY))
    make_user("ada", Role.ADMIN)
    make_user("inspector", Role.HMIP_INSPECTOR)
    sign_in(client, "inspector")
    assert client.get("/admin/jobs").status_code == 403
    client.cookies.clear()
    sign_in(client, "ada")
    page = client.get("/admin/jobs")
    assert page.status_code == 200
    for text in (
        "reminders",
        "retention",
        "07:00",
        "02:00",
        "Failed",
        "RuntimeError: the mail server said no",
    ):
        assert text in page.text
    assert 'href="/admin"' in client.get("/").text  # Administration, in the header
    assert 'href="/admin/jobs"' in client.get("/admin").text


def tracker(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - fixed argv
        [str(ROOT / ".venv/bin/tracker"), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_cron_hosts_running_the_retention_job_at_once_run_it_once(db, database_url, owner_database_url):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "OWNER_DATABASE_URL": owner_database_url,
        "TRACKER_ENV": "local",
        "SECRET_KEY": "jobs-test-secret-key-that-is-long-enough-0123456789",
    }
    both = [tracker("jobs", "run", "retention", "--today", TODAY.isoformat(), env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in both]
    assert all(p.returncode == 0 for p in both), outputs
    assert sorted(o.split(":")[1].split(".")[0].strip() for o in outputs) == ["skipped", "succeeded"], outputs
    [row] = runs()
    assert row["job"] == "retention" and row["outcome"] == "succeeded"
    assert row["detail"].startswith("Removed: 0 sessions")


def test_a_run_cut_short_by_the_server_stopping_says_so(db, database_url, monkeypatch):
    from litestar.testing import TestClient

    from tests.support import make_settings
    from tracker import app as app_module
    from tracker import jobs
    from tracker.app import create_app

    job, calls = counting_job(pause=60)
    monkeypatch.setattr(jobs, "all_jobs", lambda: [job])
    monkeypatch.setattr(app_module, "JOBS_STOP_WAIT_S", 0.5)
    app = create_app(make_settings(database_url, run_jobs=True), engine=db)
    with TestClient(app=app, base_url="http://testserver.local"):
        deadline = clock.monotonic() + 20
        while not calls and clock.monotonic() < deadline:
            clock.sleep(0.1)
    [row] = runs()
    assert row["outcome"] == "failed" and row["detail"] == "cut short: the server stopped while it ran"

"""The job runner: each domain's daily jobs (tracker.extensions.Job: the reminders, the GOV.UK bank
holidays check) and the shell's retention, run once a day on ONE worker, each run recorded.

Two ways to run them, which never both run a slot:
- inside `tracker serve` (RUN_JOBS, on in production): every worker wakes each minute and starts
  each job whose time of day (London) has passed and whose slot, today, nobody has claimed;
- `tracker jobs run [JOB]` from cron, for the same daily slot (or a fresh one with --again).

Who runs a slot is decided by the database: a run starts by inserting its JobRun row, whose
`claim` (job@slot) is unique; the insert that lands runs the job, every other one fails on the
unique constraint and that worker moves on (on SQLite and PostgreSQL alike). A worker that dies
mid-run leaves its run "running" (one stopped in good order records "cut short"): the admin page
shows it, and `tracker jobs run JOB --again` runs it again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from dataclasses import dataclass
from datetime import date, datetime, time

import click

from tracker.extensions import JOBS, Job

log = logging.getLogger("tracker.jobs")
POLL_SECONDS = 60
RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"
DETAIL_LIMIT = 2000


@dataclass(frozen=True)
class Ran:
    job: str
    slot: str
    outcome: str  # succeeded, failed, or "skipped" when another worker had the slot
    detail: str


def all_jobs() -> list[Job]:
    return list(JOBS)


def job_named(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    known = ", ".join(j.name for j in JOBS)
    raise KeyError(f"No job called {name}: the jobs are {known}")


def now_london() -> datetime:
    from tracker.clock import LONDON, now_utc

    return now_utc().astimezone(LONDON)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def claim(job: str, slot: str) -> int | None:
    """Insert the run's row; its id, or None when another worker holds this slot."""
    from tracker.clock import now_utc
    from tracker.db import is_unique_violation
    from tracker.tables import JobRun

    row = JobRun(
        claim=f"{job}@{slot}", job=job, slot=slot, started_at=now_utc(), outcome=RUNNING, worker=worker_name()
    )
    try:
        await row.save()  # on its own, outside any transaction: it commits or fails at once
    except Exception as error:
        if is_unique_violation(error):
            return None
        raise
    return row.id


async def run_job(job: Job, today: date, slot: str | None = None) -> Ran:
    """Run `job` for `slot` (today's date unless given) if no one else has; record the outcome."""
    slot = slot or today.isoformat()
    run_id = await claim(job.name, slot)
    if run_id is None:
        return Ran(job.name, slot, "skipped", "another worker has run or is running this slot")
    try:
        detail, outcome = await job.run(today), SUCCEEDED
    except asyncio.CancelledError:  # the server is stopping: say so, rather than "running" forever
        await _finish(run_id, FAILED, "cut short: the server stopped while it ran")
        raise
    except Exception as error:  # noqa: BLE001 - any failure is the run's outcome, shown to the admin
        log.exception("job %s failed", job.name)
        detail, outcome = f"{type(error).__name__}: {error}", FAILED
    await _finish(run_id, outcome, detail)
    return Ran(job.name, slot, outcome, str(detail)[:DETAIL_LIMIT])


async def _finish(run_id: int, outcome: str, detail: str) -> None:
    from tracker.clock import now_utc
    from tracker.tables import JobRun

    values = {JobRun.ended_at: now_utc(), JobRun.outcome: outcome, JobRun.detail: str(detail)[:DETAIL_LIMIT]}
    await JobRun.update(values).where(JobRun.id == run_id)


async def claimed_today(today: date) -> set[str]:
    from tracker.tables import JobRun

    rows = await JobRun.select(JobRun.job).where(JobRun.slot == today.isoformat())
    return {row["job"] for row in rows}


async def run_due(now: datetime) -> list[Ran]:
    """Every job whose time today (London) has come and whose slot today nobody has claimed."""
    today = now.date()
    taken = await claimed_today(today)
    due = [job for job in all_jobs() if job.at <= now.time() and job.name not in taken]
    return [await run_job(job, today) for job in due]


async def scheduler(stop: asyncio.Event, poll_seconds: float = POLL_SECONDS) -> None:
    """Inside `tracker serve`: run what is due, each minute, until `stop` is set."""
    while not stop.is_set():
        try:
            for ran in await run_due(now_london()):
                log.info("job %s %s: %s", ran.job, ran.outcome, ran.detail)
        except Exception:  # noqa: BLE001 - the database may be away a while: try again next time
            log.exception("the job runner could not check for due jobs")
        try:
            await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
        except TimeoutError:
            pass


async def recent_runs(limit: int = 50) -> list[dict]:
    from tracker.tables import JobRun

    return await JobRun.select().order_by(JobRun.started_at, ascending=False).limit(limit)


# -- the shell's own job --------------------------------------------------------------------------


async def _retention(today: date) -> str:
    """`tracker retention` in a process of its own: it connects as the tables' owner
    (OWNER_DATABASE_URL), which the serving app must not."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tracker",
        "retention",
        "--today",
        today.isoformat(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(os.environ),  # DATABASE_URL and OWNER_DATABASE_URL as the app has them
    )
    try:
        out, err = await process.communicate()
    except asyncio.CancelledError:  # the server is stopping: its one transaction rolls back
        process.kill()
        raise
    if process.returncode != 0:
        lines = (err or out).decode(errors="replace").strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"tracker retention exited with {process.returncode}")
    return out.decode().strip()


RETENTION = Job(
    "retention",
    "Remove what is past its retention period (sessions, sign-in challenges, reminders, "
    "leavers' personal data, old audit rows)",
    time(2, 0),
    _retention,
)


# -- `tracker jobs` --------------------------------------------------------------------------------


@click.group("jobs")
def jobs_command() -> None:
    """Scheduled jobs: run them from cron, or list their recent runs."""


@jobs_command.command("run")
@click.argument("names", nargs=-1)
@click.option("--again", is_flag=True, help="Run even if today's run happened (a slot of its own).")
@click.option("--today", "today_text", default="", help="Run as if today were YYYY-MM-DD.")
def run_command(names: tuple[str, ...], again: bool, today_text: str) -> None:
    """Run the named jobs (all when none is named) for today, unless a worker already has."""
    from tracker.aio import run_sync
    from tracker.clock import today_london

    try:
        jobs = [job_named(name) for name in names] or all_jobs()
        today = date.fromisoformat(today_text) if today_text else today_london()
    except (KeyError, ValueError) as error:
        raise click.UsageError(str(error.args[0])) from error
    slot = f"{today.isoformat()} again {now_london():%H:%M:%S}" if again else None

    async def go():
        return [await run_job(job, today, slot) for job in jobs]

    results = run_sync(go())
    for ran in results:
        click.echo(f"{ran.job} ({ran.slot}): {ran.outcome}. {ran.detail}")
    if any(ran.outcome == FAILED for ran in results):
        raise SystemExit(1)


@jobs_command.command("list")
def list_command() -> None:
    """The jobs, their times, and their recent runs."""
    from tracker.aio import run_sync

    for job in all_jobs():
        click.echo(f"{job.name:<18} daily from {job.at:%H:%M} (London)  {job.description}")
    for row in run_sync(recent_runs(20)):
        started = f"{row['started_at']:%Y-%m-%d %H:%M}"
        click.echo(f"{started} {row['job']:<18} {row['outcome']:<10} {row['detail']}")

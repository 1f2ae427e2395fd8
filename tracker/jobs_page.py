"""/admin/jobs: the scheduled jobs, when each runs, and their recent runs (start, end, outcome)."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from tracker.access import allow
from tracker.jobs import all_jobs, recent_runs
from tracker.roles import Role
from tracker.templating import render


@get("/admin/jobs", opt=allow(Role.ADMIN))
async def jobs_page(request: Request) -> Template:
    runs = await recent_runs(50)
    last = {}
    for run in runs:
        last.setdefault(run["job"], run)
    jobs = [{"job": job, "last": last.get(job.name)} for job in all_jobs()]
    return render(request, "admin/jobs.html", jobs=jobs, runs=runs)


ROUTES = [jobs_page]

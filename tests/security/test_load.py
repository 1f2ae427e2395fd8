"""J1: a bounded loopback load of mixed reads, writes and uploads on the app as it runs in production
(`tracker serve`, one process): no 5xx, no lock errors in the server's log, every write kept, and
the server's memory after the run within a bound of its memory after warm-up. Nothing is
asserted about timings; the run stops after ROUNDS rounds or RUN_LIMIT_S, whichever comes first."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest

from tests.fixtures.scanning import SIGNATURES
from tests.security.servers import ServerProcess, http_client
from tests.security.world import build_world
from tests.support import csrf_token, date_fields, run, sign_in
from tracker.clock import today_london

THREADS = 8
WARM_UP_ROUNDS = 3
ROUNDS = 40
RUN_LIMIT_S = 25
MEMORY_BOUND_KB = 64 * 1024
OK = {200, 302, 303}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _plan_file(n: int) -> dict:
    """An action plan file to upload (checked by content and scanned like any other)."""
    return {"file": (f"action-plan-{n}.pdf", PDF + f"% version {n}\n".encode(), "application/pdf")}


def _writers(world):
    """For each user of the run: the pages they read, the form they send (a new record each) and,
    for the governor, a file uploaded every other round."""
    fc = world.a.first("inspection_id")
    plan, rec = world.a.first("plan_id"), world.a.first("recommendation_id")
    target = today_london() + timedelta(days=60)
    return {
        "scrutiny": (
            [f"/inspections/{fc}/factcheck/points", f"/inspections/{fc}", "/factcheck"],
            f"/inspections/{fc}/factcheck/points",
            lambda n: {"location": f"4.{n}", "category": "data", "proposed_correction": f"Point {n}"},
        ),
        "leader": (
            ["/", f"/inspections/{fc}", "/my-work"],
            f"/inspections/{fc}/data/new",
            lambda n: {
                "description": f"Adjudications by month {n}",
                "source": "hub",
                "report_section": "Safety",
                **date_fields("notified", today_london()),
            },
        ),
        "governora": (
            [f"/action-plans/{plan}", "/", "/inspections"],
            f"/action-plans/{plan}/recommendations/{rec}/actions/new",
            lambda n: {
                "description": f"Review cell checks {n}",
                "owner": "Head of Safety",
                "status": "not_started",
                **date_fields("target_date", target),
            },
        ),
        "hmipmanager": (["/dashboard", "/inspections", "/", f"/inspections/{fc}"], None, None),
    }


def _counts(world) -> dict[str, int]:
    from actionplans.tables import PlanAction, PlanFile
    from factcheck.tables import AccuracyPoint, DataItem

    fc, plan = world.a.first("inspection_id"), world.a.first("plan_id")
    return {
        "scrutiny": run(AccuracyPoint.count().where(AccuracyPoint.inspection == fc)),
        "leader": run(DataItem.count().where(DataItem.inspection == fc)),
        "governora": run(PlanAction.count().where(PlanAction.plan == plan)),
        "governora uploads": run(PlanFile.count().where(PlanFile.plan == plan)),
    }


@pytest.mark.slow
def test_mixed_reads_and_writes_no_5xx_no_lock_errors_memory_stable(db, database_url, tmp_path):
    world = build_world()
    work = _writers(world)
    users = [name for name in work for _ in range(THREADS // len(work))]
    statuses: Counter = Counter()
    unexpected: list[str] = []
    written: Counter = Counter()
    lock = threading.Lock()
    serial = itertools.count(1)

    with ServerProcess(database_url, tmp_path / "server.log", CLAMAV_DATABASE=str(SIGNATURES)) as server:
        clients = []
        for username in users:
            client = http_client(server)
            sign_in(client, username)
            clients.append((username, client, csrf_token(client)))

        def one_round(index: int, username: str, client, csrf: str, n: int) -> None:
            pages, form_url, form = work[username]
            results = [(f"GET {url}", client.get(url)) for url in pages[n % len(pages) :][:2]]
            if form_url:
                with lock:
                    number = next(serial)  # every form different (an identical one is a double submit)
                response = client.post(form_url, data={"_csrf_token": csrf, **form(number)})
                results.append((f"POST {form_url}", response))
                if response.status_code in (302, 303):
                    with lock:
                        written[username] += 1
            if username == "governora" and n % 2 == 0:
                plan = world.a.first("plan_id")
                upload = f"/action-plans/{plan}/files"
                with lock:
                    number = next(serial)
                response = client.post(upload, data={"_csrf_token": csrf}, files=_plan_file(number))
                results.append((f"POST {upload}", response))
                if response.status_code == 303:
                    with lock:
                        written["governora uploads"] += 1
            with lock:
                for what, response in results:
                    statuses[response.status_code] += 1
                    if response.status_code not in OK:
                        unexpected.append(f"{username} {what}: {response.status_code}")

        def worker(index: int, rounds: int, deadline: float) -> None:
            username, client, csrf = clients[index]
            for n in range(rounds):
                if time.monotonic() > deadline:
                    return
                one_round(index, username, client, csrf, n)

        def load(rounds: int, limit_s: float) -> None:
            deadline = time.monotonic() + limit_s
            threads = [
                threading.Thread(target=worker, args=(i, rounds, deadline)) for i in range(len(clients))
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        before = _counts(world)
        load(WARM_UP_ROUNDS, 120)
        warm_rss = server.rss_kb()
        load(ROUNDS, RUN_LIMIT_S)
        after_rss = server.rss_kb()
        for _, client, _ in clients:
            client.close()
        log = server.log()
    after = _counts(world)

    assert sum(statuses.values()) >= THREADS * (WARM_UP_ROUNDS + 1) * 2, statuses
    assert not unexpected, unexpected[:20]
    assert not [code for code in statuses if code >= 500]
    assert "database is locked" not in log
    assert "Traceback" not in log, log[-3000:]
    # Every write the server said it made is in the database, once.
    assert {k: after[k] - before[k] for k in after} == {k: written[k] for k in after}
    growth = after_rss - warm_rss
    print(f"J1: {dict(statuses)}; writes {dict(written)}; RSS {warm_rss} kB -> {after_rss} kB")
    assert growth < MEMORY_BOUND_KB, f"server memory grew by {growth} kB under load"

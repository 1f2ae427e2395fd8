"""Single-client timing of the benchmark's pages in process: queries per request and ms per request.

No HTTP server and no load generator: the app runs in this process
(through httpx's ASGI transport, with the connection pool on as in `tracker serve`), each page is
opened a few times to warm up and then --repeat times, and the median and best times are printed
beside the number of database queries one request makes. Quick before/after figures for one
change on a quiet data set; bench/http_load.py is the real benchmark.

    DATABASE_URL=sqlite:////tmp/perf.sqlite3 .venv/bin/python bench/page_timing.py [--repeat 30]
        [--only inspection,feed] [--profile "inspection page"]

--cold empties the per-worker page cache (tracker.cache) before every request, as after a write.
--queries also prints the SQL of one request to each page.
--profile LABEL prints a pyinstrument profile of the page whose label starts so (repeated) instead
of the table; --profile-all shows the libraries' frames too. With TRACKER_ENV=production (and
SECRET_KEY, ALLOWED_HOSTS) the app runs as it is served.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_load import PAGES, prepare, with_csrf_cookie  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", default="", help="comma-separated words: pages whose label has one")
    parser.add_argument("--profile", default="", help="profile the page with this label (pyinstrument)")
    parser.add_argument("--profile-all", action="store_true", help="--profile with library frames shown")
    parser.add_argument("--queries", action="store_true", help="also print each page's queries")
    parser.add_argument(
        "--cold", action="store_true", help="empty tracker.cache before every request (nothing kept)"
    )
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("set DATABASE_URL or pass --database-url")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("TRACKER_ENV", "local")
    ids, cookies = prepare(args.database_url, production=os.environ["TRACKER_ENV"] == "production")

    import asyncio

    import httpx

    from tests.performance.helpers import count_queries
    from tracker import cache
    from tracker.app import create_app

    app = create_app()
    engine = app.state.engine
    pages = PAGES
    if args.only:
        pages = [p for p in pages if any(w in p[0] for w in args.only.split(","))]
    if args.profile:
        pages = [p for p in pages if p[0].startswith(args.profile)]

    async def go() -> list[tuple[str, int, float, float]]:
        rows = []
        transport = httpx.ASGITransport(app=app)
        # as `tracker serve` runs it: the pool, and on PostgreSQL the change feed (tracker.change_feed)
        async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as raw:

            class Client:
                async def get(self, path: str, headers: dict) -> httpx.Response:
                    if args.cold:
                        cache.clear()
                    return await raw.get(path, headers=headers)

            client = Client()
            for user, cookie in cookies.items():  # as a browser holds them after its first page
                first = await raw.get("/accessibility", headers={"Cookie": cookie})
                cookies[user] = with_csrf_cookie(cookie, first)
            for label, user, template in pages:
                path = template.format(**ids)
                headers = {"Cookie": cookies[user.format(**ids)]} if user else {}
                for _ in range(3):
                    response = await client.get(path, headers=headers)
                    assert response.status_code == 200, (label, response.status_code)
                with count_queries(engine) as queries:
                    await client.get(path, headers=headers)
                if args.queries:
                    print(f"# {label}: {len(queries)} queries")
                    print("\n".join("  " + " ".join(q.split())[:400] for q in queries))
                if args.profile:
                    from pyinstrument import Profiler

                    profiler = Profiler(async_mode="enabled")
                    profiler.start()
                    for _ in range(args.repeat):
                        await client.get(path, headers=headers)
                    profiler.stop()
                    text = profiler.output_text(unicode=True, color=False, show_all=args.profile_all)
                    print(text)
                    continue
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    await client.get(path, headers=headers)
                    times.append((time.perf_counter() - start) * 1000)
                rows.append((label, len(queries), statistics.median(times), min(times)))
        return rows

    rows = asyncio.run(go())
    if args.profile:
        return
    kind = "SQLite" if args.database_url.startswith("sqlite") else "PostgreSQL"
    state = "cold: tracker.cache emptied before each request" if args.cold else "warm"
    print(
        f"Single client, in process (httpx ASGI transport), {kind}, {args.repeat} requests per page, {state}"
    )
    print(f"inspection {ids['inspection_id']}, action plan {ids['plan_id']}, feed of {ids['busy_leader']}")
    print()
    print("| page | queries per request | median ms | best ms |")
    print("|---|---|---|---|")
    for label, count, median, best in rows:
        print(f"| {label} | {count} | {median:.1f} | {best:.1f} |")


if __name__ == "__main__":
    main()

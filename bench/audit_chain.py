"""What a hash-chained audit row costs against the plain INSERT it replaced, and how long
`tracker audit verify` takes (decision 0007). Use an empty, throwaway database: it is migrated
and filled with audit rows.

    .venv/bin/python bench/audit_chain.py --database-url sqlite:////tmp/audit-bench.sqlite3
    scripts/with-postgres.sh sh -c \
        '.venv/bin/python bench/audit_chain.py --database-url "$TEST_DATABASE_URL"'

Prints the median and 95th percentile milliseconds per row written one after another outside
any transaction (as an audited read does), each way, and the time to verify a chain of
--verify-rows rows written 100 at a time.
Figures only, never a test.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import parser_with_database, use_database  # noqa: E402


async def timed(write, rows: int) -> list[float]:
    times = []
    for _ in range(rows):
        start = time.perf_counter()
        await write()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)


async def measure(rows: int, verify_rows: int) -> None:
    from tracker import audit
    from tracker.clock import now_utc
    from tracker.db import migrate
    from tracker.tables import AuditEvent

    engine = AuditEvent._meta.db
    with contextlib.redirect_stdout(io.StringIO()):
        await migrate()
    await engine.start_connection_pool(min_size=1, max_size=4)  # as the running app does

    async def plain() -> None:  # the audit row before the chain
        await AuditEvent.insert(AuditEvent(at=now_utc(), actor="bench", action="bench.plain"))

    async def chained() -> None:
        await audit.record("bench.chained", actor="bench")

    # First a chain written by many writers at once, verified; the plain rows after it break it.
    for start in range(0, verify_rows, 100):
        await asyncio.gather(*(chained() for _ in range(min(100, verify_rows - start))))
    start = time.perf_counter()
    verdict = await audit.verify()
    print(f"verify: {verdict.message().splitlines()[0]} in {(time.perf_counter() - start) * 1000:.0f} ms")
    for label, write in (("plain INSERT (before)", plain), ("audit.record (chained)", chained)) * 2:
        times = await timed(write, rows)
        print(f"{label:24} median {statistics.median(times):6.2f} ms  p95 {times[int(rows * 0.95)]:6.2f} ms")
    await engine.close_connection_pool()


def main() -> None:
    parser = parser_with_database(__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300, help="rows timed one by one, each way")
    parser.add_argument("--verify-rows", type=int, default=5000, help="rows in the chain verified")
    args = parser.parse_args()
    use_database(args.database_url)
    asyncio.run(measure(args.rows, args.verify_rows))
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

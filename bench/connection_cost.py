"""What a PostgreSQL query costs on a new connection against one from a pool (decision 0006).

    scripts/with-postgres.sh sh -c \
        '.venv/bin/python bench/connection_cost.py --database-url "$TEST_DATABASE_URL"'

Prints milliseconds per query, each way, over --queries queries. Figures only, never a test.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import parser_with_database  # noqa: E402

QUERY = "SELECT relname FROM pg_class LIMIT 1"


async def measure(url: str, queries: int) -> tuple[float, float]:
    import asyncpg

    start = time.perf_counter()
    for _ in range(queries):
        connection = await asyncpg.connect(url)
        await connection.fetch(QUERY)
        await connection.close()
    fresh = (time.perf_counter() - start) / queries
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    start = time.perf_counter()
    for _ in range(queries):
        async with pool.acquire() as connection:
            await connection.fetch(QUERY)
    pooled = (time.perf_counter() - start) / queries
    await pool.close()
    return fresh, pooled


def main() -> None:
    parser = parser_with_database(__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    if not (args.database_url or "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("give a PostgreSQL --database-url")
    fresh, pooled = asyncio.run(measure(args.database_url, args.queries))
    print(f"{args.queries} queries: new connection each {fresh * 1000:.2f} ms, pooled {pooled * 1000:.2f} ms")
    print(f"a new connection costs {fresh / pooled:.0f}x a pooled query")


if __name__ == "__main__":
    main()

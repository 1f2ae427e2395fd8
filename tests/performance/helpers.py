"""Counting the database queries a request makes (behaviour, not timing).

`count_queries(engine)` wraps the engine's `run_querystring` (every Piccolo query, on SQLite and
PostgreSQL, goes through it) and collects the SQL of each query run while the block is open.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def count_queries(engine) -> Iterator[list[str]]:
    queries: list[str] = []
    cls = type(engine)  # PostgresEngine has slots: wrap the method on the class, for this engine
    original = cls.run_querystring

    async def counting(self, querystring, *args, **kwargs):
        if self is engine:
            queries.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    cls.run_querystring = counting
    try:
        yield queries
    finally:
        cls.run_querystring = original


def queries_for(client, engine, url: str) -> tuple[int, str, list[str]]:
    """(number of queries, page text, the queries) for one GET that must succeed, with nothing
    kept from an earlier request (tracker.cache emptied first: the queries of a cold page)."""
    from tracker import cache

    cache.clear()
    with count_queries(engine) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    return len(queries), response.text, queries


def explain(fewer: list[str], more: list[str]) -> str:
    """The queries the bigger page ran that the smaller did not (for a failure message)."""
    from collections import Counter

    def shape(sql: str) -> str:
        return " ".join(sql.split())[:160]

    extra = Counter(shape(q) for q in more) - Counter(shape(q) for q in fewer)
    return "\n".join(f"{n}x {q}" for q, n in extra.most_common(8))

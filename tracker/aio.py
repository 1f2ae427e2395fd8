"""Running async service code from synchronous places: commands, jobs and tests."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run_sync(awaitable):
    """Run a coroutine or a Piccolo query to completion. When this thread already runs an event
    loop (a test under Playwright's sync API, say), run it on a fresh thread instead."""

    async def wait():
        from tracker.db import pooled_connections

        async with pooled_connections():
            return await awaitable

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(wait())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, wait()).result()

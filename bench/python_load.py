"""A Python stand-in for wrk, for machines without it: `clients` concurrent keep-alive
connections (httpx, one asyncio loop) request one URL for `duration` seconds; the same figures
as bench/wrk_report.lua (rps, p50/p95/p99 ms, errors). It shares the CPU with the server like wrk
does, but costs more per request, so its throughput is a lower bound: compare figures from the
same tool only (the report says which one measured)."""

from __future__ import annotations

import asyncio
import time

import httpx


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _load(url: str, cookie: str | None, clients: int, duration: float) -> dict:
    headers = {"Cookie": cookie} if cookie else {}
    latencies: list[float] = []
    errors = non_2xx = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=10, headers=headers) as client:
        started = time.perf_counter()
        stop_at = started + duration

        async def one_client() -> None:
            nonlocal errors, non_2xx
            while time.perf_counter() < stop_at:
                sent = time.perf_counter()
                try:
                    response = await client.get(url)
                    await response.aread()
                except httpx.HTTPError:
                    errors += 1
                    continue
                if response.status_code >= 400:
                    non_2xx += 1
                    errors += 1
                latencies.append((time.perf_counter() - sent) * 1000)

        await asyncio.gather(*(one_client() for _ in range(clients)))
        seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "seconds": round(seconds, 3),
        "rps": len(latencies) / seconds,
        "p50_ms": _percentile(ordered, 0.50),
        "p95_ms": _percentile(ordered, 0.95),
        "p99_ms": _percentile(ordered, 0.99),
        "errors": errors,
        "non_2xx": non_2xx,
    }


def python_load(url: str, cookie: str | None, clients: int, duration: float) -> dict:
    return asyncio.run(_load(url, cookie, clients, duration))

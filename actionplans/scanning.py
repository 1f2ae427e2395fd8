"""The malware-scan step. Fails closed: only a file scanned clean may be downloaded.

ClamAV's `clamscan` runs where it is installed. Where it is not, a file is kept as "unscanned"
and is not downloadable unless ACTIONPLAN_ALLOW_UNSCANNED is switched on (default off). The
structured rows of the plan are the primary record, so the journey works without downloads.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess  # noqa: S404 - runs a fixed local binary with no shell

PENDING = "pending"
CLEAN = "clean"
INFECTED = "infected"
UNSCANNED = "unscanned"
SCAN_LABELS = {
    PENDING: "Waiting for virus scan",
    CLEAN: "Scanned: no virus found",
    INFECTED: "Virus found",
    UNSCANNED: "Not scanned",
}
SCAN_TIMEOUT_S = 300


def allow_unscanned() -> bool:
    return os.environ.get("ACTIONPLAN_ALLOW_UNSCANNED", "").strip().lower() in {"1", "true", "yes", "on"}


def downloadable(scan_status: str) -> bool:
    return scan_status == CLEAN or (scan_status == UNSCANNED and allow_unscanned())


def _clamscan(content: bytes) -> str:
    binary = shutil.which("clamscan")
    if binary is None:
        return UNSCANNED
    try:
        result = subprocess.run(  # noqa: S603 - fixed argv, content on stdin
            [binary, "--no-summary", "--stdout", "-"],
            input=content,
            capture_output=True,
            timeout=SCAN_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return PENDING  # not scanned clean: stays undownloadable
    if result.returncode == 0:
        return CLEAN
    if result.returncode == 1:
        return INFECTED
    return PENDING


async def clamscan(content: bytes) -> str:
    return await asyncio.to_thread(_clamscan, content)


# Tests replace this with a fake scanner (an async callable bytes -> status).
SCANNER = clamscan


async def scan(content: bytes) -> str:
    try:
        status = await SCANNER(content)
    except Exception:  # noqa: BLE001 - a scanner failure must never let a file through
        return PENDING
    return status if status in SCAN_LABELS else PENDING

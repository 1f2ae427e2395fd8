"""The malware-scan step (SECURITY.md E6). It fails closed: only a file scanned clean is downloadable.

`await scan(content, settings)` runs ClamAV's `clamscan` (found with shutil.which) on the bytes,
written to a file in a private temporary directory that is removed afterwards, with
`--no-summary`, `--alert-exceeds-max=yes --alert-encrypted=yes` (SECURITY.md K6: what ClamAV
cannot see into, archives nested past its recursion limit or password-protected, is an alert, not
clean) and, when the CLAMAV_DATABASE setting is set, `-d DATABASE` (tests use a locally
made signature file: signature updates need the internet). The answer is one of

- clean: clamscan ran and found nothing;
- infected: clamscan found a signature (its name is kept for the audit log), or could not see into
  part of the file (a Heuristics.Limits.Exceeded or Heuristics.Encrypted alert: `message` then
  says so instead of naming a virus);
- not_scanned: clamscan is not installed;
- error: clamscan failed (no database, a crash, a timeout, anything unexpected).

A stored file starts `pending` (a crash before the scan answers leaves it pending). Only `clean`
is downloadable, and `not_scanned` too where ALLOW_UNSCANNED_DOWNLOADS is switched on (default
off; for a machine that cannot run ClamAV at all). Everything else answers a GOV.UK page saying
the file is waiting for, or failed, its virus check (`not_downloadable`).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess  # noqa: S404 - runs a fixed local binary with no shell  # nosec B404
import tempfile
from dataclasses import dataclass
from pathlib import Path

PENDING = "pending"
CLEAN = "clean"
INFECTED = "infected"
NOT_SCANNED = "not_scanned"
ERROR = "error"
STATUSES = (PENDING, CLEAN, INFECTED, NOT_SCANNED, ERROR)
SCAN_LABELS = {
    PENDING: "Waiting for virus check",
    CLEAN: "Virus check passed",
    INFECTED: "Virus found",
    NOT_SCANNED: "Not checked for viruses",
    ERROR: "Virus check failed",
}
SCAN_TIMEOUT_S = 300
INFECTED_MESSAGE = "The selected file contains a virus. It has not been kept"
UNCHECKABLE_MESSAGE = (
    "The selected file could not be checked for viruses because it holds a password-protected file "
    "or files packed inside each other too deeply. Remove them and upload the file again"
)
# ClamAV's alerts for what it could not scan (with --alert-exceeds-max and --alert-encrypted).
_UNCHECKABLE_ALERTS = ("Heuristics.Limits.Exceeded.", "Heuristics.Encrypted.")


@dataclass(frozen=True)
class ScanResult:
    status: str
    signature: str = ""

    @property
    def clean(self) -> bool:
        return self.status == CLEAN

    @property
    def message(self) -> str:
        """What the person who uploaded a refused file is told."""
        return UNCHECKABLE_MESSAGE if self.signature.startswith(_UNCHECKABLE_ALERTS) else INFECTED_MESSAGE

    def audit_detail(self) -> str:
        """For the audit log: the status and, when infected, the signature's name (no content)."""
        if self.signature:
            return f"scan={self.status} signature={self.signature}"
        return f"scan={self.status}"


def _setting(settings, name: str, env: tuple[str, ...], default):
    if settings is not None and hasattr(settings, name):
        return getattr(settings, name)
    for variable in env:
        value = os.environ.get(variable)
        if value not in (None, ""):
            return value
    return default


def clamav_database(settings=None) -> str:
    return str(_setting(settings, "clamav_database", ("CLAMAV_DATABASE",), "") or "")


def allow_unscanned(settings=None) -> bool:
    value = _setting(
        settings,
        "allow_unscanned_downloads",
        ("ALLOW_UNSCANNED_DOWNLOADS", "ACTIONPLAN_ALLOW_UNSCANNED"),
        False,
    )
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def downloadable(status: str | None, settings=None) -> bool:
    """Fail closed: clean, or not scanned where unscanned downloads are explicitly allowed."""
    return status == CLEAN or (status == NOT_SCANNED and allow_unscanned(settings))


_FOUND = re.compile(r":\s*(\S+?)\s+FOUND\s*$", re.MULTILINE)


def clamscan_sync(content: bytes, *, database: str = "", binary: str | None = None) -> ScanResult:
    """Run clamscan on the bytes. Never raises: any failure is ERROR."""
    binary = binary or shutil.which("clamscan")
    if binary is None:
        return ScanResult(NOT_SCANNED)
    directory = tempfile.mkdtemp(prefix="tracker-scan-")  # mode 0700: private to this user
    try:
        path = Path(directory) / "upload"
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            handle.write(content)
        argv = [binary, "--no-summary", "--stdout", "--alert-exceeds-max=yes", "--alert-encrypted=yes"]
        if database:
            argv += ["-d", database]
        argv.append(str(path))
        try:
            result = subprocess.run(  # noqa: S603 - fixed argv, no shell  # nosec B603
                argv, capture_output=True, timeout=SCAN_TIMEOUT_S, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return ScanResult(ERROR)
        if result.returncode == 0:
            return ScanResult(CLEAN)
        if result.returncode == 1:
            found = _FOUND.search(result.stdout.decode("utf-8", "replace"))
            signature = re.sub(r"[^A-Za-z0-9._:-]", "", found.group(1))[:120] if found else "unknown"
            return ScanResult(INFECTED, signature)
        return ScanResult(ERROR)
    except OSError:
        return ScanResult(ERROR)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


async def clamscan(content: bytes, *, database: str = "") -> ScanResult:
    return await asyncio.to_thread(clamscan_sync, content, database=database)


# The scanner in use: an async callable (content, *, database) -> ScanResult. Tests may replace it
# to simulate a scanner that crashes; the real tests run clamscan with a local signature file.
SCANNER = clamscan


async def scan(content: bytes, settings=None) -> ScanResult:
    """Scan the bytes. Fails closed: a crash or an unexpected answer is ERROR, never CLEAN."""
    try:
        result = await SCANNER(content, database=clamav_database(settings))
    except Exception:  # noqa: BLE001 - a scanner failure must never let a file through
        return ScanResult(ERROR)
    if not isinstance(result, ScanResult) or result.status not in (CLEAN, INFECTED, NOT_SCANNED, ERROR):
        return ScanResult(ERROR)
    return result


def not_downloadable(request, status: str | None, *, back_href: str, back_text: str, name: str = ""):
    """The GOV.UK page a download answers when its file is not scanned clean (409, no content)."""
    from tracker.templating import render

    status = status if status in SCAN_LABELS else PENDING
    return render(
        request,
        "uploads/not_downloadable.html",
        scan_status=status,
        scan_label=SCAN_LABELS[status],
        waiting=status == PENDING,
        file_name=name,
        back_href=back_href,
        back_text=back_text,
        status_code=409,
    )

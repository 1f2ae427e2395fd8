"""The files an action plan takes. Deciding what a file is (by content, refusing macros,
encryption and zip bombs) is tracker/uploads.py's job; this module only holds the allowlist."""

from __future__ import annotations

from tracker import uploads

PLAN_FILE_TYPES = frozenset({"pdf", "docx", "xlsx", "odt", "ods"})


def check_upload(
    content: bytes, *, limit_bytes: int, limit_mb: int | None = None, filename: str | None = None
) -> uploads.CheckedFile:
    """An action plan file checked by tracker.uploads.check_upload against PLAN_FILE_TYPES."""
    return uploads.check_upload(
        content, PLAN_FILE_TYPES, limit_bytes=limit_bytes, limit_mb=limit_mb, filename=filename
    )

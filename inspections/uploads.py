"""Uploaded files: type decided by content, zip bombs refused, a malware scan that fails closed.

Spreadsheets (CSV, XLSX) are read into a pandas DataFrame of strings; documents (PDF, DOCX,
ODT) are kept as bytes for the debrief note. Filenames are only ever metadata.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess  # noqa: S404 - runs clamscan with a fixed argument list
import zipfile

import pandas as pd

MAX_TABLE_BYTES = 5 * 1024 * 1024
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
MAX_RATIO = 120
EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml", "activex", "macros/")
SAFE_NAME = re.compile(r"[^A-Za-z0-9 ._()-]+")


class UploadError(ValueError):
    """A GOV.UK error message about the file."""


async def read_file(upload, limit: int) -> tuple[str, bytes]:
    if upload is None or not hasattr(upload, "read"):
        raise UploadError("Select a file")
    content = await upload.read(limit + 1)
    if not content:
        raise UploadError("The selected file is empty")
    if len(content) > limit:
        raise UploadError(f"The selected file must be smaller than {limit // (1024 * 1024)}MB")
    return clean_filename(upload.filename or "upload"), content


def clean_filename(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = SAFE_NAME.sub("_", base).strip(" .") or "upload"
    return base[:200]


def check_zip(content: bytes) -> zipfile.ZipFile:
    """Open a zip container, refusing bombs: too many entries, too large, too compressed, or
    sizes that lie (decompression is capped while it runs)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadError("The selected file is damaged or not the type it claims to be") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UploadError("The selected file has too many parts to be read safely")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNZIPPED_BYTES or declared > MAX_RATIO * max(len(content), 1):
        raise UploadError("The selected file expands too much to be read safely")
    if any(any(part in i.filename.lower() for part in MACRO_PARTS) for i in infos):
        raise UploadError("The selected file contains macros: save it without macros and upload it again")
    total = 0
    try:
        for info in infos:
            with archive.open(info) as member:
                while chunk := member.read(64 * 1024):
                    total += len(chunk)
                    if total > MAX_UNZIPPED_BYTES or total > MAX_RATIO * max(len(content), 1):
                        raise UploadError("The selected file expands too much to be read safely")
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError):
        raise UploadError("The selected file is damaged or not the type it claims to be") from None
    return archive


def sniff(content: bytes) -> str | None:
    """The file's type from its content: pdf, xlsx, docx, odt, ods, csv or None."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        if "mimetype" in names:
            mimetype = zipfile.ZipFile(io.BytesIO(content)).read("mimetype")[:80]
            if mimetype == b"application/vnd.oasis.opendocument.text":
                return "odt"
        return None
    if b"\x00" in content[:4096]:
        return None
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return "csv"


def read_table(content: bytes) -> pd.DataFrame:
    """A CSV or XLSX upload as a DataFrame of stripped strings, with lower-case column names."""
    kind = sniff(content)
    if kind not in ("csv", "xlsx"):
        raise UploadError("The selected file must be a CSV or XLSX spreadsheet")
    try:
        if kind == "xlsx":
            check_zip(content)
            frame = pd.read_excel(io.BytesIO(content), dtype=str, keep_default_na=False, engine="openpyxl")
        else:
            text = content.decode("utf-8-sig")
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
    except UploadError:
        raise
    except Exception:  # noqa: BLE001 - any parser failure is the same message to the user
        raise UploadError("The selected file could not be read as a spreadsheet") from None
    frame.columns = [" ".join(str(c).strip().lower().replace("_", " ").split()) for c in frame.columns]
    frame = frame.fillna("")
    for column in frame.columns:
        frame[column] = frame[column].astype(str).str.strip()
    frame = frame[~(frame == "").all(axis=1)]
    return frame


DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


def check_document(content: bytes) -> str:
    """The content type of an allowed document (PDF, DOCX, ODT), or UploadError."""
    kind = sniff(content)
    if kind not in DOCUMENT_TYPES:
        raise UploadError("The selected file must be a PDF, DOCX or ODT")
    if kind in ("docx", "odt"):
        check_zip(content)
    return DOCUMENT_TYPES[kind]


def scan(content: bytes) -> str:
    """Malware scan. Returns the result stored with the file; raises UploadError unless clean.

    ClamAV's clamscan is used when installed; a scanner error fails closed. Without clamscan
    the file is checked for the EICAR test signature only, and the result says so."""
    if EICAR in content:
        raise UploadError("The selected file contains a virus")
    clamscan = shutil.which("clamscan")
    if not clamscan:
        return "clean (no scanner installed: test signatures only)"
    result = subprocess.run(  # noqa: S603 - fixed arguments, file on stdin
        [clamscan, "--no-summary", "--stdout", "-"], input=content, capture_output=True, timeout=120
    )
    if result.returncode == 0:
        return "clean (clamscan)"
    if result.returncode == 1:
        raise UploadError("The selected file contains a virus")
    raise UploadError("The selected file could not be checked for viruses. Try again later")

"""What an uploaded file is, decided by its content (SECURITY.md E2-E4), with bounded memory.

The draft report may be a PDF, Word document (.docx) or OpenDocument text (.odt); a photograph
a PNG or JPEG; an accuracy-point import an Excel spreadsheet (.xlsx) or CSV. Macro-enabled and
renamed files are refused, and zip containers are checked for bombs before anything unpacks them.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

MAX_DRAFT_BYTES = 20 * 1024 * 1024
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ZIP_RATIO = 200

DRAFT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MACROS = "The selected file contains macros. Save it without macros and upload it again"
DAMAGED = "The selected file is damaged. Save it again and upload the new copy"
TOO_BIG_UNPACKED = "The selected file is too large when unpacked"


class FileRefused(ValueError):
    """A file we will not keep; the message is written for the person who uploaded it."""


def _open_zip(content: bytes) -> zipfile.ZipFile:
    """A zip container, refused if it is a bomb (entries, declared size, ratio) or damaged."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise FileRefused(DAMAGED) from error
    if len(infos) > MAX_ZIP_ENTRIES:
        raise FileRefused(TOO_BIG_UNPACKED)
    total = sum(i.file_size for i in infos)
    if total > MAX_ZIP_UNCOMPRESSED:
        raise FileRefused(TOO_BIG_UNPACKED)
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
            raise FileRefused(TOO_BIG_UNPACKED)
        if info.compress_size == 0 and info.file_size > 1024:
            raise FileRefused(TOO_BIG_UNPACKED)
    return archive


def _member(archive: zipfile.ZipFile, name: str, limit: int = 1024 * 1024) -> bytes:
    """Read at most `limit` bytes of one member (sizes in a zip can lie)."""
    with archive.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(TOO_BIG_UNPACKED)
    return data


def _has_macros(names: list[str], content_types: bytes) -> bool:
    lowered = [n.lower() for n in names]
    return (
        any(
            n.endswith("vbaproject.bin") or n.startswith("basic/") or n.startswith("scripts/")
            for n in lowered
        )
        or b"macroEnabled" in content_types
        or b"vbaProject" in content_types
    )


def draft_type(content: bytes) -> str:
    """pdf, docx or odt, or FileRefused."""
    if not content:
        raise FileRefused("The selected file is empty")
    if len(content) > MAX_DRAFT_BYTES:
        raise FileRefused("The selected file must be smaller than 20 MB")
    wrong = "The selected file must be a PDF, Word document (.docx) or OpenDocument text (.odt)"
    if content.startswith(b"%PDF-"):
        if re.search(rb"/(JavaScript|JS|Launch)\b", content):
            raise FileRefused("The selected PDF contains scripts. Print it to a new PDF and upload that")
        return "pdf"
    if not content.startswith(b"PK\x03\x04"):
        raise FileRefused(wrong)
    archive = _open_zip(content)
    names = archive.namelist()
    content_types = _member(archive, "[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if _has_macros(names, content_types):
        raise FileRefused(MACROS)
    if "word/document.xml" in names:
        return "docx"
    if "mimetype" in names and _member(archive, "mimetype", 200).strip() == DRAFT_TYPES["odt"].encode():
        return "odt"
    raise FileRefused(wrong)


def image_type(content: bytes) -> str:
    """png or jpeg, or FileRefused."""
    if not content:
        raise FileRefused("The selected file is empty")
    if len(content) > MAX_IMAGE_BYTES:
        raise FileRefused("The selected image must be smaller than 10 MB")
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    raise FileRefused("The selected image must be a PNG or JPEG")


def spreadsheet_type(content: bytes) -> str:
    """xlsx or csv, or FileRefused (for the accuracy-point import)."""
    if not content:
        raise FileRefused("The selected file is empty")
    if len(content) > MAX_IMPORT_BYTES:
        raise FileRefused("The selected file must be smaller than 5 MB")
    if content.startswith(b"PK\x03\x04"):
        archive = _open_zip(content)
        names = archive.namelist()
        content_types = _member(archive, "[Content_Types].xml") if "[Content_Types].xml" in names else b""
        if _has_macros(names, content_types):
            raise FileRefused(MACROS)
        if "xl/workbook.xml" not in names:
            raise FileRefused("The selected file must be an Excel spreadsheet (.xlsx) or CSV")
        return "xlsx"
    if content.startswith((b"\xd0\xcf\x11\xe0", b"%PDF")) or b"\x00" in content[:8192]:
        raise FileRefused("The selected file must be an Excel spreadsheet (.xlsx) or CSV")
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused("The selected CSV file must be saved as UTF-8") from error
    return "csv"


def safe_filename(name: str, fallback: str = "file") -> str:
    """A name safe for Content-Disposition and display: no path, no control or quote characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._ -]", "_", name).strip(" .")
    return name[:120] or fallback


def attachment_headers(filename: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{safe_filename(filename)}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }

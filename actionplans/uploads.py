"""Deciding what an uploaded file is, by its content, and refusing anything unsafe.

Allowed: PDF, Word (.docx), Excel (.xlsx), OpenDocument text (.odt) and spreadsheet (.ods).
The name a file arrives with decides nothing: it is kept only as escaped metadata.

Refused, each with a message a person can act on:
- anything else (an executable renamed plan.pdf, old .doc/.xls, images, text);
- macro-enabled documents (vbaProject.bin, macro-enabled content types, ODF Basic/Scripts);
- encrypted documents (OLE compound files holding an EncryptedPackage, encrypted PDFs and ODF);
- zip bombs: too many entries, too large a declared size, too high a compression ratio, or sizes
  that lie. Every check reads at most a bounded number of bytes, so memory stays bounded.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
from dataclasses import dataclass

ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
TYPE_LABELS = {
    "pdf": "PDF",
    "docx": "Word document",
    "xlsx": "Excel spreadsheet",
    "odt": "OpenDocument text",
    "ods": "OpenDocument spreadsheet",
}

MAX_ENTRIES = 1000
MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBER_READ = 2 * 1024 * 1024  # the bytes of a single control file we will look at
CHUNK = 64 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EOCD_SIGNATURE = b"PK\x05\x06"

WRONG_TYPE = (
    "The selected file must be a PDF, Word document (.docx), Excel spreadsheet (.xlsx), "
    "OpenDocument text (.odt) or OpenDocument spreadsheet (.ods)"
)
MACROS = "The selected file contains macros. Save it without macros (as .docx, .xlsx, .odt or .ods)"
ENCRYPTED = "The selected file is password protected. Remove the password and upload it again"
DAMAGED = "The selected file is damaged or not a real document. Save it again and upload the new copy"
TOO_COMPLEX = "The selected file is too large when unpacked. Save it again as a smaller document"
OLD_OFFICE = (
    "The selected file is in an old Word or Excel format. Save it as a Word document (.docx) "
    "or Excel spreadsheet (.xlsx)"
)
EMPTY = "The selected file is empty"


class UploadRefused(ValueError):
    """A file we will not keep; the message is written for the person who uploaded it."""


@dataclass(frozen=True)
class CheckedFile:
    file_type: str
    size: int
    sha256: str

    @property
    def media_type(self) -> str:
        return ALLOWED_TYPES[self.file_type]


def too_large_message(limit_mb: int) -> str:
    return f"The selected file must be smaller than {limit_mb} MB"


def check_upload(content: bytes, *, limit_bytes: int, limit_mb: int | None = None) -> CheckedFile:
    """Decide the file's type from its content, or raise UploadRefused with the reason."""
    if not content:
        raise UploadRefused(EMPTY)
    if len(content) > limit_bytes:
        raise UploadRefused(too_large_message(limit_mb or limit_bytes // (1024 * 1024)))
    if content.startswith(b"%PDF-"):
        file_type = _check_pdf(content)
    elif content.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in content or b"EncryptedPackage" in content:
            raise UploadRefused(ENCRYPTED)
        raise UploadRefused(OLD_OFFICE)
    elif content.startswith(ZIP_MAGIC):
        file_type = _check_zip(content)
    else:
        raise UploadRefused(WRONG_TYPE)
    return CheckedFile(file_type=file_type, size=len(content), sha256=hashlib.sha256(content).hexdigest())


_PDF_ENCRYPT = re.compile(rb"/Encrypt\s*(\d+\s+\d+\s+R|<<)")
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|XFA)\b")


def _check_pdf(content: bytes) -> str:
    if b"%%EOF" not in content[-2048:] and b"%%EOF" not in content:
        raise UploadRefused(DAMAGED)
    if _PDF_ENCRYPT.search(content):
        raise UploadRefused(ENCRYPTED)
    if _PDF_ACTIVE.search(content):
        raise UploadRefused(
            "The selected PDF contains scripts or embedded files. Print it to a new PDF and upload that"
        )
    return "pdf"


def _declared_entries(content: bytes) -> int:
    """The entry count in the end-of-central-directory record, read before zipfile parses anything."""
    tail = content[-(22 + 65535) :]
    position = tail.rfind(EOCD_SIGNATURE)
    if position < 0 or len(tail) - position < 22:
        raise UploadRefused(DAMAGED)
    (_sig, _disk, _cd_disk, _disk_entries, total_entries, _cd_size, _cd_offset, _comment) = struct.unpack(
        "<4sHHHHIIH", tail[position : position + 22]
    )
    if total_entries == 0xFFFF:  # zip64: far more entries than any document has
        raise UploadRefused(TOO_COMPLEX)
    return total_entries


def _check_zip(content: bytes) -> str:
    if _declared_entries(content) > MAX_ENTRIES:
        raise UploadRefused(TOO_COMPLEX)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError) as error:
        raise UploadRefused(DAMAGED) from error
    if len(infos) > MAX_ENTRIES:
        raise UploadRefused(TOO_COMPLEX)
    declared_total = 0
    for info in infos:
        if info.flag_bits & 0x1:  # an encrypted zip entry
            raise UploadRefused(ENCRYPTED)
        declared_total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UploadRefused(TOO_COMPLEX)
    if declared_total > MAX_TOTAL_UNCOMPRESSED:
        raise UploadRefused(TOO_COMPLEX)
    names = {info.filename for info in infos}
    lowered = {name.lower() for name in names}
    if any(name.endswith("vbaproject.bin") or name.endswith("vbadata.xml") for name in lowered):
        raise UploadRefused(MACROS)
    # Decompress everything with bounded reads: sizes that lie, CRC errors and bombs show here.
    _inflate_all(archive, infos)
    if "mimetype" in names:
        return _odf_type(archive, lowered)
    if "[Content_Types].xml" in names:
        return _ooxml_type(archive, lowered)
    raise UploadRefused(WRONG_TYPE)


def _inflate_all(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        seen = 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    seen += len(chunk)
                    total += len(chunk)
                    if seen > info.file_size or total > MAX_TOTAL_UNCOMPRESSED:
                        raise UploadRefused(TOO_COMPLEX)
                    if seen > 1024 * 1024 and seen > MAX_RATIO * max(info.compress_size, 1):
                        raise UploadRefused(TOO_COMPLEX)
        except UploadRefused:
            raise
        except (
            zipfile.BadZipFile,
            ValueError,
            EOFError,
            OSError,
            NotImplementedError,
            RuntimeError,
        ) as error:
            raise UploadRefused(DAMAGED) from error
        if seen != info.file_size:
            raise UploadRefused(DAMAGED)


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        data = member.read(MAX_MEMBER_READ + 1)
    if len(data) > MAX_MEMBER_READ:
        raise UploadRefused(TOO_COMPLEX)
    return data


def _odf_type(archive: zipfile.ZipFile, lowered: set[str]) -> str:
    mimetype = _read_member(archive, "mimetype").strip().decode("ascii", "replace")
    kinds = {ALLOWED_TYPES["odt"]: "odt", ALLOWED_TYPES["ods"]: "ods"}
    if mimetype not in kinds:
        raise UploadRefused(WRONG_TYPE)
    if any(name.startswith(("basic/", "scripts/")) for name in lowered):
        raise UploadRefused(MACROS)
    if "meta-inf/manifest.xml" in lowered:
        manifest_name = next(n for n in archive.namelist() if n.lower() == "meta-inf/manifest.xml")
        manifest = _read_member(archive, manifest_name)
        if b"encryption-data" in manifest:
            raise UploadRefused(ENCRYPTED)
    return kinds[mimetype]


_OOXML_MAIN = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
_OOXML_MACRO = (
    b"macroEnabled",
    b"application/vnd.ms-office.vbaProject",
    b"application/vnd.ms-office.activeX",
)


def _ooxml_type(archive: zipfile.ZipFile, lowered: set[str]) -> str:
    types = _read_member(archive, "[Content_Types].xml")
    if any(marker.lower() in types.lower() for marker in _OOXML_MACRO):
        raise UploadRefused(MACROS)
    if any(name.startswith(("word/activex/", "xl/activex/")) for name in lowered):
        raise UploadRefused(MACROS)
    found = {kind for marker, kind in _OOXML_MAIN.items() if marker in types}
    if len(found) != 1:
        raise UploadRefused(WRONG_TYPE)
    kind = found.pop()
    expected = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    if expected not in lowered:
        raise UploadRefused(DAMAGED)
    return kind


_UNSAFE = re.compile(r"[^A-Za-z0-9 ._-]+")


def safe_filename(original: str, file_type: str, fallback: str = "action-plan") -> str:
    """A download name: the original's base name stripped to safe characters, with the real type's
    extension (an executable that claimed to be plan.pdf never gets served as anything)."""
    base = original.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("-", stem).strip(" .-_")[:80] or fallback
    return f"{stem}.{file_type}"


def clean_original_name(name: str | None) -> str:
    """Kept as metadata only: control characters removed, length bounded. Shown escaped."""
    if not name:
        return ""
    return "".join(ch for ch in name if ch.isprintable())[:255]

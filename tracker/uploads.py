"""One fail-closed upload pipeline (SECURITY.md E1-E5): what a file is, decided by its content.

Every feature that takes a file calls `check_upload(content, allowed, ...)` with the types it
accepts (pdf, docx, xlsx, odt, ods, csv, png, jpeg). The name a file arrives with decides nothing:
it is kept only as escaped metadata (`clean_original_name`), and a download gets a safe name
with the real type's extension (`safe_filename`) in a `Content-Disposition: attachment` header
(`download_headers`, RFC 6266 `filename*`).

Refused, each with a GOV.UK-worded message a person can act on (`UploadRefused`):
- an empty file, or one over the size limit (`too_large` is set: answer 413);
- anything not in the caller's allowlist (an executable renamed plan.pdf, old .doc/.xls, text);
- a renamed file: its name's extension says one type, its content another;
- active content, found after decoding (SECURITY.md K7): in Office files, macro parts however
  declared ([Content_Types].xml and every .rels part read as XML, so character references count),
  ActiveX controls, embedded or linked OLE objects, external templates; in ODF, Basic/ and
  Scripts/; in PDFs, scripts, launch actions, embedded files, additional actions, rich media and
  XFA forms, with names' # escapes decoded and compressed object streams read (pypdf);
- encrypted documents (OLE compound files holding an EncryptedPackage, encrypted PDF, ODF or zip);
- zip bombs: thousands of entries, a huge declared size, a high compression ratio, or sizes that
  lie. The entry count is read from the end record before anything is parsed, and every member
  is inflated in bounded chunks, so memory stays bounded whatever the archive claims.

The malware scan is the next step: tracker/scanning.py.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote
from xml.parsers import expat

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
TYPE_LABELS = {
    "pdf": "PDF",
    "docx": "Word document (.docx)",
    "xlsx": "Excel spreadsheet (.xlsx)",
    "odt": "OpenDocument text (.odt)",
    "ods": "OpenDocument spreadsheet (.ods)",
    "csv": "CSV file",
    "png": "PNG image",
    "jpeg": "JPEG image",
}
EXTENSIONS = {
    "pdf": ("pdf",),
    "docx": ("docx",),
    "xlsx": ("xlsx",),
    "odt": ("odt",),
    "ods": ("ods",),
    "csv": ("csv", "txt"),
    "png": ("png",),
    "jpeg": ("jpg", "jpeg", "jpe"),
}
DOCUMENTS = frozenset({"pdf", "docx", "odt"})
SPREADSHEETS = frozenset({"xlsx", "csv"})
IMAGES = frozenset({"png", "jpeg"})

MAX_ENTRIES = 1000
MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # small members may compress well; the ratio applies above this
MAX_MEMBER_READ = 2 * 1024 * 1024  # the bytes of a single control file we will look at
CHUNK = 64 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EOCD_SIGNATURE = b"PK\x05\x06"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
# Binary formats that are never text, whatever they decode as.
_BINARY_MAGICS = (OLE_MAGIC, b"PK", b"%PDF", b"MZ", b"\x7fELF", PNG_MAGIC, JPEG_MAGIC, b"GIF8", b"\x1f\x8b")

EMPTY = "The selected file is empty"
MACROS = "The selected file contains macros. Save it without macros and upload it again"
ENCRYPTED = "The selected file is password protected. Remove the password and upload it again"
DAMAGED = "The selected file is damaged or not a real document. Save it again and upload the new copy"
TOO_COMPLEX = "The selected file is too large when unpacked. Save it again as a smaller file"
OLD_OFFICE = (
    "The selected file is in an old Word or Excel format. Save it as a Word document (.docx) "
    "or Excel spreadsheet (.xlsx)"
)
PDF_ACTIVE = "The selected PDF contains scripts or embedded files. Print it to a new PDF and upload that"
NOT_UTF8 = "The selected CSV file must be saved as UTF-8"


class UploadRefused(ValueError):
    """A file we will not keep; the message is written for the person who uploaded it."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large

    @property
    def status_code(self) -> int:
        """413 for a file over the limit (E1); 200 otherwise, so htmx swaps the error page."""
        return 413 if self.too_large else 200


@dataclass(frozen=True)
class CheckedFile:
    file_type: str
    size: int
    sha256: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.file_type]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.file_type][0]


def _join(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def wrong_type_message(allowed: Iterable[str]) -> str:
    """'The selected file must be a PDF, Word document (.docx) or OpenDocument text (.odt)'."""
    labels = [TYPE_LABELS[kind] for kind in MEDIA_TYPES if kind in set(allowed)]
    article = "an" if labels and labels[0][0] in "AEIOU" else "a"
    return f"The selected file must be {article} {_join(labels)}"


def too_large_message(limit_mb: int) -> str:
    return f"The selected file must be smaller than {limit_mb} MB"


def limit_bytes_for(limit_mb: int) -> int:
    return limit_mb * 1024 * 1024


def check_upload(
    content: bytes,
    allowed: Iterable[str],
    *,
    limit_bytes: int,
    limit_mb: int | None = None,
    filename: str | None = None,
    wrong_type: str | None = None,
) -> CheckedFile:
    """Decide the file's type from its content against `allowed`, or raise UploadRefused.

    `filename` (as uploaded) is compared with the content: a known extension that names another
    type is a renamed file and refused. `wrong_type` replaces the default wrong-type message."""
    allowed = frozenset(allowed)
    unknown = allowed - MEDIA_TYPES.keys()
    if unknown or not allowed:
        raise ValueError(f"unknown upload types: {sorted(unknown)}")
    wrong = wrong_type or wrong_type_message(allowed)
    if not content:
        raise UploadRefused(EMPTY)
    if len(content) > limit_bytes:
        raise UploadRefused(
            too_large_message(limit_mb or max(limit_bytes // (1024 * 1024), 1)), too_large=True
        )
    file_type = sniff(content, allowed, wrong)
    if file_type not in allowed:
        raise UploadRefused(wrong)
    if filename and renamed(filename, file_type):
        raise UploadRefused(renamed_message(filename, file_type))
    return CheckedFile(file_type=file_type, size=len(content), sha256=hashlib.sha256(content).hexdigest())


def sniff(content: bytes, allowed: frozenset[str] = frozenset(MEDIA_TYPES), wrong: str | None = None) -> str:
    """The type of `content`, checked for macros, encryption and bombs, or UploadRefused."""
    wrong = wrong or wrong_type_message(allowed)
    if content.startswith(b"%PDF-"):
        return _check_pdf(content)
    if content.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in content or b"EncryptedPackage" in content:
            raise UploadRefused(ENCRYPTED)
        raise UploadRefused(OLD_OFFICE)
    if content.startswith(ZIP_MAGIC):
        return _check_zip(content, wrong)
    if content.startswith(PNG_MAGIC):
        return "png"
    if content.startswith(JPEG_MAGIC):
        return "jpeg"
    if "csv" in allowed and _is_text(content):
        return "csv"
    raise UploadRefused(wrong)


def _is_text(content: bytes) -> bool:
    if content.startswith(_BINARY_MAGICS) or b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefused(NOT_UTF8) from None
    return not any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text[:65536])


# -- renamed files ---------------------------------------------------------------------------------

_KNOWN_EXTENSION = re.compile(r"^[A-Za-z]{2,5}$")


def extension_of(filename: str) -> str:
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip().rstrip(".")
    if "." not in base:
        return ""
    ext = base.rsplit(".", 1)[1]
    return ext.lower() if _KNOWN_EXTENSION.match(ext) else ""


def renamed(filename: str, file_type: str) -> bool:
    """True when the name's extension (letters only: 'v1.2' is not one) names another type."""
    ext = extension_of(filename)
    return bool(ext) and ext not in EXTENSIONS[file_type]


def renamed_message(filename: str, file_type: str) -> str:
    ext = extension_of(filename)
    return (
        f"The selected file's name ends .{ext} but it is a {TYPE_LABELS[file_type]}. "
        "Save it again in the right format and upload it"
    )


# -- PDF -------------------------------------------------------------------------------------------

# Stream data is not PDF syntax (image bytes may hold '/JS' by chance) and is left out of the search,
# except for object streams, which hold objects: those are decoded (pypdf) and searched too.
_PDF_STREAM_DATA = re.compile(rb"\bstream(?:\r\n|\r|\n).*?endstream", re.DOTALL)
_PDF_STREAM_KEYWORD = re.compile(rb"\bstream\b")
_PDF_XREF_ENTRY = re.compile(rb"\d{10} \d{5} [fn]")
PDF_ACTIVE_NAMES = ("JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia", "XFA", "AA")
# Bounds on the work a PDF can ask for (a 500-page report has some tens of thousands of objects).
MAX_PDF_OBJECTS = 100_000
MAX_PDF_OBJECT_STREAMS = 2_000


def _pdf_name_pattern(names: Iterable[str]) -> re.Pattern[bytes]:
    """The names however spelt: a PDF reader reads /J#61vaScript as /JavaScript (ISO 32000 7.3.5)."""

    def spellings(char: str) -> str:
        escape = "".join(f"[{h}{h.lower()}]" if h.isalpha() else h for h in f"{ord(char):02X}")
        return f"(?:{re.escape(char)}|#{escape})"

    alternatives = "|".join("".join(spellings(char) for char in name) for name in names)
    return re.compile(f"/(?:{alternatives})(?=[\\s\\x00/\\[\\]()<>{{}}%]|$)".encode())


_PDF_ACTIVE_NAME = _pdf_name_pattern(PDF_ACTIVE_NAMES)
_PDF_ENCRYPT_NAME = _pdf_name_pattern(["Encrypt"])
_PDF_OBJECT_STREAM_NAME = _pdf_name_pattern(["ObjStm"])


def _check_pdf(content: bytes) -> str:
    if b"%%EOF" not in content:
        raise UploadRefused(DAMAGED)
    syntax = _PDF_STREAM_DATA.sub(b" ", content)
    if _PDF_ENCRYPT_NAME.search(syntax):
        raise UploadRefused(ENCRYPTED)
    if _PDF_ACTIVE_NAME.search(syntax):
        raise UploadRefused(PDF_ACTIVE)
    if _PDF_STREAM_KEYWORD.search(content) and _object_streams_active(content, syntax):
        raise UploadRefused(PDF_ACTIVE)
    return "pdf"


def _at_most(pattern: re.Pattern[bytes], data: bytes, limit: int) -> int:
    """How many times `pattern` occurs in `data`, refusing the file past `limit`."""
    count = 0
    for _match in pattern.finditer(data):
        count += 1
        if count > limit:
            raise UploadRefused(TOO_COMPLEX)
    return count


def _object_streams_active(content: bytes, syntax: bytes) -> bool:
    """Whether the objects kept compressed in object streams hold active content.

    The object streams searched are those the cross-reference lists, as a PDF reader finds them.
    pypdf reads strictly, so it never rebuilds a broken cross-reference object by object: a PDF it
    cannot read, or with an object stream its cross-reference does not list, is damaged (what is
    in it cannot be checked)."""
    from pypdf import PdfReader

    _at_most(_PDF_XREF_ENTRY, syntax, MAX_PDF_OBJECTS)
    declared = _at_most(_PDF_OBJECT_STREAM_NAME, syntax, MAX_PDF_OBJECT_STREAMS)
    try:
        reader = PdfReader(io.BytesIO(content), strict=True, xref_stream_maximum_entries=MAX_PDF_OBJECTS)
        if reader.is_encrypted:
            raise UploadRefused(ENCRYPTED)
        listed = {stream for stream, _index in reader.xref_objStm.values()}  # their generation is 0
        if len(listed) < declared or len(listed) > MAX_PDF_OBJECT_STREAMS:
            raise UploadRefused(DAMAGED)
        decoded = 0
        for number in listed:
            data = reader.get_object(number).get_data()
            decoded += len(data)
            if decoded > MAX_TOTAL_UNCOMPRESSED:
                raise UploadRefused(TOO_COMPLEX)
            if _PDF_ACTIVE_NAME.search(data):
                return True
        return False
    except UploadRefused:
        raise
    except Exception as error:  # noqa: BLE001 - whatever pypdf cannot read cannot be checked
        raise UploadRefused(TOO_COMPLEX if _over_pypdf_limit(error) else DAMAGED) from error


def _over_pypdf_limit(error: BaseException | None) -> bool:
    from pypdf.errors import LimitReachedError

    while error is not None:
        if isinstance(error, LimitReachedError):
            return True
        error = error.__cause__ or error.__context__
    return False


# -- zip containers (docx, xlsx, odt, ods) ---------------------------------------------------------


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


def open_zip(content: bytes) -> zipfile.ZipFile:
    """A zip container checked for bombs (entries, declared size, ratio, lying sizes) and
    encrypted entries, every member inflated with bounded reads. UploadRefused otherwise."""
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
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UploadRefused(TOO_COMPLEX)
    if declared_total > MAX_TOTAL_UNCOMPRESSED:
        raise UploadRefused(TOO_COMPLEX)
    _inflate_all(archive, infos)
    return archive


def _check_zip(content: bytes, wrong: str) -> str:
    archive = open_zip(content)
    names = {info.filename for info in archive.infolist()}
    lowered = {name.lower() for name in names}
    if any(name.endswith(("vbaproject.bin", "vbadata.xml")) for name in lowered):
        raise UploadRefused(MACROS)
    if "mimetype" in names:
        return _odf_type(archive, lowered, wrong)
    if "[Content_Types].xml" in names:
        return _ooxml_type(archive, lowered, wrong)
    raise UploadRefused(wrong)


def _inflate_all(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Decompress everything in bounded chunks: sizes that lie, CRC errors and bombs show here."""
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
                    if seen > RATIO_FLOOR and seen > MAX_RATIO * max(info.compress_size, 1):
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


def read_member(archive: zipfile.ZipFile, name: str, limit: int = MAX_MEMBER_READ) -> bytes:
    """At most `limit` bytes of one member (sizes in a zip can lie)."""
    with archive.open(name) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(TOO_COMPLEX)
    return data


def _odf_type(archive: zipfile.ZipFile, lowered: set[str], wrong: str) -> str:
    mimetype = read_member(archive, "mimetype").strip().decode("ascii", "replace")
    kinds = {MEDIA_TYPES["odt"]: "odt", MEDIA_TYPES["ods"]: "ods"}
    if any(name.startswith(("basic/", "scripts/")) for name in lowered):
        raise UploadRefused(MACROS)
    if mimetype not in kinds:
        raise UploadRefused(wrong)
    if "meta-inf/manifest.xml" in lowered:
        manifest_name = next(n for n in archive.namelist() if n.lower() == "meta-inf/manifest.xml")
        if b"encryption-data" in read_member(archive, manifest_name):
            raise UploadRefused(ENCRYPTED)
    return kinds[mimetype]


_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
# Content types (lower case) of parts that run code or hold other programs' objects.
_OOXML_ACTIVE_TYPES = ("macroenabled", "vbaproject", "vbadata", "activex", "oleobject")
# Relationship types (their last path segment, lower case) that load macros, controls, embedded or
# linked objects, or a template or frame from elsewhere (remote template injection).
_OOXML_ACTIVE_RELATIONSHIPS = frozenset(
    {
        "vbaproject",
        "wordvbadata",
        "oleobject",
        "control",
        "activexcontrolbinary",
        "attachedtemplate",
        "subdocument",
        "frame",
    }
)
_TEMPLATE_TARGET = re.compile(r"\.(dotx?|dotm|xltx?|xltm|docm|xlsm|xlam)\b", re.IGNORECASE)


def _ooxml_type(archive: zipfile.ZipFile, lowered: set[str], wrong: str) -> str:
    types = _xml_elements(read_member(archive, "[Content_Types].xml"))
    content_types = {attributes.get("ContentType", "").strip() for _tag, attributes in types}
    if any(marker in kind.lower() for kind in content_types for marker in _OOXML_ACTIVE_TYPES):
        raise UploadRefused(MACROS)
    if any(name.startswith(("word/activex/", "xl/activex/")) or "embeddings/" in name for name in lowered):
        raise UploadRefused(MACROS)
    if any(_active_relationship(attributes) for attributes in _relationships(archive)):
        raise UploadRefused(MACROS)
    found = {_OOXML_MAIN[kind] for kind in content_types if kind in _OOXML_MAIN}
    if not found:
        # a workbook or document without the override (some generators) is known by its part
        found = {
            k for k, part in (("docx", "word/document.xml"), ("xlsx", "xl/workbook.xml")) if part in lowered
        }
    if len(found) != 1:
        raise UploadRefused(wrong)
    kind = found.pop()
    expected = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    if expected not in lowered:
        raise UploadRefused(DAMAGED)
    return kind


def _relationships(archive: zipfile.ZipFile) -> list[dict[str, str]]:
    """The attributes of every Relationship in every .rels part."""
    return [
        attributes
        for name in archive.namelist()
        if name.lower().endswith(".rels")
        for tag, attributes in _xml_elements(read_member(archive, name))
        if tag == "Relationship"
    ]


def _active_relationship(attributes: dict[str, str]) -> bool:
    kind = attributes.get("Type", "").strip().rstrip("/").rsplit("/", 1)[-1].lower()
    external = attributes.get("TargetMode", "").strip().lower() == "external"
    template = external and bool(_TEMPLATE_TARGET.search(attributes.get("Target", "")))
    return kind in _OOXML_ACTIVE_RELATIONSHIPS or template


def _refuse_declarations(*_args) -> None:
    raise UploadRefused(DAMAGED)


def _xml_elements(data: bytes) -> list[tuple[str, dict[str, str]]]:
    """Each element of a small XML part as (local name, attributes), character references decoded.

    Office never writes a DTD, so one (or an entity declaration, where entity bombs start) is
    refused as damaged, as is anything that is not well-formed XML."""
    parser = expat.ParserCreate(namespace_separator=" ")
    elements: list[tuple[str, dict[str, str]]] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        elements.append((name.rsplit(" ", 1)[-1], attributes))

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise UploadRefused(DAMAGED) from error
    return elements


# -- reading the upload from the form --------------------------------------------------------------


async def read_upload(upload, limit_bytes: int) -> tuple[bytes, str] | None:
    """(content, original name as metadata) from a form's UploadFile, reading at most one byte
    over the limit (check_upload then refuses it). None when no file was chosen."""
    if isinstance(upload, list):
        upload = upload[0] if upload else None
    if upload is None or not hasattr(upload, "read"):
        return None
    try:
        content = await upload.read(limit_bytes + 1)
    finally:
        close = getattr(upload, "close", None)
        if close is not None:
            await close()
    original = clean_original_name(getattr(upload, "filename", "") or "")
    if not content and not original:
        return None
    return content, original


def limit_mb_for(request, cap_mb: int | None = None) -> int:
    """The upload limit in MB: the UPLOAD_LIMIT_MB setting, or a feature's smaller cap."""
    limit = request.app.state.settings.upload_limit_mb
    return min(limit, cap_mb) if cap_mb else limit


async def receive(
    upload,
    allowed: Iterable[str],
    *,
    limit_mb: int,
    missing: str = "Select a file",
    wrong_type: str | None = None,
) -> tuple[CheckedFile, bytes, str]:
    """Read a form's file with a bounded read and check it: (checked, content, original name).
    UploadRefused (with `missing` when no file was chosen) otherwise."""
    limit_bytes = limit_bytes_for(limit_mb)
    received = await read_upload(upload, limit_bytes)
    if received is None:
        raise UploadRefused(missing)
    content, original = received
    checked = check_upload(
        content, allowed, limit_bytes=limit_bytes, limit_mb=limit_mb, filename=original, wrong_type=wrong_type
    )
    return checked, content, original


# -- names and download headers (E4, E5) -----------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9 ._-]+")


def clean_original_name(name: str | None) -> str:
    """Kept as metadata only: the base name (no directories), no control characters (CR, LF,
    NUL), length bounded. Shown escaped, never used as a path."""
    if not name:
        return ""
    name = unicodedata.normalize("NFC", _base_name(str(name)))
    return "".join(ch for ch in name if ch.isprintable())[:255]


def _base_name(name: str) -> str:
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1]


def _split(base: str, file_type: str | None) -> tuple[str, str]:
    stem, ext = base.rsplit(".", 1) if "." in base else (base, "")
    if file_type:
        return stem, EXTENSIONS[file_type][0]
    return stem, re.sub(r"[^A-Za-z0-9]", "", ext)[:10]


def _name(original: str, file_type: str | None, fallback: str, *, ascii_only: bool) -> str:
    stem, ext = _split(clean_original_name(original), file_type)
    if ascii_only:
        stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = "".join(ch if ch.isalnum() or ch in " ._-" else "-" for ch in stem)
    stem = re.sub(r"-{2,}", "-", stem).strip(" .-_")[:80].strip(" .-_")
    if not stem:
        return fallback
    return f"{stem}.{ext}" if ext else stem


def safe_filename(original: str, file_type: str | None = None, fallback: str = "file") -> str:
    """A download name in plain ASCII: the original's base name stripped to safe characters. With
    `file_type`, the real type's extension replaces whatever the name claimed."""
    if file_type and "." not in fallback:
        fallback = f"{fallback}.{EXTENSIONS[file_type][0]}"
    return _name(original, file_type, fallback, ascii_only=True)


def content_disposition(original: str, file_type: str | None = None, *, inline: bool = False) -> str:
    """`attachment; filename="plain-ascii.pdf"; filename*=UTF-8''percent-encoded.pdf` (RFC 6266,
    RFC 5987): no path, quote, semicolon or line break can reach the header."""
    ascii_name = safe_filename(original, file_type)
    header = f'{"inline" if inline else "attachment"}; filename="{ascii_name}"'
    utf8 = _name(original, file_type, "", ascii_only=False)
    if utf8 and not utf8.isascii():
        header += f"; filename*=UTF-8''{quote(utf8, safe='')}"
    return header


def download_headers(original: str, file_type: str | None = None, *, inline: bool = False) -> dict[str, str]:
    """The headers every stored file is served with (E4, E5)."""
    return {
        "Content-Disposition": content_disposition(original, file_type, inline=inline),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }


def file_response(content: bytes, original: str, file_type: str, *, inline: bool = False):
    """A Litestar response for a stored file of a checked type: the media type from the type we
    decided, never from the upload; a safe attachment name; nosniff and no-store."""
    from litestar import Response

    return Response(
        content=bytes(content),
        media_type=MEDIA_TYPES[file_type],
        headers=download_headers(original, file_type, inline=inline),
    )


# -- spreadsheets as tables ------------------------------------------------------------------------

SPREADSHEET_UNREADABLE = "The selected file could not be read as a spreadsheet"


def read_table(content: bytes, file_type: str, *, header: bool = True, normalise: bool = True):
    """A checked CSV or XLSX file (see check_upload) as a pandas DataFrame of stripped strings,
    read within tracker.spreadsheets' limits (run it in a worker thread: spreadsheets.off_loop).

    With `normalise`, column names are lower case with single spaces and blank rows are dropped.
    A spreadsheet past a limit is SpreadsheetTooLarge; any other failure is UploadRefused with
    one message."""
    from tracker import spreadsheets

    if file_type not in ("csv", "xlsx"):
        raise UploadRefused(wrong_type_message(SPREADSHEETS))
    try:
        frame = spreadsheets.read_frame(
            content, file_type, dtype=str, keep_default_na=False, header=0 if header else None
        )
    except UploadRefused:
        raise
    except Exception:  # noqa: BLE001 - any parser failure is the same message to the user
        raise UploadRefused(SPREADSHEET_UNREADABLE) from None
    if not normalise:
        return frame
    frame.columns = [" ".join(str(c).strip().lower().replace("_", " ").split()) for c in frame.columns]
    frame = frame.fillna("")
    for column in frame.columns:
        frame[column] = frame[column].astype(str).str.strip()
    return frame[~(frame == "").all(axis=1)]

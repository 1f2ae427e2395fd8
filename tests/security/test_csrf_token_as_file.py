"""Found by the wapiti scan (H3): a multipart body that sends `_csrf_token` as a file part made
Litestar's CSRF check take len() of an UploadFile, a 500. It is now refused like any bad token."""

from __future__ import annotations

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


def test_the_same_token_as_a_field_still_works(client):
    response = client.post(
        "/login",
        data={"_csrf_token": csrf_token(client), "username": "nobody", "password": "wrong-password-123"},
        files={"unrelated": ("a.txt", b"x", "text/plain")},
        follow_redirects=False,
    )
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.text

"""Two-step sign-in: required for admins and managers, available to everyone (SECURITY.md B5)."""

import re
from dataclasses import replace

import httpx
import pyotp
import pytest

from tests.support import (
    PASSWORD,
    audit_rows,
    current_code,
    make_user,
    post_at_once,
    post_form,
    run,
    sign_in,
)
from tracker import twofactor
from tracker.clock import now_utc
from tracker.roles import Role
from tracker.tables import AppUser, LoginChallenge, RecoveryCode
from tracker.tokens import token_hash

TOO_MANY_CODES = "You have entered too many wrong codes. Wait 15 minutes, then sign in again."


def password_step(client, username):
    return post_form(client, "/login", {"username": username, "password": PASSWORD, "next": "/admin/users"})


def test_enrolled_user_needs_the_code_before_any_page(client):
    make_user("ada", Role.ADMIN)
    response = password_step(client, "ada")
    assert response.headers["location"] == "/login/code"
    assert client.get("/admin/users", follow_redirects=False).status_code == 302
    wrong = post_form(client, "/login/code", {"code": "000000"}, token_from="/login/code")
    assert "The code is not correct" in wrong.text
    right = post_form(client, "/login/code", {"code": current_code("ada")}, token_from="/login/code")
    assert right.headers["location"] == "/admin/users"
    assert client.get("/admin/users").status_code == 200


def test_a_code_works_once(client):
    make_user("ada", Role.ADMIN)
    code = current_code("ada")
    password_step(client, "ada")
    post_form(client, "/login/code", {"code": code}, token_from="/login/code")
    client.cookies.clear()
    password_step(client, "ada")
    replay = post_form(client, "/login/code", {"code": code}, token_from="/login/code")
    assert "The code is not correct" in replay.text


@pytest.mark.parametrize("role", [Role.ADMIN, Role.HMIP_MANAGER, Role.HMPPS_MANAGER])
def test_required_roles_must_set_up_an_app_at_first_sign_in(client, role):
    make_user("boss", role, two_factor=False)
    response = password_step(client, "boss")
    assert response.headers["location"] == "/login/set-up-authenticator"
    page = client.get("/login/set-up-authenticator")
    assert "<svg" in page.text
    secret = re.search(r'<code class="app-secret">([A-Z2-7 ]+)</code>', page.text).group(1).replace(" ", "")
    bad = post_form(
        client, "/login/set-up-authenticator", {"code": "12"}, token_from="/login/set-up-authenticator"
    )
    assert "There is a problem" in bad.text
    done = post_form(
        client,
        "/login/set-up-authenticator",
        {"code": pyotp.TOTP(secret).now()},
        token_from="/login/set-up-authenticator",
    )
    assert "Save your recovery codes" in done.text
    codes = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", done.text)
    assert len(codes) == 10
    assert client.get("/").status_code == 200
    assert audit_rows("two_factor.enable")[-1]["object_type"] == "user"

    # A recovery code signs in once.
    client.cookies.clear()
    password_step(client, "boss")
    ok = post_form(client, "/login/code", {"code": codes[0]}, token_from="/login/code")
    assert ok.status_code == 302
    client.cookies.clear()
    password_step(client, "boss")
    again = post_form(client, "/login/code", {"code": codes[0]}, token_from="/login/code")
    assert "The code is not correct" in again.text


def test_other_roles_sign_in_with_a_password_and_may_turn_it_on(client):
    make_user("sam", Role.HMPPS_SCRUTINY)
    response = password_step(client, "sam")
    assert response.headers["location"] == "/admin/users"
    page = client.get("/account/two-factor")
    assert "Set up an authenticator app" in page.text
    secret = re.search(r'<code class="app-secret">([A-Z2-7 ]+)</code>', page.text).group(1).replace(" ", "")
    done = post_form(
        client,
        "/login/set-up-authenticator",
        {"code": pyotp.TOTP(secret).now()},
        token_from="/accessibility",
    )
    assert "Save your recovery codes" in done.text
    assert run(AppUser.select(AppUser.totp_enabled_at).where(AppUser.username == "sam").first())[
        "totp_enabled_at"
    ]


def test_too_many_wrong_codes_end_the_attempt(client):
    make_user("ada", Role.ADMIN)
    password_step(client, "ada")
    for _ in range(5):
        post_form(client, "/login/code", {"code": "000000"}, token_from="/login/code")
    response = client.get("/login/code", follow_redirects=False)
    assert response.headers["location"] == "/login"


def test_code_page_without_a_password_step_goes_back_to_sign_in(client):
    assert client.get("/login/code", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/login/set-up-authenticator", follow_redirects=False).headers["location"] == "/login"


def test_sign_in_helper_handles_two_step(client):
    make_user("ada", Role.ADMIN)
    sign_in(client, "ada")
    assert client.get("/admin/users").status_code == 200


def test_signing_in_again_buys_no_more_code_guesses(client):
    """K2: wrong codes count per user across challenges, recovery codes too."""
    make_user("ada", Role.ADMIN)
    for _ in range(7):
        client.cookies.clear()
        password_step(client, "ada")
        for guess in ("000000", "0123456789", "111111", "abcdef0123", "222222"):
            post_form(client, "/login/code", {"code": guess}, token_from="/login/code")
    checked = len(audit_rows("login.code", outcome="bad_code"))
    assert checked == twofactor.MAX_WRONG_CODES, f"{checked} codes checked in 7 rounds"
    assert audit_rows("login.code", outcome="throttled")

    client.cookies.clear()
    password_step(client, "ada")
    locked = post_form(client, "/login/code", {"code": current_code("ada")}, token_from="/login/code")
    assert locked.status_code == 200 and TOO_MANY_CODES in locked.text
    assert client.get("/admin/users", follow_redirects=False).status_code == 302


def test_concurrent_code_guesses_are_checked_at_most_five_times(live_server):
    make_user("ada", Role.ADMIN)

    async def burst():
        async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as client:
            (step,) = await post_at_once(client, "/login", {"username": "ada", "password": PASSWORD}, 1)
            assert step.headers["location"] == "/login/code"
            return await post_at_once(client, "/login/code", {"code": "000000"}, 30, token_from="/login/code")

    responses = run(burst())
    checked = len(audit_rows("login.code", outcome="bad_code"))
    assert 0 < checked <= twofactor.MAX_WRONG_CODES, f"{checked} of 30 codes checked"
    assert sum(TOO_MANY_CODES in r.text for r in responses) + checked <= 30


def test_challenge_cookie_has_the_host_prefix_when_cookies_are_secure(db, settings):
    from litestar.testing import TestClient

    from tracker.app import create_app

    make_user("ada", Role.ADMIN)
    app = create_app(replace(settings, environment="production", secure_cookies=True), engine=db)
    with TestClient(app=app, base_url="https://testserver.local") as client:
        step = password_step(client, "ada")
        (cookie,) = [c for c in step.headers.get_list("set-cookie") if "challenge" in c]
        assert cookie.startswith("__Host-challenge=")
        assert "secure" in cookie.lower() and "path=/" in cookie.lower() and "domain" not in cookie.lower()
        done = post_form(client, "/login/code", {"code": current_code("ada")}, token_from="/login/code")
        assert done.status_code == 302
        (removed,) = [c for c in done.headers.get_list("set-cookie") if "challenge" in c]
        assert removed.startswith("__Host-challenge=") and "secure" in removed.lower()
        assert "max-age=0" in removed.lower()


def test_authenticator_seeds_are_not_stored_in_plain_text(client):
    make_user("boss", Role.ADMIN, two_factor=False)
    password_step(client, "boss")
    page = client.get("/login/set-up-authenticator")
    secret = re.search(r'<code class="app-secret">([A-Z2-7 ]+)</code>', page.text).group(1).replace(" ", "")
    pending = run(LoginChallenge.select(LoginChallenge.pending_secret).first())["pending_secret"]
    assert pending and secret not in pending
    done = post_form(
        client,
        "/login/set-up-authenticator",
        {"code": pyotp.TOTP(secret).now()},
        token_from="/login/set-up-authenticator",
    )
    assert "Save your recovery codes" in done.text
    stored = run(AppUser.select(AppUser.totp_secret).where(AppUser.username == "boss").first())
    assert stored["totp_secret"] and secret not in stored["totp_secret"]
    client.cookies.clear()
    sign_in(client, "boss")
    assert client.get("/admin/users").status_code == 200


def test_the_same_recovery_code_is_stored_differently_for_two_users(client):
    users = [make_user(name, Role.ADMIN) for name in ("ada", "bob")]
    for user_id in users:
        run(twofactor.save_recovery_codes(user_id, ["0123456789"]))
    hashes = [row["code_hash"] for row in run(RecoveryCode.select(RecoveryCode.code_hash))]
    assert len(hashes) == 2 and hashes[0] != hashes[1]
    assert all(h.startswith("$argon2") and "0123456789" not in h for h in hashes)
    assert token_hash("0123456789") not in hashes
    for name in ("ada", "bob"):
        client.cookies.clear()
        password_step(client, name)
        ok = post_form(client, "/login/code", {"code": "01234 56789"}, token_from="/login/code")
        assert ok.headers["location"] == "/admin/users"


def test_secrets_stored_before_encryption_are_protected_in_place(client):
    """What the migration does to seeds and recovery codes stored the old way."""
    user_id = make_user("ada", Role.ADMIN, two_factor=False)
    seed = pyotp.random_base32()
    run(
        AppUser.update({AppUser.totp_secret: seed, AppUser.totp_enabled_at: now_utc()}).where(
            AppUser.id == user_id
        )
    )
    run(RecoveryCode.insert(RecoveryCode(user=user_id, code_hash=token_hash("0123456789"))))

    run(twofactor.protect_stored_secrets())

    stored = run(AppUser.select(AppUser.totp_secret).where(AppUser.id == user_id).first())["totp_secret"]
    assert seed not in stored
    (code_hash,) = [row["code_hash"] for row in run(RecoveryCode.select(RecoveryCode.code_hash))]
    assert code_hash.startswith("$argon2")
    password_step(client, "ada")
    ok = post_form(client, "/login/code", {"code": pyotp.TOTP(seed).now()}, token_from="/login/code")
    assert ok.headers["location"] == "/admin/users"
    client.cookies.clear()
    password_step(client, "ada")
    ok = post_form(client, "/login/code", {"code": "0123456789"}, token_from="/login/code")
    assert ok.headers["location"] == "/admin/users"


def _move_attempts_back(minutes: int) -> None:
    from datetime import timedelta

    from tracker.tables import AttemptCounter

    async def go():
        for row in await AttemptCounter.select(AttemptCounter.id, AttemptCounter.window_start):
            earlier = row["window_start"] - timedelta(minutes=minutes)
            await AttemptCounter.update({AttemptCounter.window_start: earlier}).where(
                AttemptCounter.id == row["id"]
            )

    run(go())


def test_the_lock_lasts_15_minutes_from_the_last_wrong_code_then_ends(client):
    make_user("ada", Role.ADMIN)
    password_step(client, "ada")
    for _ in range(4):
        post_form(client, "/login/code", {"code": "000000"}, token_from="/login/code")
    _move_attempts_back(14)
    client.cookies.clear()
    password_step(client, "ada")
    post_form(client, "/login/code", {"code": "000000"}, token_from="/login/code")  # the fifth
    _move_attempts_back(2)  # 16 minutes after the first wrong code, 2 after the fifth
    locked = post_form(client, "/login/code", {"code": current_code("ada")}, token_from="/login/code")
    assert TOO_MANY_CODES in locked.text
    _move_attempts_back(13)
    ok = post_form(client, "/login/code", {"code": current_code("ada")}, token_from="/login/code")
    assert ok.headers["location"] == "/admin/users"

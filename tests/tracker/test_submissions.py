"""A form sent twice does the work once (tracker/submissions.py): the second submission is sent
where the first one led; a submission with errors frees its token so the corrected form goes
through."""

import asyncio
import re
from types import SimpleNamespace

import pytest

from tests.support import audit_rows, make_user, run, sign_in
from tracker.principal import Principal
from tracker.roles import Role

SENT = {"title": "Some values"}
TOKENS = re.compile(r'name="_(csrf|form)_token" value="([^"]*)"')


def form_tokens(client, path: str) -> dict:
    found = {f"_{kind}_token": value for kind, value in TOKENS.findall(client.get(path).text)}
    assert set(found) == {"_csrf_token", "_form_token"}, f"no form tokens on {path}"
    return found


def new_user_fields(username: str) -> dict:
    return {
        "username": username,
        "display_name": "Grace Hopper",
        "roles": Role.HMIP_INSPECTOR.value,
    }


def users_named(username: str) -> int:
    from tracker.tables import AppUser

    return run(AppUser.count().where(AppUser.username == username))


@pytest.fixture
def admin_client(client):
    make_user("ada", Role.ADMIN)
    sign_in(client, "ada")
    return client


def test_each_rendered_form_has_its_own_token(admin_client):
    first = form_tokens(admin_client, "/admin/users/new")["_form_token"]
    second = form_tokens(admin_client, "/admin/users/new")["_form_token"]
    assert first != second


def test_the_same_form_sent_twice_creates_one_user_and_both_answers_lead_to_the_same_page(admin_client):
    tokens = form_tokens(admin_client, "/admin/users/new")
    payload = {**tokens, **new_user_fields("grace")}
    first = admin_client.post("/admin/users/new", data=payload, follow_redirects=False)
    second = admin_client.post("/admin/users/new", data=payload, follow_redirects=False)
    assert first.status_code in (302, 303)
    assert second.status_code == 303
    assert second.headers["location"] == first.headers["location"] == "/admin/users?done=created:grace"
    assert users_named("grace") == 1
    assert len(audit_rows("user.create")) == 1
    page = admin_client.get(second.headers["location"])
    assert "grace" in page.text and "already exists" not in page.text


def test_a_form_with_errors_keeps_what_was_typed_and_goes_through_once_corrected(admin_client):
    tokens = form_tokens(admin_client, "/admin/users/new")
    fields = new_user_fields("grace")
    without_role = {k: v for k, v in fields.items() if k != "roles"}
    refused = admin_client.post("/admin/users/new", data={**tokens, **without_role}, follow_redirects=False)
    assert refused.status_code == 200
    assert "Select at least one role" in refused.text and 'value="grace"' in refused.text
    accepted = admin_client.post("/admin/users/new", data={**tokens, **fields}, follow_redirects=False)
    assert accepted.status_code in (302, 303)
    assert accepted.headers["location"] == "/admin/users?done=created:grace"
    assert users_named("grace") == 1


def test_the_same_form_sent_again_with_other_values_is_a_new_submission(admin_client):
    tokens = form_tokens(admin_client, "/admin/users/new")
    for username in ("grace", "alan"):  # sent, then back, changed and sent again
        response = admin_client.post(
            "/admin/users/new", data={**tokens, **new_user_fields(username)}, follow_redirects=False
        )
        assert response.headers["location"] == f"/admin/users?done=created:{username}"
    assert users_named("grace") == users_named("alan") == 1


def test_different_forms_are_not_confused(admin_client):
    for username in ("grace", "alan"):
        tokens = form_tokens(admin_client, "/admin/users/new")
        response = admin_client.post(
            "/admin/users/new", data={**tokens, **new_user_fields(username)}, follow_redirects=False
        )
        assert response.headers["location"] == f"/admin/users?done=created:{username}"
    assert users_named("grace") == users_named("alan") == 1


def _request_of(user_id: int):
    principal = Principal(user_id=user_id, username=f"user{user_id}", display_name="", roles=frozenset())
    return SimpleNamespace(scope={"user": principal})


def test_two_submissions_at_once_one_does_the_work_the_other_gets_its_answer(db, monkeypatch):
    from tracker import submissions
    from tracker.submissions import AlreadySubmitted, claim, settle

    # the loser of the first race waits for an answer that never comes: not for the full 10 s
    monkeypatch.setattr(submissions, "WAIT_SECONDS", 1.0)

    token = "t" * 32
    user_id = make_user("grace", Role.HMIP_INSPECTOR)

    async def go():
        requests = [_request_of(user_id), _request_of(user_id)]
        outcomes = await asyncio.gather(*(claim(r, token, SENT) for r in requests), return_exceptions=True)
        winners = [r for r, outcome in zip(requests, outcomes, strict=True) if outcome is None]
        assert len(winners) == 1, outcomes
        key = winners[0].scope["state"]["claimed_form"]

        async def finish_first():
            await asyncio.sleep(0.3)
            await settle(key, 303, "/inspections/7?done=added")

        later, _ = await asyncio.gather(
            claim(_request_of(user_id), token, SENT), finish_first(), return_exceptions=True
        )
        return later

    answer = run(go())
    assert isinstance(answer, AlreadySubmitted)
    assert answer.location == "/inspections/7?done=added"


def test_another_users_token_is_theirs_alone(db):
    from tracker.submissions import claim

    token = "u" * 32
    first, second = make_user("grace", Role.HMIP_INSPECTOR), make_user("alan", Role.HMIP_INSPECTOR)
    run(claim(_request_of(first), token, SENT))
    request = _request_of(second)
    run(claim(request, token, SENT))  # not refused: the claim is per user
    assert request.scope["state"]["claimed_form"].startswith(f"{second}:{token}:")

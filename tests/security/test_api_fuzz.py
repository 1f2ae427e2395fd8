"""H4: schemathesis over the JSON API's OpenAPI schema, with a Bearer token: no 5xx.

The schema is read from the running app (/api/v1/schema/openapi.json, which needs sign-in);
schemathesis generates requests for every operation, sent in-process through the test client.
Bounded: a few examples per operation and user, so it runs in well under a minute."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core import NotSet

from tests.security.world import build_world
from tests.support import api_token
from tracker.roles import Role

EXAMPLES = 6


def fuzz(client, operation, username: str, headers: dict, problems: list[str]) -> int:
    """Send EXAMPLES generated requests for one operation; note any 5xx. Returns how many."""
    sent = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy())
    def call(case):
        nonlocal sent
        sent += 1
        path = case.formatted_path
        if not path.startswith("/api/v1"):
            path = "/api/v1" + path
        query = None if isinstance(case.query, NotSet) else case.query
        extra = {} if isinstance(case.headers, NotSet) else dict(case.headers or {})
        kwargs = {"params": query or None, "headers": {**extra, **headers}}
        if not isinstance(case.body, NotSet) and case.method.upper() in ("POST", "PUT", "PATCH"):
            kwargs["json"] = case.body
        response = client.request(case.method.upper(), path, **kwargs)
        if response.status_code >= 500:
            body = None if isinstance(case.body, NotSet) else case.body
            problems.append(f"{username} {case.method} {path} {body!r}: {response.status_code}")

    call()
    return sent


@pytest.mark.slow
def test_the_api_never_answers_with_a_server_error(client):
    build_world()
    problems: list[str] = []
    sent = 0
    for username in ("leader", "governora", "scrutiny"):
        headers = {"Authorization": f"Bearer {api_token(username)}"}
        raw = client.get("/api/v1/schema/openapi.json", headers=headers)
        assert raw.status_code == 200
        schema = schemathesis.openapi.from_dict(raw.json())
        for result in schema.get_all_operations():
            sent += fuzz(client, result.ok(), username, headers, problems)
    assert sent > 50
    assert problems == [], "\n".join(problems[:20])


@pytest.mark.parametrize("path", ["/inspections/{id}", "/api/v1/inspections/{id}"])
def test_an_id_too_big_for_the_database_is_not_found(client, path):
    from tests.support import make_user, sign_in

    make_user("boss", Role.HMIP_MANAGER)
    sign_in(client, "boss")
    assert client.get(path.format(id=10**22)).status_code == 404

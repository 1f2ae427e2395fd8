"""H4 and K10: schemathesis over the JSON API's OpenAPI schema, with a Bearer token: no 5xx.

The schema is read from the running app (/api/v1/schema/openapi.json, which needs sign-in): it
describes the API and only the API, every request body included, so schemathesis generates
requests for every operation (bodies that follow the schema, and bodies that break it), sent
in-process through the test client. Path ids are establishment A's (tests/security/world.py), so
every request reaches its handler instead of a 404 for an id no row has. Bounded: a few examples
per operation, set of ids and user (about 580 requests; a minute or two)."""

from __future__ import annotations

from collections import defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core import NotSet
from schemathesis.generation.modes import GenerationMode

from tests.security.test_cross_establishment import contexts
from tests.security.world import build_world
from tests.support import api_token
from tracker.roles import Role

EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 3}
USERNAMES = ("leader", "governora", "scrutiny")
WRITES = {"post", "put", "patch", "delete"}


def read_schema(client, headers: dict) -> dict:
    raw = client.get("/api/v1/schema/openapi.json", headers=headers)
    assert raw.status_code == 200
    return raw.json()


def operations_of(schema: dict) -> list[str]:
    """'METHOD /path' for every operation the schema describes."""
    return [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "put", "post", "patch", "delete", "head", "options"}
    ]


def test_the_schema_describes_the_api_and_every_body_it_takes(client):
    from tests.support import make_user

    make_user("leader", Role.HMIP_TEAM_LEADER)
    schema = read_schema(client, {"Authorization": f"Bearer {api_token('leader')}"})
    operations = operations_of(schema)
    assert len(operations) >= 20
    elsewhere = [op for op in operations if not op.split(" ")[1].startswith("/api/v1/")]
    assert elsewhere == [], "the API's schema describes pages, which the fuzzer cannot call"
    assert not [op for op in operations if "/api/v1/schema" in op], "the schema documents itself"
    undescribed = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in WRITES:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            if not body.get("schema", {}).get("properties"):
                undescribed.append(f"{method.upper()} {path}")
    assert undescribed == [], "write operations whose body the schema does not describe"


def path_ids_for(operation, world) -> list[dict]:
    """The sets of A's ids that fill the operation's path (an inspection and its point...)."""
    names = [p.name for p in operation.path_parameters]
    found = {tuple((n, ids[n]) for n in names) for ids in contexts(world.a) if set(names) <= ids.keys()}
    return [dict(values) for values in sorted(found)]


def fuzz(client, operation, mode, path_ids: dict, headers: dict, seen: dict, problems: list) -> None:
    """Send generated requests for one operation; note each answer's status, and any 5xx."""

    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy(mode, path_parameters=path_ids or None))
    def call(case):
        query = None if isinstance(case.query, NotSet) else case.query
        extra = {} if isinstance(case.headers, NotSet) else dict(case.headers or {})
        kwargs = {"params": query or None, "headers": {**extra, **headers}}
        if isinstance(case.body, bytes):  # a body that is not JSON at all (negative cases)
            kwargs["content"] = case.body
            kwargs["headers"]["Content-Type"] = case.media_type or "application/json"
        elif not isinstance(case.body, NotSet):
            kwargs["json"] = case.body
        response = client.request(case.method.upper(), case.formatted_path, **kwargs)
        seen[f"{case.method.upper()} {case.path}"].append(response.status_code)
        if response.status_code >= 500:
            body = None if isinstance(case.body, NotSet) else case.body
            problems.append(f"{case.method} {case.formatted_path} {body!r}: {response.status_code}")

    try:
        call()
    except Unsatisfiable:  # nothing in this operation's request can break its schema
        assert mode == GenerationMode.NEGATIVE


@pytest.mark.slow
def test_the_api_never_answers_with_a_server_error(client):
    world = build_world()
    problems: list[str] = []
    seen: dict[str, list[int]] = defaultdict(list)
    for username in USERNAMES:
        headers = {"Authorization": f"Bearer {api_token(username)}"}
        raw = read_schema(client, headers)
        schema = schemathesis.openapi.from_dict(raw)
        for result in schema.get_all_operations():
            operation = result.ok()
            for path_ids in path_ids_for(operation, world):
                for mode in EXAMPLES:
                    fuzz(client, operation, mode, path_ids, headers, seen, problems)
    in_schema = operations_of(raw)
    assert sorted(seen) == sorted(in_schema), "every operation in the schema is fuzzed"
    never_reached = [op for op, statuses in seen.items() if set(statuses) <= {404, 405}]
    assert never_reached == [], "operations every request missed (no route or no row)"
    writes = [op for op in in_schema if op.split(" ")[0].lower() in WRITES]
    only_refused = [op for op in writes if set(seen[op]) <= {400, 401, 403, 404, 405}]
    assert only_refused == [], "write operations that never read a generated body"
    assert problems == [], "\n".join(problems[:20])


@pytest.mark.parametrize("path", ["/inspections/{id}", "/api/v1/inspections/{id}"])
def test_an_id_too_big_for_the_database_is_not_found(client, path):
    from tests.support import make_user, sign_in

    make_user("boss", Role.HMIP_MANAGER)
    sign_in(client, "boss")
    assert client.get(path.format(id=10**22)).status_code == 404

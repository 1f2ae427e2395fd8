"""K10 (the JSON API's bodies): no 5xx for hostile values in any field of any write.

Each write operation is sent a body it accepts as well formed (BASE, with establishment A's ids),
then the same body with one field at a time set to a hostile value of that field's kind: ids
beyond PostgreSQL's integer and beyond 64 bits, negative, dates in year 1 and 9999, a date and
time at the very end of year 9999, a string of a million characters, text holding a NUL
(PostgreSQL cannot store it), and lists of such ids; and
in every field a value of the wrong JSON type (an object, a list, a float, a boolean). The
fields are the body's (BASE) and every field the OpenAPI schema describes, so a field added to the
schema is covered when added. Then bodies nested 5,000 deep. The answer may be any refusal; never
a server error. Runs on SQLite and PostgreSQL (the `db` mark, as every test with a client).
"""

from __future__ import annotations

from datetime import timedelta

from tests.security.world import build_world
from tests.support import api_token
from tracker.clock import today_london

BIG_IDS = [2**31, 2**63, 2**70, -(2**70)]
HOSTILE = {
    "integer": BIG_IDS,
    "date": ["0001-01-01", "9999-12-31"],
    "date-time": ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-12:00", "9999-12-31T23:59:59+00:00"],
    "string": ["x" * 1_000_000, "NUL \x00 inside"],
    "array": [[n] for n in BIG_IDS] + [["x" * 100_000]],
}
WRONG_TYPES = [{"an": "object"}, [["a list"]], 1e308, True]  # in every field, whatever its type
DEEP = 5_000


def base_bodies(world) -> dict[str, tuple[str, dict]]:
    """'METHOD path template' -> (who sends it, a body its handler reads as well formed)."""
    a = world.a
    day = today_london()
    soon, later = (day + timedelta(days=20)).isoformat(), (day + timedelta(days=24)).isoformat()
    point = {"location": "1.1", "category": "data", "current_text": "a", "proposed_correction": "b"}
    return {
        "POST /api/v1/inspections": (
            "leader",
            {
                "establishment_id": a.establishment,
                "kind": "full",
                "title": "Hostile",
                "start_date": soon,
                "end_date": later,
                "announced": True,
                "announced_on": day.isoformat(),
                "team_leader_id": world.users_by_name["leader"],
                "team_ids": [world.users_by_name["inspector"]],
                "visited_establishment_ids": [],
                "follows": a.first("inspection_id"),
                "coordinator": "c",
                "liaison_officer": "l",
            },
        ),
        "POST /api/v1/inspections/{inspection_id}/events": (
            "leader",
            {
                "kind": "debrief_held",
                "occurred_on": day.isoformat(),
                "occurred_at": f"{day.isoformat()}T10:00:00+00:00",
                "note": "n",
                "link": "https://example.org/",
                "corrects": a.first("inspection_id"),
                "reason": "r",
            },
        ),
        "POST /api/v1/inspections/{inspection_id}/extensions": (
            "leader",
            {"key": "fact_check_return", "new_due": later, "reason": "r", "agreed_by": "b"},
        ),
        "POST /api/v1/inspections/{inspection_id}/factcheck/points": ("scrutiny", point | {"evidence": "c"}),
        "PUT /api/v1/inspections/{inspection_id}/factcheck/return": (
            "scrutiny",
            {"returned_on": day.isoformat(), "content_to_publish": False, "not_content_reason": "r", "version": 1},
        ),
        "PUT /api/v1/inspections/{inspection_id}/factcheck/points/{point_id}/answer": (
            "leader",
            {"version": 1, "decision": "accepted", "matter_of_judgement": False, "reason": "r"},
        ),
        "POST /api/v1/inspections/{inspection_id}/data": (
            "leader",
            {"description": "d", "source": "hub", "report_section": "s", "notified_on": day.isoformat()},
        ),
        "PUT /api/v1/inspections/{inspection_id}/data/{item_id}/response": (
            "scrutiny",
            {"response": "consent", "responded_on": day.isoformat(), "consent_reference": "c", "version": 1},
        ),
        "POST /api/v1/inspections/{inspection_id}/publication": (
            "leader",
            {"published_on": day.isoformat(), "link": "https://example.org/report"},
        ),
        "POST /api/v1/action-plans/{plan_id}/actions": (
            "governora",
            {
                "recommendation_id": a.first("recommendation_id"),
                "description": "d",
                "owner": "o",
                "target_date": later,
                "status": "not_started",
            },
        ),
        "PATCH /api/v1/action-plans/{plan_id}/actions/{action_id}": (
            "governora",
            {"version": 1, "description": "d", "owner": "o", "target_date": later, "status": "in_progress"},
        ),
    }


def described_fields(schema: dict, method: str, path: str) -> dict[str, str]:
    """{field: kind} for the body the OpenAPI schema describes (none: {})."""
    operation = schema["paths"].get(path, {}).get(method.lower(), {})
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    kinds = {}
    for name, field in body.get("schema", {}).get("properties", {}).items():
        kinds[name] = kind_of(field)
    return kinds


def kind_of(field: dict) -> str:
    for option in [field, *field.get("anyOf", []), *field.get("oneOf", [])]:
        if option.get("type") == "string" and option.get("format") in ("date", "date-time"):
            return option["format"]
        if option.get("type") in ("integer", "string", "array"):
            return option["type"]
    return "other"


def kind_of_value(value) -> str:
    if isinstance(value, bool) or value is None:
        return "other"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str) and "T" in value and value[:4].isdigit():
        return "date-time"
    if isinstance(value, str) and len(value) == 10 and value[:4].isdigit():
        return "date"
    return "string" if isinstance(value, str) else "other"


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_no_5xx_for_hostile_values_in_any_body_field(client):
    world = build_world()
    ids = {"inspection_id": world.a.first("inspection_id"), "plan_id": world.a.first("plan_id")}
    ids |= {"point_id": world.a.first("point_id"), "item_id": world.a.first("item_id")}
    ids |= {"action_id": world.a.first("action_id")}
    tokens = {name: api_token(name) for name in ("leader", "scrutiny", "governora")}
    schema = client.get("/api/v1/schema/openapi.json", headers={"Authorization": f"Bearer {tokens['leader']}"})
    schema = schema.json()
    problems, sent = [], 0
    for operation, (username, body) in base_bodies(world).items():
        method, path = operation.split(" ")
        url = path.format(**ids)
        headers = {"Authorization": f"Bearer {tokens[username]}"}
        kinds = {name: kind_of_value(value) for name, value in body.items()}
        kinds |= described_fields(schema, method, path)
        bodies = [body | {name: value} for name, kind in kinds.items() for value in HOSTILE.get(kind, [])]
        bodies += [body | {name: value} for name in kinds for value in WRONG_TYPES]
        for hostile in bodies:
            response = client.request(method, url, json=hostile, headers=headers)
            sent += 1
            if response.status_code >= 500 or "Traceback" in response.text:
                field = next(k for k in hostile if hostile[k] is not body.get(k))
                shown = repr(hostile[field])[:40]
                problems.append(f"{operation} {field}={shown}: {response.status_code}")
        for raw in (deep(DEEP), '{"note": ' + deep(DEEP) + "}"):
            response = client.request(
                method, url, content=raw, headers=headers | {"Content-Type": "application/json"}
            )
            sent += 1
            if response.status_code >= 500:
                problems.append(f"{operation} nested {DEEP} deep: {response.status_code}")
    assert sent > 100
    assert problems == [], "\n".join(problems)

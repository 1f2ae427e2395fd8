"""K14: an id of another establishment's object under one's own parent (an action of B's in the
URL of A's own action plan) is refused as missing, and the denial is audited like any other.
The whole app is covered by test_cross_establishment; this is the quick check of the parts that
resolve a child under its parent: in action plans, the only ones that did not audit it."""

from __future__ import annotations

from tests.security.test_cross_establishment import cross_establishment_problems
from tests.security.world import build_world


def test_another_establishments_id_under_ones_own_action_plan_is_audited(client, app):
    problems, tried = cross_establishment_problems(client, app, build_world(), only="/action-plans/")
    assert tried > 10
    assert problems == [], "\n".join(problems)

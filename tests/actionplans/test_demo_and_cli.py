"""Demo data makes the journeys visible and loads twice without duplicates; the CLI lists
overdue actions."""

from click.testing import CliRunner

from actionplans import queries
from actionplans.cli import overdue_actions_command
from tests.actionplans.helpers import TODAY, run


def test_demo_is_idempotent_and_shows_each_stage(db):
    from actionplans.demo import load
    from actionplans.tables import ActionPlan, PlanAction
    from inspections.demo import load_establishments
    from tracker.demo import load_users

    run(load_establishments())
    run(load_users())
    run(load())
    plans = run(ActionPlan.select(ActionPlan.status))
    actions = run(PlanAction.count())
    run(load())
    assert run(ActionPlan.select(ActionPlan.status)) == plans and run(PlanAction.count()) == actions
    assert sorted(p["status"] for p in plans) == ["accepted", "published", "submitted"]
    assert len(run(queries.overdue_actions(None, TODAY))) == 2


def test_overdue_actions_command(db):
    from actionplans.demo import load
    from inspections.demo import load_establishments
    from tracker.demo import load_users

    run(load_establishments())
    run(load_users())
    run(load())
    result = CliRunner().invoke(overdue_actions_command, ["--establishment", "HMP Example"])
    assert result.exit_code == 0, result.output
    assert "2 overdue action(s)" in result.output and "HMP Example" in result.output
    missing = CliRunner().invoke(overdue_actions_command, ["--establishment", "HMP Nowhere"])
    assert missing.exit_code != 0 and "no establishment called HMP Nowhere" in missing.output

"""Every audit action the code writes by name has its words in tracker/audit_words.py, so the
audit log never shows an administrator a bare code ("factcheck.photo_removed")."""

import ast
from pathlib import Path

from tracker.audit_words import ACTION_WORDS

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("tracker", "inspections", "factcheck", "actionplans", "timelines")


def _named_actions() -> dict[str, str]:
    """action -> where: the literal first argument of audit.record(...) and the second of
    change(actor, ...)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                name = ast.unparse(node.func)
                position = 0 if name.endswith("audit.record") else 1 if name == "change" else None
                if position is None or len(node.args) <= position:
                    continue
                argument = node.args[position]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.setdefault(argument.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_named_action_has_words():
    actions = _named_actions()
    assert len(actions) > 50  # the scan found the code's actions
    missing = {action: where for action, where in actions.items() if action not in ACTION_WORDS}
    assert not missing, missing

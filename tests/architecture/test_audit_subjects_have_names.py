"""Every kind of subject the code writes to the audit log is named for an administrator: a domain
names its rows (Domain.audit_subjects: "Photograph 'Cell on A wing' for HMP Example, …", with a
link), or, for a subject that is not a row the log can look up (a page, a run, an export),
tracker/audit_words.py SUBJECT_WORDS says what it is. So no row reads "plan_action 12"."""

import ast
from pathlib import Path

from tracker.audit_words import SUBJECT_WORDS

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("tracker", "inspections", "factcheck", "actionplans", "timelines")
# calls that write an audit row about a subject, and the position of the subject's kind
# when it is not given by name (object_type=...)
POSITIONAL = {"deny_as_not_found": 1, "deny_as_forbidden": 1, "require_establishment": 2}
WRITERS = {"record", "change", *POSITIONAL}


def _kind_arguments(node: ast.Call) -> list[ast.expr]:
    name = ast.unparse(node.func).split(".")[-1]
    if name not in WRITERS:
        return []
    found = [k.value for k in node.keywords if k.arg == "object_type"]
    position = POSITIONAL.get(name)
    if position is not None and len(node.args) > position:
        found.append(node.args[position])
    return found


def _audited_kinds() -> dict[str, str]:
    """kind -> where: every literal subject kind given to the audit's writers."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                for argument in _kind_arguments(node):
                    if isinstance(argument, ast.Constant) and argument.value:
                        found.setdefault(argument.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _named_by_domains() -> set[str]:
    from tracker.wiring import DOMAINS

    return {kind for domain in DOMAINS for kind in domain.audit_subjects}


def test_every_audited_subject_kind_has_a_name():
    kinds = _audited_kinds()
    assert {"inspection", "action_plan", "photograph", "route"} <= set(kinds)  # the scan found them
    named = _named_by_domains() | set(SUBJECT_WORDS)
    missing = {kind: where for kind, where in kinds.items() if kind not in named}
    assert not missing, missing


def test_the_domains_row_subjects_include_the_plans_and_the_fact_check():
    assert {
        "action_plan",
        "plan_action",
        "action_plan_file",
        "accuracy_point",
        "data_item",
        "photograph",
        "draft_file",
    } <= _named_by_domains()


def test_no_kind_is_both_a_domains_row_and_plain_words():
    assert not _named_by_domains() & set(SUBJECT_WORDS)

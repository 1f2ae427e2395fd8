"""Nothing outside the operations writes a domain table (issue 13, ARCHITECTURE.md).

Reads the product's source (no import, no database): a write is a call of a domain table's
insert/update/delete/raw, or the construction of a row object (which only exists to be saved).
Allowed: each domain's `operations/` package; `inspections/events.py`, the one writer of facts
(it checks the workflow); `timelines/store.py`, which rewrites the stored milestones inside the
operation's transaction. Anything else is listed below as debt, with why, so it shrinks; a new
write anywhere else fails this test."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ("inspections", "factcheck", "actionplans", "timelines")
WRITES = {"insert", "update", "delete", "raw"}
ALLOWED = {"inspections/events.py", "timelines/store.py"}

# debt: writes not yet moved into an operation (module -> why it is still here)
DEBT = {
    "inspections/demo.py": "the demo establishments: to go through the establishment operations",
    "inspections/demo_inspections.py": "the demo inspections' rows; their facts already use record_fact",
    "inspections/people.py": "user administration sets a user's establishments inside its own transaction",
    "factcheck/demo.py": "the demo fact checks: to go through the fact-check operations",
    "actionplans/demo.py": "the demo action plans: to go through the action plan operations",
    "timelines/demo.py": "the demo recurring obligations",
    "timelines/feeds.py": "calendar feed tokens: a person's own subscription, not yet an operation",
    "timelines/programme_import.py": "the programme import creates inspections: to call create_inspection",
}


def domain_tables() -> set[str]:
    names = set()
    for domain in DOMAINS:
        tree = ast.parse((ROOT / domain / "tables.py").read_text())
        names |= {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    return names


def tables_imported(tree: ast.AST, tables: set[str]) -> set[str]:
    """The names under which a module imported domain tables (from a domain's tables module)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in DOMAINS:
            if (node.module or "").endswith(".tables"):
                names |= {alias.asname or alias.name for alias in node.names if alias.name in tables}
    return names


def product_modules():
    for top in ("tracker", *DOMAINS):
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "piccolo_migrations" not in relative and not relative.endswith("/tables.py"):
                yield relative, ast.parse(path.read_text())


def writes_in(tree: ast.AST, tables: set[str]) -> list[str]:
    tables = tables_imported(tree, tables)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in tables:
            found.append(f"{func.id}(...) line {node.lineno}")
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in WRITES
            and isinstance(func.value, ast.Name)
            and func.value.id in tables
        ):
            found.append(f"{func.value.id}.{func.attr} line {node.lineno}")
    return found


def is_operation(module: str) -> bool:
    return "/operations/" in module or module in ALLOWED


def test_only_operations_write_domain_tables():
    tables = domain_tables()
    offenders = {
        module: writes
        for module, tree in product_modules()
        if not is_operation(module) and module not in DEBT and (writes := writes_in(tree, tables))
    }
    assert not offenders, offenders


def test_the_debt_list_holds_only_modules_that_still_write():
    tables = domain_tables()
    trees = dict(product_modules())
    cleared = [module for module in DEBT if not writes_in(trees[module], tables)]
    assert not cleared, f"no longer writes: take it off DEBT: {cleared}"

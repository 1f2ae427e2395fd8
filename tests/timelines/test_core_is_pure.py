"""The timelines core reads no clock: today is always a parameter (ARCHITECTURE.md). Its imports
are held by the import-linter contracts in pyproject.toml (run by make test)."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "timelines" / "core"
CLOCK_CALLS = {"today", "now", "utcnow", "time", "monotonic"}


def clock_calls(source: str) -> list[str]:
    """Each `x.today()`, `x.now()`, `time.time()`... the source makes, as written."""
    return [
        ast.unparse(node)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CLOCK_CALLS
    ]


def test_the_finder_sees_a_clock_call():
    assert clock_calls("from datetime import date\nday = date.today()\n") == ["date.today()"]
    assert clock_calls("stamp = datetime.datetime.now(tz)") == ["datetime.datetime.now(tz)"]
    assert clock_calls("day = add_working_days(start, 3)") == []


def test_the_core_never_reads_the_clock():
    files = sorted(CORE.glob("*.py"))
    assert len(files) >= 5
    found = {path.name: clock_calls(path.read_text()) for path in files}
    assert {name: calls for name, calls in found.items() if calls} == {}

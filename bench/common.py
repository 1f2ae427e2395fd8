"""What the benchmark scripts share: the --database-url argument, binding the database, and
printing (and keeping) a table of timed steps."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def parser_with_database(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--markdown", type=Path, help="also append the table to this file")
    return parser


def use_database(database_url: str | None) -> None:
    """Point the app's tables (and anything started from here) at this database."""
    if not database_url:
        raise SystemExit("set DATABASE_URL or pass --database-url")
    os.environ["DATABASE_URL"] = database_url
    from tracker.db import bind_engine, engine_from_url

    bind_engine(engine_from_url(database_url))


def database_kind(database_url: str) -> str:
    return "SQLite" if database_url.startswith("sqlite") else "PostgreSQL"


def print_steps(
    title: str, rows: list[tuple[str, float, str]], markdown: Path | None, footer: str = ""
) -> None:
    """A table of (step, seconds, result), printed and, with --markdown, appended to that file."""
    lines = [
        title,
        "",
        "| step | seconds | result |",
        "|---|---|---|",
        *(f"| {label} | {seconds:.1f} | {note} |" for label, seconds, note in rows),
    ]
    if footer:
        lines += ["", footer]
    text = "\n".join(lines)
    print(text)
    if markdown:
        with markdown.open("a") as out:
            out.write(text + "\n\n")

"""Read the 1.5 KB hostile .xlsx of SECURITY.md K1 (one cell at XFD1048576 under a declared
A1:XFD1048576) the old way (pandas.read_excel) or the new way (tracker.uploads.read_table).
Not part of `make bench`: the old way eats memory until it is stopped, so cap it, e.g.

    bash -c 'ulimit -v 3000000; /usr/bin/time -v .venv/bin/python bench/hostile_spreadsheet.py old'
    bash -c 'ulimit -v 3000000; /usr/bin/time -v .venv/bin/python bench/hostile_spreadsheet.py new'

(from the repository root with PYTHONPATH=$PWD). It prints the outcome and the read's time;
/usr/bin/time adds the peak memory ("Maximum resident set size")."""

from __future__ import annotations

import io
import sys
import time

from tests.security.test_spreadsheet_bounds import HOSTILE, hostile


def read(way: str, content: bytes) -> str:
    if way == "old":
        import pandas as pd

        pd.read_excel(io.BytesIO(content), dtype=str, keep_default_na=False, engine="openpyxl")
        return "read"
    from tracker import uploads

    try:
        uploads.read_table(content, "xlsx")
    except uploads.UploadRefused as refused:
        return f"refused: {refused}"
    return "read"


def main() -> None:
    way = sys.argv[1] if len(sys.argv) > 1 else "new"
    name = sys.argv[2] if len(sys.argv) > 2 else "far corner"
    content = hostile(name)
    start = time.perf_counter()
    try:
        outcome = read(way, content)
    except MemoryError:
        outcome = "MemoryError"
    print(f"{way}, {name} ({len(content):,} bytes; one of {', '.join(HOSTILE)}): {outcome}")
    print(f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()

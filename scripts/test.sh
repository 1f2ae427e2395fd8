#!/usr/bin/env bash
# The whole test suite: ruff, the import contracts, every test on SQLite, then every database test on
# PostgreSQL (a throwaway server on a loopback port in a temporary directory, stopped afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1
unset DATABASE_URL TEST_DATABASE_URL

echo "== ruff"
.venv/bin/ruff check .

echo "== import contracts (pyproject.toml [tool.importlinter])"
.venv/bin/lint-imports

WORKERS=${TEST_WORKERS:-2}
echo "== tests on SQLite"
.venv/bin/pytest -n "$WORKERS" --maxschedchunk 1 -q -p no:cacheprovider "$@"

echo "== database tests on PostgreSQL"
scripts/with-postgres.sh .venv/bin/pytest -n "$WORKERS" --maxschedchunk 1 -q -p no:cacheprovider -m db "$@"

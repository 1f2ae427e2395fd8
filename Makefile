# Two commands for a fresh machine:
#   make run   sets everything up, loads the demo data and serves on http://127.0.0.1:8000
#   make test  runs ruff and the whole test suite on SQLite, then again on PostgreSQL

.PHONY: run test setup lint bench bench-quick security

setup:
	scripts/setup.sh

run: setup
	.venv/bin/tracker migrate
	.venv/bin/tracker demo
	.venv/bin/tracker serve --host 127.0.0.1 --port 8000

test: setup
	scripts/test.sh

lint: setup
	.venv/bin/ruff check .

# wrk is installed from Debian's packages when missing (where we may); otherwise a Python load generator.
bench: setup
	bench/ensure_wrk.sh
	.venv/bin/python bench/run_all.py

bench-quick: setup
	bench/ensure_wrk.sh
	.venv/bin/python bench/run_all.py --quick

security: setup
	scripts/security.sh

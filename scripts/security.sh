#!/usr/bin/env bash
# Checks outside the test suite (SECURITY.md H2, H3): bandit and the project's semgrep rules over
# the code, then a wapiti scan of the running app on loopback with a signed-in session.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-security/bin/semgrep ]; then
  python3.11 -m venv .venv-security
  .venv-security/bin/pip install -q bandit==1.9.4 semgrep==1.185.0
fi
code="tracker timelines inspections factcheck actionplans"
echo "== bandit"
.venv-security/bin/bandit -q -r $code -x '*/piccolo_migrations/*' --severity-level low
echo "== semgrep (local rules in .semgrep.yml, no network)"
.venv-security/bin/semgrep scan --metrics=off --disable-version-check --config .semgrep.yml --error --quiet \
  $code templates
echo "== wapiti (dynamic scan on loopback)"
scripts/wapiti-scan.sh

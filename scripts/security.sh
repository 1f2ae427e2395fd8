#!/usr/bin/env bash
# Checks outside the test suite (SECURITY.md H2, H3): bandit and the project's semgrep rules over
# the code, then a wapiti scan of the running app on loopback with a signed-in session.
# Every step runs even when an earlier one finds something; the exit status is non-zero if any did.
# SCAN_SECONDS bounds the wapiti scan (default 600).
set -uo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-security/bin/semgrep ]; then
  python3.11 -m venv .venv-security
  # semgrep 1.181.1 and later require certifi>=2026.10.19, which the package index does not have yet
  .venv-security/bin/pip install -q bandit==1.9.4 semgrep==1.181.0 || exit 1
fi
code="tracker timelines inspections factcheck actionplans"
failed=()
echo "== bandit"
.venv-security/bin/bandit -q -r $code -x '*/piccolo_migrations/*' --severity-level low || failed+=(bandit)
echo "== semgrep (local rules in .semgrep.yml, no network)"
.venv-security/bin/semgrep scan --metrics=off --disable-version-check --config .semgrep.yml --error --quiet \
  $code templates || failed+=(semgrep)
echo "== wapiti (dynamic scan on loopback)"
scripts/wapiti-scan.sh || failed+=(wapiti)
if [ ${#failed[@]} -gt 0 ]; then
  echo "== security checks with findings: ${failed[*]}"
  exit 1
fi
echo "== security checks clean"

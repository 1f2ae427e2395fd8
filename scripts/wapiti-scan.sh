#!/usr/bin/env bash
# A wapiti scan of the running app on loopback, signed in, with the demo data (SECURITY.md H3).
# Prints the findings; exits non-zero if wapiti reports any vulnerability.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wapiti >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wapiti >/dev/null; }
tmp=$(mktemp -d /tmp/tracker-wapiti.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATABASE_URL="sqlite:///$tmp/scan.sqlite3"
.venv/bin/tracker migrate >/dev/null
.venv/bin/tracker demo >/dev/null
.venv/bin/tracker serve --port "$port" >"$tmp/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
base="http://127.0.0.1:$port"
user=${SCAN_USER:-hmipmanager}
cookie=$(.venv/bin/python scripts/session_cookie.py "$base" "$user")
# wapiti's --max-scan-time bounds only the crawl and --max-attack-time each attack module, so
# SCAN_SECONDS (about the whole scan) is shared out: a quarter to the crawl, the rest to the modules.
modules="xss,permanentxss,sql,exec,file,redirect,crlf,methods,xxe"
scan_seconds=${SCAN_SECONDS:-600}
crawl_seconds=$((scan_seconds / 4))
attack_seconds=$((scan_seconds * 3 / 4 / $(echo "$modules" | tr ',' '\n' | wc -l)))
# Debian's wapiti 3.0.4 builds its exclusion regexes with a trailing "(?ms)", which Python 3.11
# refuses ("global flags not at the start"), so any -x crashes it; run it with that one function fixed.
cat >"$tmp/wapiti.py" <<'PY'
import re
import sys

import wapitiCore.net.crawler as crawler


def wildcard_translate(pattern):
    return re.compile("(?ms)" + "".join(".*" if c == "*" else re.escape(c) for c in pattern) + r"\Z")


crawler.wildcard_translate = wildcard_translate
from wapitiCore.main.wapiti import wapiti_main  # noqa: E402

sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
PY
/usr/bin/python3 "$tmp/wapiti.py" -u "$base/" --scope folder -H "Cookie: $cookie" \
  -m "$modules" \
  -x "$base/logout" -x "$base/session/keep-alive" \
  --max-scan-time "$crawl_seconds" --max-attack-time "$attack_seconds" --max-files-per-dir "${SCAN_FILES_PER_DIR:-25}" \
  --flush-session -f json -o "$tmp/report.json" >"$tmp/wapiti.log" 2>&1 || true
if [ ! -s "$tmp/report.json" ]; then
  echo "wapiti wrote no report:"; tail -40 "$tmp/wapiti.log"; exit 1
fi
status=0
# wapiti 3.0.4's JSON report has no crawl count; its log says how many URLs and forms it found.
grep -E "Wapiti found|Max scan time" "$tmp/wapiti.log" || true
echo "wapiti attack modules run: $(grep -c 'Launching module' "$tmp/wapiti.log" || true)"
.venv/bin/python - "$tmp/report.json" <<'PY' || status=1
import json, sys
report = json.load(open(sys.argv[1]))
found = {name: items for name, items in report.get("vulnerabilities", {}).items() if items}
anomalies = {name: items for name, items in report.get("anomalies", {}).items() if items}
for name, items in {**found, **anomalies}.items():
    for item in items:
        print(f"- {name}: {item.get('method')} {item.get('path')} {item.get('info', '')[:160]}")
print(f"{sum(len(v) for v in found.values())} vulnerabilities, {sum(len(v) for v in anomalies.values())} anomalies")
sys.exit(1 if found or anomalies else 0)
PY
# A request the app failed on is a finding even when wapiti did not classify it. The server's log
# lines are JSON: a traceback is in a line's "exception" string, its lines joined by \n.
errors=$(grep -c 'Traceback' "$tmp/server.log" || true)
echo "server log: $errors tracebacks"
if [ "$errors" != 0 ]; then
  { grep -oE '\\n[A-Za-z_.]+(Error|Exception)\b[^"\\]{0,120}' "$tmp/server.log" || true; } | sort | uniq -c | sort -rn | head -10
  status=1
fi
exit $status

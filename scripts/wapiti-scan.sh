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
wapiti -u "$base/" --scope folder -H "Cookie: $cookie" \
  -m "xss,permanentxss,sql,exec,file,redirect,crlf,methods,xxe" \
  -x "$base/logout" -x "$base/session/keep-alive" \
  --max-scan-time "${SCAN_SECONDS:-600}" --flush-session -f json -o "$tmp/report.json" >"$tmp/wapiti.log" 2>&1 || true
.venv/bin/python - "$tmp/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
found = {name: items for name, items in report.get("vulnerabilities", {}).items() if items}
anomalies = {name: items for name, items in report.get("anomalies", {}).items() if items}
crawled = report.get("infos", {}).get("crawled_pages_nbr", "?")
print(f"wapiti crawled {crawled} pages")
for name, items in {**found, **anomalies}.items():
    for item in items:
        print(f"- {name}: {item.get('method')} {item.get('path')} {item.get('info', '')[:160]}")
print(f"{sum(len(v) for v in found.values())} vulnerabilities, {sum(len(v) for v in anomalies.values())} anomalies")
sys.exit(1 if found else 0)
PY

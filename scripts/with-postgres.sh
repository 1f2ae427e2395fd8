#!/usr/bin/env bash
# Runs a command with TEST_DATABASE_URL pointing at a throwaway PostgreSQL server on a free
# loopback port, in a temporary directory that is removed afterwards.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
tmp=$(mktemp -d /tmp/tracker-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
runas=()
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$tmp" 2>/dev/null || { useradd -r postgres 2>/dev/null || true; chown postgres "$tmp"; }
  runas=(runuser -u postgres --)
fi
cleanup() {
  "${runas[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
"${runas[@]}" "$bindir/initdb" -D "$tmp/data" -U tracker --auth=trust -E UTF8 >/dev/null
"${runas[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/log" -w \
  -o "-h 127.0.0.1 -p $port -k $tmp -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" start >/dev/null
export TEST_DATABASE_URL="postgresql://tracker@127.0.0.1:$port/postgres"
"$@"

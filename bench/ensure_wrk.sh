#!/usr/bin/env sh
# wrk for the HTTP benchmark: installed from Debian's packages when it is missing and we may
# (root, or sudo without a password). Never fails: without wrk, bench/http_load.py measures with
# its Python load generator (bench/python_load.py) and says so in the report.
command -v wrk >/dev/null 2>&1 && exit 0
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    as_root=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
  else
    as_root="none"
  fi
  if [ "$as_root" != none ]; then
    echo "Installing wrk (Debian package) for the HTTP benchmark…" >&2
    $as_root apt-get install -y -q wrk >/dev/null 2>&1 \
      || { $as_root apt-get update -q >/dev/null 2>&1 && $as_root apt-get install -y -q wrk >/dev/null 2>&1; }
  fi
fi
if command -v wrk >/dev/null 2>&1; then
  echo "wrk installed: $(wrk --version 2>&1 | head -n 1)" >&2
else
  echo "wrk is not available: the HTTP benchmark uses its Python load generator instead." >&2
fi
exit 0

#!/usr/bin/env bash
# Installs everything the service needs on a fresh Debian machine: Debian packages when missing,
# the Python virtualenv, the npm packages and the vendored front-end assets. Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
python3.11 -c 'import venv' >/dev/null 2>&1 || need_apt+=(python3-venv)
[ -x /usr/bin/clamscan ] || need_apt+=(clamav)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PY=${PYTHON:-python3.11}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "Installing Python packages into .venv"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e '.[test]'
  rm -f .venv/.installed-* && touch "$stamp"
fi

lock_stamp=node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)
if [ ! -f "$lock_stamp" ]; then
  echo "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$lock_stamp"
fi
scripts/copy-assets.sh

#!/usr/bin/env bash
# Set up a development environment: a virtualenv in .venv with dagnote and its test extras,
# plus (when run as root on Debian/Ubuntu) the system packages the full test suite uses:
# rsvg-convert (PNG/PDF output and checks) and Chromium (browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  want=""
  command -v rsvg-convert >/dev/null 2>&1 || want="$want librsvg2-bin"
  command -v chromium >/dev/null 2>&1 || want="$want chromium"
  if [ -n "$want" ]; then
    echo "setup: apt-get install$want" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      $want fonts-dejavu-core fonts-liberation fonts-liberation2 >/dev/null
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]" 2>&1 \
  | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import dagnote, sphinx_dagnote, mkdocs_dagnote" 

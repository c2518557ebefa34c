#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run every check: ruff, then the whole pytest suite
# (real Sphinx and MkDocs builds, ELK layout workers, headless Chromium where installed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check src tests bench
.venv/bin/python -m pytest -q "$@"

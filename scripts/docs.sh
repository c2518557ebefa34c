#!/usr/bin/env bash
# Set up (scripts/setup.sh) and build the project's documentation with its gallery:
# docs/ -> docs/_build/html (open docs/_build/html/index.html).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/sphinx-build -q -b html docs docs/_build/html "$@"
echo "docs: $(pwd)/docs/_build/html/index.html"

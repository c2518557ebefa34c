#!/usr/bin/env bash
# Set up (scripts/setup.sh) and build the project's documentation with its gallery:
# docs/ -> docs/_build/html (open docs/_build/html/index.html). When TeX is installed
# (scripts/setup.sh installs it when run as root), the gallery is also built as a PDF
# (Sphinx's LaTeX builder: every figure as TikZ) and copied to
# docs/_build/html/dagnote-gallery.pdf, which docs/gallery.rst links to.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/sphinx-build -q -b html docs docs/_build/html "$@"
if command -v latexmk >/dev/null 2>&1 && command -v pdflatex >/dev/null 2>&1; then
  .venv/bin/sphinx-build -q -b latex docs docs/_build/latex "$@"
  (cd docs/_build/latex && latexmk -pdf -interaction=nonstopmode -halt-on-error -quiet \
    dagnote-gallery.tex >/dev/null 2>&1) \
    || { echo "docs: the gallery PDF failed; see docs/_build/latex/dagnote-gallery.log" >&2
         exit 1; }
  cp docs/_build/latex/dagnote-gallery.pdf docs/_build/html/dagnote-gallery.pdf
  echo "docs: $(pwd)/docs/_build/html/dagnote-gallery.pdf"
else
  echo "docs: TeX not installed (latexmk, pdflatex): the gallery PDF is skipped;" \
       "scripts/setup.sh installs TeX when run as root" >&2
fi
echo "docs: $(pwd)/docs/_build/html/index.html"

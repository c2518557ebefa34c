#!/usr/bin/env bash
# Set up a development environment: a virtualenv in .venv with dagnote and its test extras,
# plus (when run as root on Debian/Ubuntu) the system packages the full test suite uses:
# rsvg-convert (PNG/PDF output and checks), Chromium (browser tests), and TeX for the
# LaTeX/PDF tests and the gallery PDF: pdflatex with TikZ and what Sphinx's LaTeX needs
# (latex-extra, fonts-recommended, tex-gyre), latexmk, and poppler-utils (pdfinfo,
# pdftotext) to read the PDF back; about 70 MB, a minute to install.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  want=""
  command -v rsvg-convert >/dev/null 2>&1 || want="$want librsvg2-bin"
  command -v chromium >/dev/null 2>&1 || want="$want chromium"
  command -v latexmk >/dev/null 2>&1 || want="$want latexmk texlive-latex-recommended \
    texlive-latex-extra texlive-pictures texlive-fonts-recommended tex-gyre"
  command -v pdftotext >/dev/null 2>&1 || want="$want poppler-utils"
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

"""Running real TeX (pdflatex, latexmk) and reading the PDF back (poppler's pdfinfo and
pdftotext). scripts/setup.sh installs them from Debian's packages when run as root."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

TOOLS = ("pdflatex", "latexmk", "pdfinfo", "pdftotext")
TIMEOUT = 300  # seconds for one LaTeX run (a cold font cache can take a while)


def need_tex() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"TeX not installed ({', '.join(missing)}): run scripts/setup.sh as root")


@dataclass
class Pdf:
    path: Path
    log: str

    @property
    def pages(self) -> int:
        info = subprocess.run(["pdfinfo", str(self.path)], capture_output=True, text=True,
                              check=True, timeout=60).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))

    def text(self, page: int | None = None) -> str:
        pages = ["-f", str(page), "-l", str(page)] if page else []
        return subprocess.run(["pdftotext", "-layout", *pages, str(self.path), "-"],
                              capture_output=True, text=True, check=True, timeout=60).stdout


def latexmk(directory: Path, main: str) -> Pdf:
    """``latexmk -pdf`` (pdflatex, no shell escape) in ``directory``; fails the test with
    the log's errors if no PDF comes out."""
    proc = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error",
                           "-no-shell-escape", main], cwd=directory, capture_output=True,
                          text=True, timeout=TIMEOUT, check=False)
    stem = Path(main).stem
    log = (directory / f"{stem}.log").read_text(encoding="latin-1")
    if proc.returncode != 0 or not (directory / f"{stem}.pdf").exists():
        errors = "\n".join(line for line in log.splitlines() if line.startswith("!"))
        pytest.fail(f"LaTeX failed:\n{errors or proc.stdout[-2000:]}")
    return Pdf(directory / f"{stem}.pdf", log)


ARTICLE = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{tikz}
\usepackage{adjustbox}
\usepackage{amssymb}
\begin{document}
%s
\end{document}
"""

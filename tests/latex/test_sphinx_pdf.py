"""Sphinx's LaTeX builder and a real pdflatex run: every figure is in the PDF as TikZ,
fits its page, and no tool but TeX is needed."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "sphinx"))
from sphinx_helpers import run_build  # noqa: E402

from .tex import latexmk, need_tex  # noqa: E402

PROJECT = Path(__file__).parent / "project"
#: a label of each figure, as pdftotext reads it back
LABELS = ["encoder", "classifier", "layer24", "head8", "generator", "scaled"]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory):
    need_tex()
    src = tmp_path_factory.mktemp("latex") / "src"
    shutil.copytree(PROJECT, src)
    built = run_build(src, "latex")
    assert "dagnote" not in built.warnings, built.warnings
    tex = next(built.outdir.glob("*.tex"))
    return latexmk(built.outdir, tex.name), tex.read_text(encoding="utf-8")


def test_every_figure_is_tikz_in_the_pdf(pdf) -> None:
    result, tex = pdf
    assert tex.count(r"\begin{tikzpicture}") == len(LABELS)
    assert "includegraphics" not in tex  # no image file, no converter
    text = result.text()
    for label in LABELS:
        assert label in text, label
    assert "Data: N(0, 1), X." in text  # the summary legend under the VAE
    # Greek and marks in a caption (set in math: 𝜀 reads back as math italic)
    assert "𝒩 (0, 1), the ≀ and ▽ marks" in text


def test_figures_fit_their_pages(pdf) -> None:
    result, _ = pdf
    # the tall and the wide diagram are shrunk: nothing overflows, no float is too large
    assert "Float too large" not in result.log
    assert not re.search(r"Overfull \\[hv]box", result.log), result.log
    # figures share pages with text and with each other: not one page per figure
    pages = [result.text(p) for p in range(1, result.pages + 1)]
    with_figures = [p for p in pages if any(label in p for label in LABELS)]
    assert len(with_figures) < len(LABELS), len(with_figures)
    assert all("Body text" in p for p in with_figures[:-1])  # none alone on a page
    assert result.pages < 4 + len(LABELS)  # front matter (4 pages in a manual) and body


def test_sizes_reach_the_latex(pdf) -> None:
    _, tex = pdf
    assert r"{width=0.600\linewidth}" in tex
    assert r"{totalheight=3cm}" in tex or "totalheight=3.000cm" in tex
    assert r"{scale=0.8,max width=\linewidth" in tex
    assert r"{max width=\linewidth,max totalheight=0.6\textheight}" in tex

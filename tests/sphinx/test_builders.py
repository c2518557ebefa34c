"""Every builder gets something sensible: SVG, PDF, the summary, or the alt text."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.dom import minidom

import pytest


@pytest.fixture(scope="module")
def src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from sphinx_helpers import ROOTS

    dest = tmp_path_factory.mktemp("builders") / "src"
    shutil.copytree(ROOTS / "test-basic", dest)
    return dest


def test_latex_gets_tikz_pictures_sized_to_the_line(src: Path, build) -> None:
    out = build(src, "latex")
    tex = next(out.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert "[dagnote" not in out.warnings.replace("[dagnote.path]", "")
    assert tex.count("\\begin{tikzpicture}") == 3  # no image files, no converter
    assert not list(out.outdir.glob("dagnote-*.pdf"))
    assert "\\usepackage{tikz}" in tex and "\\usepackage{adjustbox}" in tex
    assert "\\begin{adjustbox}{width=0.500\\linewidth}" in tex  # the :width: option
    assert "\\begin{adjustbox}{max width=\\linewidth,max totalheight=0.6\\textheight}" in tex
    assert "\\caption{A <b>classifier</b>" not in tex  # caption escaped by Sphinx
    assert "Data: (X, Y)." in tex  # the :summary: legend


def test_text_gets_the_summary(src: Path, build) -> None:
    out = build(src, "text")
    text = out.read("index.txt")
    assert "Data: (X, Y)." in text and "Objectives: minimise loss, updating f." in text
    assert text.count("Data: (X, Y).") == 1  # legend only, not twice
    assert "Data: N(0, 1)." in text  # the block without :summary: shows it too
    assert "<svg" not in text


@pytest.mark.parametrize(("builder", "pattern"), [("man", "*.1"), ("texinfo", "*.texi")])
def test_man_and_texinfo_get_the_summary(src: Path, build, builder: str, pattern: str) -> None:
    out = build(src, builder)
    written = next(out.outdir.glob(pattern)).read_text(encoding="utf-8")
    assert "Data: N(0, 1)." in written


def test_unknown_builder_gets_the_alt_text(src: Path, build) -> None:
    out = build(src, "xml")
    xml = out.read("index.xml")
    assert "an &lt;img&gt; &quot;alt&quot; &amp; more" in xml or "an &lt;img&gt;" in xml
    assert "<dagnote" not in xml


@pytest.mark.parametrize("builder", ["dirhtml", "singlehtml"])
def test_html_variants_inline_the_svg(src: Path, build, builder: str) -> None:
    out = build(src, builder)
    pages = "".join(p.read_text(encoding="utf-8") for p in out.outdir.rglob("*.html"))
    assert re.search(r'<svg [^>]*class="dagnote"', pages)


def test_epub_inlines_valid_xhtml_svg(src: Path, build) -> None:
    out = build(src, "epub")
    with zipfile.ZipFile(next(out.outdir.glob("*.epub"))) as book:
        names = book.namelist()
        page = book.read("index.xhtml")
        minidom.parseString(page)  # inline SVG keeps the XHTML well-formed
        assert b'class="dagnote"' in page
        assert "_static/dagnote.css" in names
        assert not [n for n in names if "doctrees" in n]

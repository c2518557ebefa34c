"""The project's own docs: gallery copies stay identical, settings are documented, it builds."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sphinx_dagnote.config import SETTINGS

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
SEED = REPO / "examples" / "seed"


def test_gallery_sources_are_copies_of_the_seed_examples() -> None:
    seed = sorted(p.name for p in SEED.glob("*.dag"))
    assert len(seed) == 9
    assert sorted(p.name for p in (DOCS / "gallery").glob("*.dag")) == seed
    for name in seed:
        assert (DOCS / "gallery" / name).read_bytes() == (SEED / name).read_bytes(), name


def test_configuration_page_documents_every_setting_and_option() -> None:
    page = (DOCS / "configuration.rst").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"``{setting.name}``" in page, setting.name
    from sphinx_dagnote.directive import DagnoteDirective

    for option in DagnoteDirective.option_spec:
        assert f"``:{option}:" in page or f"/ ``:{option}:``" in page, option


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory: pytest.TempPathFactory):
    from sphinx_helpers import run_build

    src = tmp_path_factory.mktemp("docs") / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns("_build"))
    return run_build(src, "html")


def test_docs_build_cleanly_in_strict_mode(built_docs) -> None:
    assert "WARNING" not in built_docs.warnings, built_docs.warnings


def test_docs_show_every_gallery_figure(built_docs) -> None:
    html = built_docs.read("gallery.html")
    svgs = re.findall(r'<svg [^>]*class="dagnote"', html)
    assert len(svgs) == 9
    assert "dagnote-error" not in html
    assert len(re.findall(r'caption-number">Fig\. \d+', html)) == 9


def test_docs_highlight_every_dagnote_source(built_docs) -> None:
    """Every shown .dag source is highlighted by dagnote's Pygments lexer (no plain text,
    and no "lexer name 'dagnote' is not known" warning in the strict build)."""
    for page, count in (("gallery.html", 9), ("setups.html", 6), ("intro.html", 1),
                        ("syntax.html", 1)):
        html = built_docs.read(page)
        assert html.count('<div class="highlight-dagnote notranslate">') >= count, page
        assert '<span class="k">min</span>' in html, page
    for rst in DOCS.glob("*.rst"):
        text = rst.read_text(encoding="utf-8")
        assert not re.search(r"literalinclude:: \S+\.dag\n\s+:language: text", text), rst.name


def test_notebook_page_is_executed_in_a_kernel(built_docs) -> None:
    """docs/notebooks.md runs in a Jupyter kernel at build time (myst-nb): the cells'
    outputs are the magic's figures and its located problems."""
    html = built_docs.read("notebooks.html")
    assert len(re.findall(r'<svg [^>]*class="dagnote"', html)) == 4
    assert "<figcaption>A classifier, trained with a cross-entropy loss.</figcaption>" in html
    assert "cell:4:6: warning: trainable module &#x27;g&#x27; is never updated" in html
    assert "cell:3:6: error: &#x27;[&#x27; is never closed with &#x27;]&#x27;" in html
    assert "&lt;dagnote.Diagram: 7 lines, 0 problems&gt;" in html
    assert re.search(r"&lt;Rendered: [\d,]+ bytes&gt;", html)


def test_setups_show_summaries(built_docs) -> None:
    html = built_docs.read("setups.html")
    assert len(re.findall(r'<svg [^>]*class="dagnote"', html)) >= 6
    assert html.count('class="dagnote-summary legend"') >= 6
    for weights in ("target (frozen)", "teacher (frozen)", "lm (frozen)"):
        assert weights in html

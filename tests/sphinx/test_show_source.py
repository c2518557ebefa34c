"""``.. code-block:: dagnote`` (the Pygments lexer) and ``:show-source:`` /
``dagnote_show_source`` in a real ``sphinx-build -W``."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx_helpers import ROOTS


def sphinx_build(src: Path, *overrides: str) -> str:
    """``sphinx-build -W`` (every warning fails the build); the index page's HTML."""
    out = src.parent / "html"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", *overrides,
         str(src), str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return (out / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> str:
    src = tmp_path_factory.mktemp("source") / "src"
    shutil.copytree(ROOTS / "test-source", src)
    return sphinx_build(src)


def _sources(page: str) -> list[str]:
    return re.findall(r'<div class="dagnote-source highlight-dagnote notranslate">'
                      r'<div class="highlight"><pre>(.*?)</pre>', page, re.S)


def test_code_block_dagnote_is_highlighted_without_warning(built: str) -> None:
    block = re.search(r'<div class="highlight-dagnote notranslate">.*?</pre>', built, re.S)
    assert block
    text = block.group(0)
    assert '<span class="k">min</span>' in text
    assert '<span class="o">-&gt;</span>' in text
    assert '<span class="c1"># the data</span>' in text
    assert '"&lt;script&gt;"' in text and "<script>" not in text


def test_show_source_puts_the_escaped_source_under_the_figure(built: str) -> None:
    shown = _sources(built)
    assert len(shown) == 2  # the option and the file; not the others
    first = shown[0]
    assert '"a &lt;b&gt; &amp; c"' in first and "<b>" not in first
    assert '<span class="nc">enc</span>' in first
    # under its own figure: after the caption, before the next figure
    caption = built.index("With its source.")
    assert caption < built.index(first) < built.index(">out<")
    assert '<span class="c1"># a file\'s source</span>' in shown[1]
    assert built.count('class="dagnote"') == 4  # every diagram still drawn


def test_dagnote_show_source_shows_every_source_but_opted_out(
        tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-source", src)
    page = sphinx_build(src, "-D", "dagnote_show_source=1")
    assert len(_sources(page)) == 3  # all four diagrams less :no-show-source:

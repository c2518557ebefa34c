"""HTML output: inline SVG, captions, numref, alt text, escaping, assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def basic(tmp_path_factory: pytest.TempPathFactory):
    import shutil

    from sphinx_helpers import ROOTS, run_build

    src = tmp_path_factory.mktemp("basic") / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    return run_build(src, "html")


def test_inline_svg_with_caption_numref_and_summary(basic) -> None:
    page = basic.read("index.html")
    figure = page[page.index('<figure class="dagnote-figure'):page.index("</figure>")]
    assert 'id="fig-classifier"' in figure
    assert re.search(r'<div class="dagnote-diagram"><svg [^>]*class="dagnote"', figure)
    # caption text is escaped, never raw markup
    assert "A &lt;b&gt;classifier&lt;/b&gt; &amp; “friends”" in figure  # smartquotes
    assert "<b>classifier" not in figure
    assert re.search(r"caption-number\">Fig\. \d", figure)  # numfig numbered it
    for line in ("Data: (X, Y).", "Weights: f (trained).",
                 "Objectives: minimise loss, updating f."):
        assert f"<p>{line}</p>" in figure
    assert 'href="#fig-classifier"' in page  # :numref: resolved
    assert "Paragraph after the figures." in page


def test_img_format_writes_file_with_escaped_alt(basic) -> None:
    page = basic.read("index.html")
    match = re.search(r'<div class="([^"]*)" style="width: 50%"><img src="(_images/'
                      r'dagnote-[0-9a-f]{16}\.svg)" alt="([^"]*)" /></div>', page)
    assert match, page
    assert "extra-one" in match.group(1)
    assert match.group(3) == "an &lt;img&gt; &quot;alt&quot; &amp; more"
    svg = (basic.outdir / match.group(2)).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "g" in svg


def test_default_alt_is_the_summary(basic) -> None:
    svg = re.search(r"<svg [^>]*class=\"dagnote\".*?</svg>", basic.read("index.html"), re.S)
    assert svg
    assert "<desc" in svg.group(0) and "Data: (X, Y)." in svg.group(0)
    assert "x -&gt; [f*]" not in svg.group(0)  # never the raw source


def test_file_argument_renders_and_is_a_dependency(basic) -> None:
    page = basic.read("files.html")
    assert page.count('class="dagnote"') == 1
    assert "From a file." in page
    assert "End of files." in page
    deps = basic.app.env.dependencies["files"]
    assert any(str(d).endswith("diagrams/vae.dag") for d in deps)


def test_file_outside_srcdir_is_refused_with_location(basic) -> None:
    assert re.search(r"files\.rst:7: WARNING: refusing '\.\./\.\./outside\.dag': "
                     r"it resolves outside the source directory \[dagnote\.path\]",
                     basic.warnings), basic.warnings


def test_stylesheets_are_copied_and_linked(basic) -> None:
    page = basic.read("index.html")
    for name in ("dagnote.css", "sphinx_dagnote.css"):
        assert (basic.outdir / "_static" / name).is_file()
        assert f"_static/{name}" in page


def test_explicit_alt_labels_inline_svg(project, build) -> None:
    src: Path = project("broken")
    (src / "other.rst").write_text(
        "Other\n=====\n\n.. dagnote::\n   :alt: a <tiny> setup\n\n"
        "   z ~ N(0, 1)\n   z -> [g*] -> q\n   max q\n", encoding="utf-8")
    out = build(src, "html")
    root = re.search(r"<svg [^>]*>", out.read("other.html")).group(0)
    assert 'aria-label="a &lt;tiny&gt; setup"' in root
    assert "aria-labelledby" not in root


@pytest.mark.sphinx("html", testroot="broken")
def test_with_sphinx_fixture(app) -> None:
    """The same extension through Sphinx's own ``app`` fixture."""
    app.build()
    assert app.statuscode == 0
    html = (Path(app.outdir) / "other.html").read_text(encoding="utf-8")
    assert 'class="dagnote"' in html


def test_same_diagram_twice_on_a_page_gets_distinct_ids(project, build) -> None:
    src: Path = project("broken")
    block = ".. dagnote::\n\n   z ~ N(0, 1)\n   z -> [g*] -> q\n   max q\n\n"
    (src / "other.rst").write_text("Other\n=====\n\n" + block + block, encoding="utf-8")
    html = build(src, "html").read("other.html")
    ids = re.findall(r'<svg[^>]*\bid="([^"]+)"', html)
    assert len(ids) == 2 and ids[1] == ids[0] + "-2"
    all_ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(all_ids) == len(set(all_ids))


def test_broken_file_diagram_is_located_in_the_file(project, build) -> None:
    src: Path = project("broken")
    (src / "bad.dag").write_text("x ~ X\nx -> [f* -> y\nmin y\n", encoding="utf-8")
    (src / "other.rst").write_text("Other\n=====\n\n.. dagnote:: bad.dag\n", encoding="utf-8")
    out = build(src, "html")
    assert re.search(r"bad\.dag:2: WARNING: .*\(used in other, line 4\) \[dagnote\.syntax\]",
                     out.warnings), out.warnings
    assert "bad.dag:2:" in out.read("other.html")

"""Fence attributes, fence scanning, file= confinement and HTML escaping."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import dagnote
from dagnote.documents.fences import scan
from dagnote.documents.includes import IncludeError, resolve_include
from mkdocs_dagnote.fence import FenceError, FenceOptions, parse_header, validate
from mkdocs_dagnote.formatter import error_html, figure_html, inline_svg


def test_header_forms_agree() -> None:
    plain = validate(*parse_header('caption="A b" width=300 summary'))
    brace = validate(*parse_header('{ #fig .wide caption="A b" width="300px" summary="yes" }'))
    assert plain.caption == brace.caption == "A b"
    assert plain.width == brace.width == "300px"
    assert plain.summary is brace.summary is True
    assert brace.id == "fig" and brace.classes == ("wide",)


@pytest.mark.parametrize(
    "header",
    ['bogus="1"', 'id="a b"', 'id="x\\"onclick"', 'class="a<b"', 'width="1px;color:red"',
     'summary="maybe"', 'caption="unterminated', "{ caption='x'"],
)
def test_bad_attributes_are_refused(header: str) -> None:
    with pytest.raises(FenceError):
        validate(*parse_header(header))


def test_scan_lines_indentation_and_nesting() -> None:
    text = (
        "# t\n\n```dagnote\nx ~ X\n```\n\n"  # content on line 4
        "````markdown\n```dagnote\nnot a diagram\n```\n````\n\n"  # an example, skipped
        "!!! note\n\n    ```dagnote caption=\"c\"\n    y ~ Y\n    ```\n"  # line 16
    )
    fences = scan(text)
    assert [(f.line, f.source, f.header) for f in fences] == [
        (4, "x ~ X", ""), (16, "y ~ Y", 'caption="c"')
    ]


def test_include_is_confined(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "d").mkdir(parents=True)
    (docs / "d" / "ok.dag").write_text("x ~ X\n")
    (tmp_path / "secret.dag").write_text("s ~ S\n")
    assert resolve_include("d/ok.dag", docs) == (docs / "d" / "ok.dag").resolve()
    for bad in ["../secret.dag", "d/../../secret.dag", str(tmp_path / "secret.dag"),
                "/etc/passwd", "C:\\x.dag", "missing.dag"]:
        with pytest.raises(IncludeError):
            resolve_include(bad, docs)
    os.symlink(tmp_path / "secret.dag", docs / "link.dag")
    with pytest.raises(IncludeError, match="outside"):
        resolve_include("link.dag", docs)


def test_everything_user_written_is_escaped() -> None:
    opts = FenceOptions(caption='<script>alert(1)</script>', alt='a "quoted" <b>', id="f1",
                        classes=("wide",), width="50%")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" aria-labelledby="t d"><title>t</title></svg>'
    html = figure_html(inline_svg(dagnote.for_page(svg, opts.alt)), opts, ["Data: <X>."], True)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'aria-label="a &quot;quoted&quot; &lt;b&gt;"' in html
    assert "aria-labelledby" not in html  # it would override the author's alt
    assert "<li>Data: &lt;X&gt;.</li>" in html
    assert '<figure class="dagnote-figure wide" id="f1">' in html
    assert "<svg aria-label=" in html and "xmlns=" in html  # the SVG itself is not escaped
    box = error_html(["docs/a.md:3:1: error: <oops>"], "x -> <y>")
    assert "&lt;oops&gt;" in box and "x -&gt; &lt;y&gt;" in box


def test_plain_markdown_draws_a_document_in_one_engine_run(tmp_path: Path) -> None:
    """Without the plugin, the extension still batches: one layout request per document."""
    import markdown

    from mkdocs_dagnote.extension import DagnoteExtension

    fences = "".join(f"```dagnote\nx ~ X\nx -> [net{i}*] -> y\nmin y\n```\n\ntext\n\n"
                     for i in range(3))
    md = markdown.Markdown(extensions=[DagnoteExtension(cache_dir="", base_dir="")])
    dagnote.render("x ~ X\nx -> [warm*] -> y\nmin y\n")  # the layout workers are warm
    before = dagnote.engine_runs()
    html = md.convert("# Three figures\n\n" + fences)
    assert dagnote.engine_runs() - before == 1
    assert html.count("<svg") == 3
    for i in range(3):
        assert f"net{i}" in html


def test_plain_markdown_leaves_no_idle_threads_behind(tmp_path: Path) -> None:
    """Each document's job ends with it: converting many documents in one process must
    not collect one idle cache-writer thread per document."""
    import threading

    import markdown

    from mkdocs_dagnote.extension import DagnoteExtension

    md = markdown.Markdown(extensions=[DagnoteExtension(cache_dir=str(tmp_path / "c"),
                                                        base_dir="")])
    for i in range(4):
        md.reset()
        html = md.convert(f"```dagnote\nx ~ X\nx -> [doc{i}*] -> y\nmin y\n```\n")
        assert f"doc{i}" in html
    assert len(list(dagnote.Cache(tmp_path / "c").keys())) == 4, "every drawing is cached"
    lingering = [t.name for t in threading.enumerate() if t.name.startswith("dagnote-cache")]
    assert not lingering, lingering

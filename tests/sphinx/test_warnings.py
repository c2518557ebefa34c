"""Located warnings, the error box, -W, suppress_warnings, strictness, incremental rebuilds."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

BROKEN_LINE = 10  # page.rst: "   x -> [f* -> y"


def test_broken_block_is_located_and_isolated(project, build) -> None:
    src: Path = project("broken")
    out = build(src, "html")
    assert re.search(rf"page\.rst:{BROKEN_LINE}: WARNING: .*\[dagnote\.syntax\]", out.warnings), \
        out.warnings
    page = out.read("page.html")
    assert "dagnote-error" in page and "page.rst:10:" in page
    assert "Text before the block." in page and "Text after the block." in page
    assert page.count('class="dagnote"') == 1  # the second block of the page still renders
    for other in ("index.html", "other.html"):
        html = out.read(other)
        assert 'class="dagnote"' in html and "dagnote-error" not in html
    assert "index.rst" not in out.warnings and "other.rst" not in out.warnings


def test_fixing_the_block_shows_the_new_figure_next_build(project, build) -> None:
    src: Path = project("broken")
    first = build(src, "html")
    assert "dagnote-error" in first.read("page.html")
    page = src / "page.rst"
    page.write_text(page.read_text(encoding="utf-8").replace("[f* -> y", "[f*] -> y"),
                    encoding="utf-8")
    later = page.stat().st_mtime + 5
    os.utime(page, (later, later))
    second = build(src, "html")
    html = second.read("page.html")
    assert "dagnote-error" not in html
    assert html.count('class="dagnote"') == 2
    assert "dagnote" not in second.warnings
    assert "The page figure." in html


def test_warning_is_error_fails_the_build(project, tmp_path: Path, capsys) -> None:
    from sphinx.cmd.build import build_main

    src: Path = project("broken")
    assert build_main(["-q", "-W", "-b", "html", str(src), str(tmp_path / "out")]) != 0
    assert re.search(r"page\.rst:10: (WARNING|ERROR)", capsys.readouterr().err)
    assert build_main(["-q", "-W", "-b", "html", str(project("clean")),
                       str(tmp_path / "clean")]) == 0


def test_suppress_warnings_by_type_and_subtype(project, build) -> None:
    out = build(project("broken"), "html",
                confoverrides={"suppress_warnings": ["dagnote.syntax", "dagnote.unknown-name"]})
    assert "dagnote" not in out.warnings
    assert "dagnote-error" in out.read("page.html")  # suppressed, still visible


def test_lint_warning_and_strict_mode(project, build) -> None:
    src: Path = project("broken")
    (src / "other.rst").write_text(
        "Other\n=====\n\n.. dagnote::\n\n   x ~ X\n   x -> [f*] -> y\n   x -> [g*] -> w\n"
        "   min y\n", encoding="utf-8")
    relaxed = build(src, "html")
    assert re.search(r"other\.rst:8: WARNING: .*\[dagnote\.untrained\]", relaxed.warnings), \
        relaxed.warnings
    assert "dagnote-error" not in relaxed.read("other.html")
    strict = build(src, "html", confoverrides={"dagnote_strict": True}, freshenv=True)
    assert "dagnote-error" in strict.read("other.html")


def test_layout_failure_is_located_and_falls_back(project, build, unstartable_layout) -> None:
    out = build(project("broken"), "html", confoverrides={"dagnote_cache_dir": "no-cache-here"})
    assert re.search(r"other\.rst:6: WARNING: could not render the diagram as SVG: "
                     r"cannot start the ELK layout worker: .*\[dagnote\.engine\]",
                     out.warnings), out.warnings
    html = out.read("other.html")
    assert "dagnote-error" in html and 'class="dagnote"' not in html


def test_a_worker_killed_mid_build_is_located_and_the_next_build_draws(
        project, build, worker_killer) -> None:
    """Workers killed during the build (an OOM killer): every page is still written, each
    figure's place has a located warning and an error box; nothing of it is cached, so the
    next build (workers left alone) draws them all."""
    src: Path = project("broken")
    out = build(src, "html")
    assert worker_killer.killed
    assert re.search(r"other\.rst:6: WARNING: could not render the diagram as SVG: the ELK "
                     r"layout worker \(pid \d+\) was killed by SIGKILL.*\[dagnote\.engine\]",
                     out.warnings), out.warnings
    assert re.search(r"index\.rst:\d+: WARNING: could not render", out.warnings), out.warnings
    for name in ("index.html", "other.html"):
        html = out.read(name)
        assert "dagnote-error" in html and 'class="dagnote"' not in html
    assert "Text after the block." in out.read("page.html")  # the build went on
    worker_killer.stop()
    again = build(src, "html", freshenv=True)  # same cache directory
    assert "could not render" not in again.warnings, again.warnings
    for name in ("index.html", "other.html"):
        html = again.read(name)
        assert 'class="dagnote"' in html and "dagnote-error" not in html


def test_both_argument_and_content_is_refused(project, build) -> None:
    src: Path = project("broken")
    (src / "other.rst").write_text("Other\n=====\n\n.. dagnote:: x.dag\n\n   x ~ X\n",
                                   encoding="utf-8")
    out = build(src, "html")
    assert re.search(r"other\.rst:4: WARNING: give a file argument or inline content, not both"
                     r" \[dagnote\.usage\]", out.warnings), out.warnings


@pytest.mark.parametrize("timeout", [float("inf"), 1e10])
def test_a_huge_or_infinite_timeout_means_no_limit(project, build, timeout: float) -> None:
    out = build(project("clean"), "html", confoverrides={"dagnote_timeout": timeout})
    assert "dagnote" not in out.warnings, out.warnings
    html = out.read("index.html")
    assert 'class="dagnote"' in html and "dagnote-error" not in html


@pytest.mark.parametrize("timeout", [float("nan"), -1, 0])
def test_a_timeout_that_is_not_a_positive_number_warns_and_uses_the_default(
        project, build, timeout: float) -> None:
    out = build(project("clean"), "html", confoverrides={"dagnote_timeout": timeout})
    assert re.search(r"WARNING: dagnote_timeout must be a positive number of seconds, not "
                     r"\S+; using 30 \[dagnote\.config\]", out.warnings), out.warnings
    assert 'class="dagnote"' in out.read("index.html")


COLUMNS_RST = (
    "Columns\n=======\n\n"
    ".. dagnote::\n\n"
    "   x ~ X\n"
    "   x -> y ]\n"  # line 7: ']' is column 11 of the file (8 of the block)
    "\n"
    "* In a list:\n\n"
    "  .. dagnote::\n\n"
    "     x ~ X\n"
    "     x -> y ]\n"  # line 14: column 13
    "\n"
    ".. dagnote::\n\n"
    "\tx ~ X\n"
    "\tx ->\ty ]\n"  # line 19: column 9 (docutils expands the tabs: column 11 of the block)
)


def test_error_box_columns_count_the_characters_of_the_file_line(project, build) -> None:
    """Issue 17, item 19: columns counted the dedented, tab-expanded block."""
    src: Path = project("clean")
    (src / "columns.rst").write_text(COLUMNS_RST, encoding="utf-8")
    (src / "index.rst").write_text((src / "index.rst").read_text(encoding="utf-8")
                                   + "\n.. toctree::\n\n   columns\n", encoding="utf-8")
    html = build(src, "html").read("columns.html")
    found = re.findall(r"columns\.rst:(\d+):(\d+): error: unexpected ']'", html)
    assert found == [("7", "11"), ("14", "13"), ("19", "9")], found


def test_an_empty_diagram_is_a_located_warning_and_an_error_box(project, build) -> None:
    """Issue 17, item 20: a comment-only block or an empty file drew a blank figure."""
    src: Path = project("clean")
    (src / "empty.dag").write_text("", encoding="utf-8")
    (src / "index.rst").write_text(
        "Other\n=====\n\n.. dagnote::\n\n   # only a comment\n\n.. dagnote:: empty.dag\n",
        encoding="utf-8")
    out = build(src, "html")
    assert re.search(r"index\.rst:6: WARNING: the diagram draws nothing: .*\[dagnote\.empty\]",
                     out.warnings), out.warnings
    assert re.search(r"empty\.dag:1: WARNING: the diagram draws nothing: .*\[dagnote\.empty\]",
                     out.warnings), out.warnings
    html = out.read("index.html")
    assert html.count("dagnote-error") == 2 and 'class="dagnote"' not in html

"""MyST: the ``{dagnote}`` directive and ``myst_fence_as_directive`` fences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("myst_parser")


def test_myst_directive_and_plain_fence(project, build) -> None:
    out = build(project("myst"), "html")
    html = out.read("index.html")
    assert html.count('class="dagnote"') == 2  # {dagnote} and the plain ```dagnote fence
    assert "Directive syntax" in html
    assert "dagnote-error" in html  # the third, broken fence
    # the broken line is line 21 of index.md (the fence opens on line 19)
    assert re.search(r"index\.md:21: WARNING: .*\[dagnote\.syntax\]", out.warnings), \
        out.warnings


def test_myst_locations_follow_options(project, build) -> None:
    src: Path = project("myst")
    (src / "index.md").write_text(
        "# T\n\n```{dagnote}\n:caption: c\n:align: center\n\nx ~ X\nx -> [f*] -> y\nmin zz\n```\n",
        encoding="utf-8")
    out = build(src, "html")
    assert re.search(r"index\.md:9: WARNING: .*\[dagnote\.", out.warnings), out.warnings


def test_myst_error_box_columns_count_the_file_line(project, build) -> None:
    """Issue 17, item 19, in Markdown: a fence in a list item is indented in the file."""
    src: Path = project("myst")
    (src / "index.md").write_text(
        "# T\n\n- item\n\n  ```{dagnote}\n  x ~ X\n  x -> y ]\n  ```\n\n"
        "```{dagnote}\nx ~ X\nx ->\ty ]\n```\n", encoding="utf-8")
    html = build(src, "html").read("index.html")
    found = re.findall(r"index\.md:(\d+):(\d+): error: unexpected ']'", html)
    assert found == [("7", "10"), ("12", "8")], found

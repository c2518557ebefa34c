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

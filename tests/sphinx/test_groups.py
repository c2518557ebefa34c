"""A real Sphinx build of a page with grouped diagrams: the frame is in the page's SVG,
and a group error is a located warning while the rest of the page builds."""

from __future__ import annotations

import json
import re
from pathlib import Path

CROSSING_LINE = 22  # index.rst: "   group F: (+), [b]"


def test_a_grouped_diagram_builds_with_its_frame(project, build) -> None:
    src: Path = project("groups")
    out = build(src, "html")
    page = out.read("index.html")
    svgs = re.findall(r'<svg [^>]*class="dagnote".*?</svg>', page, re.S)
    assert len(svgs) == 1  # the crossing frames draw nothing
    frame = re.search(r'<g class="dn-frame dn-group" data-key="grp:1" data-box="[^"]+" '
                      r'data-members="([^"]+)"', svgs[0])
    assert frame, svgs[0][:2000]
    members = json.loads(frame.group(1).replace("&quot;", '"'))
    assert len(members) == 9 and "mod:W_q@1" in members and "val:x_i" not in members
    assert ">Transformer layer</text>" in svgs[0]
    assert re.search(r">(?:×|&#215;)N</text>", svgs[0])  # the SVG is ASCII
    assert 'id="fig-layer"' in page and "Text after the blocks." in page
    assert re.search(rf"index\.rst:{CROSSING_LINE}: WARNING: .*is also in the group on "
                     r"line \d+.*\[dagnote\.group-overlap\]", out.warnings), out.warnings
    assert "dagnote-error" in page

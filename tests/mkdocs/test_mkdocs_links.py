"""Clickable figures in real MkDocs builds: URL links kept inline, links to Markdown pages
as MkDocs makes them, relative links right from a figure written to a file (<object>),
and a Sphinx cross-reference a located warning."""

from __future__ import annotations

import logging
import re

import pytest
from defusedxml.ElementTree import fromstring
from mkdocs_helpers import Site, build_site, page

SVG = "{http://www.w3.org/2000/svg}"
YML = """
site_name: links
theme: mkdocs
plugins:
  - dagnote
"""
FENCE = """\
```dagnote
x ~ X
x -> [enc*] -> y
y -> (ce) -> loss
min loss
link [enc]: https://example.org/enc#Encoder
link (ce): ../api/#ce
link loss: py:class:mypkg.Loss
link y: {md}
```
"""


def _links(svg: str) -> dict[str, str | None]:
    return {a.find(f"{SVG}g").get("data-key"): a.get("href")
            for a in fromstring(svg).iter(f"{SVG}a")}


def test_inline_links_and_xref_warning(make_site: Site,
                                       caplog: pytest.LogCaptureFixture) -> None:
    root = make_site({"mkdocs.yml": YML, "docs/index.md": "# Home\n",
                      "docs/api.md": "# API\n",
                      "docs/guide.md": "# Guide\n\nText.\n\n" + FENCE.format(md="api.md#top")})
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.dagnote"):
        site = build_site(root)
    warnings = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.dagnote"]
    assert len(warnings) == 1 and warnings[0].startswith("docs/guide.md:12:1: warning: "
                                                         "link target 'py:class:mypkg.Loss'")
    svg = re.search(r"<svg\b.*?</svg>", page(site, "guide"), flags=re.S).group(0)
    assert _links(svg) == {"mod:enc@1": "https://example.org/enc#Encoder",
                           "op:ce@1": "../api/#ce",  # relative: as written, to the page
                           "val:y": "../api/#top"}  # a Markdown page: as MkDocs links it
    assert 'data-key="val:loss"' in svg and "data-xref" not in svg


def test_file_output_links_from_the_file(make_site: Site) -> None:
    root = make_site({
        "mkdocs.yml": YML.replace("- dagnote", "- dagnote:\n      output: file"),
        "docs/index.md": "# Home\n", "docs/api.md": "# API\n",
        "docs/sub/guide.md": "# Guide\n\n" + FENCE.format(md="../api.md#top")})
    site = build_site(root)
    html = page(site, "sub/guide")
    found = re.search(r'<object data="([^"]+\.svg)" type="image/svg\+xml" aria-label="[^"]+">'
                      r'<img src="\1"', html)
    assert found is not None and found.group(1).startswith("../../assets/dagnote/")
    svg = (site / "sub" / "guide" / found.group(1)).resolve().read_text(encoding="utf-8")
    # the page is /sub/guide/, so ../api/ is /sub/api/: from /assets/dagnote/ that is
    # ../../sub/api/
    assert _links(svg) == {"mod:enc@1": "https://example.org/enc#Encoder",
                           "op:ce@1": "../../sub/api/#ce", "val:y": "../../api/#top"}
    assert all(a.get("target") == "_top" for a in fromstring(svg).iter(f"{SVG}a"))

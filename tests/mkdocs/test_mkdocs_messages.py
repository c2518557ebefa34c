"""Issue 15 in MkDocs: lines named inside a message count in the page, 'allow' keeps a
deliberate mistake out of --strict, and lint marks on request (plugin and attribute)."""

from __future__ import annotations

import html
import logging

import pytest
from mkdocs_helpers import Site, build_site, page

WARNS = "x ~ X\nx -> [f*] -> y\nx -> [h*] -> z\nmin y\n"  # h is never updated


def _yml(option: str = "") -> str:
    plugin = f"  - dagnote:\n      {option}\n" if option else "  - dagnote\n"
    return f"site_name: t\ntheme: mkdocs\nplugins:\n{plugin}"


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.dagnote"]


def test_a_line_named_in_a_message_is_the_page_line(
        make_site: Site, caplog: pytest.LogCaptureFixture) -> None:
    fence = "```dagnote\nx ~ X\nx -> [f*] -/-> h\nh -> (mse) -> loss\nmin loss\n```\n"
    root = make_site({"mkdocs.yml": _yml(), "docs/index.md": "# T\n\ntext\n\n" + fence})
    with caplog.at_level(logging.WARNING):
        build_site(root)
    message = next(m for m in _warnings(caplog) if "untrained" in m)
    assert message.startswith("docs/index.md:7:6: warning: trainable module 'f'")
    assert "the stop-gradient '-/->' at line 7, column 11 cuts its path to 'loss'" in message


def test_allow_keeps_a_deliberate_mistake_out_of_strict(make_site: Site) -> None:
    fence = "```dagnote\n" + WARNS + "allow untrained: [h]\n```\n"
    root = make_site({"mkdocs.yml": _yml(), "docs/index.md": "# T\n\n" + fence})
    assert '<svg' in page(build_site(root, strict=True))


def test_show_problems_by_attribute_and_by_plugin_config(make_site: Site) -> None:
    files = {"mkdocs.yml": _yml(), "docs/index.md": "# T\n\n```dagnote\n" + WARNS + "```\n",
             "docs/b.md": "# B\n\n```dagnote show-problems\n" + WARNS + "```\n"}
    site = build_site(make_site(files))
    assert "dn-problem" not in page(site)
    marked = html.unescape(page(site, "b"))
    assert 'class="dn-problem"' in marked and "trainable module 'h' is never updated" in marked
    files["mkdocs.yml"] = _yml("show_problems: true")
    assert 'class="dn-problem"' in page(build_site(make_site(files)))

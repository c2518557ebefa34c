"""MkDocs behaves as Sphinx does (issue 16, "One behaviour in both hosts"): ``file=`` is
relative to the page (``/x.dag``: to docs/), the site's ``direction`` is a default that a
diagram's own ``direction`` beats, a fence's ``direction`` overrides, and each build says
how many diagrams it drew and how many came from the cache."""

from __future__ import annotations

import logging
import re
import subprocess
import sys

import pytest
from mkdocs_helpers import Site, build_site, page

CHAIN = "x ~ X\nx -> [{name}*] -> y\nmin y\n"
LR_YML = "site_name: agree\ntheme: mkdocs\nplugins:\n  - dagnote:\n      direction: LR\n"


def shapes(html: str) -> list[str]:
    """'wide' or 'tall' for each figure of a page, in order."""
    out = []
    for w, h in re.findall(r'<svg[^>]*\bwidth="([\d.]+)pt" height="([\d.]+)pt"', html):
        out.append("wide" if float(w) > float(h) else "tall")
    return out


def test_file_is_relative_to_the_page_and_slash_means_docs(make_site: Site) -> None:
    root = make_site({
        "mkdocs.yml": "site_name: agree\ntheme: mkdocs\nplugins:\n  - dagnote\n",
        "docs/index.md": "# Home\n",
        "docs/guide/page.md": (
            '# Guide\n\n```dagnote file="here.dag" caption="beside the page"\n```\n\n'
            '```dagnote file="/shared/top.dag" caption="from the top"\n```\n\n'
            '```dagnote file="../shared/top.dag" caption="one level up"\n```\n'),
        "docs/guide/here.dag": CHAIN.format(name="here"),
        "docs/shared/top.dag": CHAIN.format(name="top"),
    })
    html = page(build_site(root, strict=True), "guide/page")
    assert "dagnote-error" not in html
    for caption, name in [("beside the page", "here"), ("from the top", "top"),
                          ("one level up", "top")]:
        figure = html.split(f"<figcaption>{caption}</figcaption>")[0].rsplit("<figure", 1)[1]
        assert f"{name} (trained)" in figure, caption
    # the CLI resolves the page's file= the same way, given the docs root
    proc = subprocess.run([sys.executable, "-m", "dagnote", "check",
                           str(root / "docs/guide/page.md"), "--root", str(root / "docs")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def test_site_direction_is_a_default_and_a_fence_direction_overrides(
        make_site: Site) -> None:
    root = make_site({
        "mkdocs.yml": LR_YML,
        "docs/index.md": (
            f"# D\n\n```dagnote\n{CHAIN.format(name='a')}```\n\n"  # the site's LR
            f"```dagnote\ndirection TB\n{CHAIN.format(name='b')}```\n\n"  # its own TB
            f'```dagnote direction="TB"\ndirection LR\n{CHAIN.format(name="c")}```\n'),
    })
    assert shapes(page(build_site(root, strict=True))) == ["wide", "tall", "tall"]


def test_a_bad_fence_direction_is_a_located_error(
        make_site: Site, caplog: pytest.LogCaptureFixture) -> None:
    root = make_site({
        "mkdocs.yml": LR_YML,
        "docs/index.md": f"# D\n\n```dagnote direction=sideways\n{CHAIN.format(name='a')}```\n",
    })
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.dagnote"):
        html = page(build_site(root))
    assert "dagnote-error" in html
    assert any(r.getMessage().startswith("docs/index.md:3: error: direction must be one of "
                                         "TB, LR, BT, RL, not 'sideways'")
               for r in caplog.records), caplog.text


def test_summary_line_counts_a_cold_then_a_warm_build(
        make_site: Site, caplog: pytest.LogCaptureFixture) -> None:
    root = make_site({
        "mkdocs.yml": "site_name: agree\ntheme: mkdocs\nplugins:\n  - dagnote\n",
        "docs/index.md": "".join(f"```dagnote\n{CHAIN.format(name=n)}```\n\n"
                                 for n in ("a", "b", "c", "a")),
    })

    def summary() -> list[tuple[str, ...]]:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="mkdocs.plugins.dagnote"):
            build_site(root)
        return re.findall(r"dagnote: (\d+) diagrams, (\d+) from cache, (\d+) drawn in [\d.]+ s",
                          caplog.text)

    assert summary() == [("3", "0", "3")]  # a twice on the page: one diagram
    (root / "docs" / "index.md").write_text(f"```dagnote\n{CHAIN.format(name='d')}```\n\n"
                                            f"```dagnote\n{CHAIN.format(name='b')}```\n")
    assert summary() == [("2", "1", "1")]


def test_a_path_from_the_top_of_docs_without_a_slash_gets_a_hint(
        make_site: Site, caplog: pytest.LogCaptureFixture) -> None:
    """file= used to be relative to docs/: such a fence on a sub-page says what to write."""
    root = make_site({
        "mkdocs.yml": "site_name: agree\ntheme: mkdocs\nplugins:\n  - dagnote\n",
        "docs/index.md": "# Home\n",
        "docs/guide/page.md": '# Guide\n\n```dagnote file="shared/top.dag"\n```\n',
        "docs/shared/top.dag": CHAIN.format(name="top"),
    })
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.dagnote"):
        build_site(root)
    assert any(r.getMessage().startswith("docs/guide/page.md:3: error: file='shared/top.dag'")
               and "relative to the page; /shared/top.dag names the file at the top"
               in r.getMessage() for r in caplog.records), caplog.text

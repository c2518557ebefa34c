"""Material for MkDocs with SuperFences: the example site and error handling."""

from __future__ import annotations

import logging
import re
import shutil
import textwrap
from pathlib import Path

import markdown
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs_helpers import CYCLIC, Site, build_site, page
from pymdownx.superfences import SuperFencesException

import dagnote
from mkdocs_dagnote.superfences import fence_format, fence_validator

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "mkdocs-site"
SEED = sorted((REPO / "examples" / "seed").glob("*.dag"))

MATERIAL_YML = """
site_name: material
theme:
  name: material
  palette:
    - scheme: default
    - scheme: slate
markdown_extensions:
  - admonition
  - pymdownx.superfences
plugins:
  - dagnote
"""


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, copied (without cache or output) and built once with --strict."""
    root = tmp_path_factory.mktemp("example") / "mkdocs-site"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".dagnote-cache", "site"))
    build_site(root, strict=True)
    return root


def test_gallery_has_the_nine_seed_figures(example_site: Path) -> None:
    gallery_md = (example_site / "docs" / "gallery.md").read_text(encoding="utf-8")
    html = page(example_site / "site", "gallery")
    assert len(SEED) == 9
    for dag in SEED:
        assert dag.read_text(encoding="utf-8").strip() in gallery_md, dag.name  # in sync
        fig = re.search(rf'<figure class="dagnote-figure" id="{dag.stem}">(.*?)</figure>',
                        html, re.S)
        assert fig and "<svg" in fig.group(1) and "<figcaption>Figure" in fig.group(1), dag
    assert "dagnote-error" not in html and "```" not in html


def test_nested_fences_include_and_code_examples(example_site: Path) -> None:
    html = page(example_site / "site")
    assert html.count('<figure class="dagnote-figure"') == 3
    # the diagram inside a content tab is drawn inside the tab
    tab = html.split('class="tabbed-block"')[1]
    assert tab.lstrip(">").lstrip().startswith("<figure")
    # file= diagram with its summary, and the Markdown example stays a code block
    assert "<figcaption>Distillation, from a file</figcaption>" in html
    assert "<li>Weights: student (trained); teacher (frozen).</li>" in html
    assert re.search(r'<code>.*?```dagnote.*?caption="A simple classifier"', html, re.S)
    beyond = page(example_site / "site", "beyond")
    assert beyond.count('class="dagnote" role="img"') == 2 and "dagnote-error" not in beyond


def test_material_palettes_and_stylesheet(example_site: Path) -> None:
    site = example_site / "site"
    html = page(site)
    assert 'data-md-color-scheme="default"' in html and 'data-md-color-scheme="slate"' in html
    assert 'href="assets/dagnote/dagnote.css"' in html
    css = (site / "assets" / "dagnote" / "dagnote.css").read_text()
    assert '[data-md-color-scheme="slate"]' in css  # the core's dark colours follow Material
    svg = re.search(r'<svg[^>]*class="dagnote".*?</svg>', html, re.S).group(0)
    assert "var(--dagnote-line" in svg  # inline SVG takes its colours from the page


def test_rebuild_like_serve_renders_nothing(example_site: Path) -> None:
    """`mkdocs serve` rebuilds: the same config and plugin instance, every diagram a hit."""
    config = load_config(config_file=str(example_site / "mkdocs.yml"))
    cache = example_site / ".dagnote-cache"
    files = sorted(p for p in cache.rglob("*") if p.is_file())
    before = dagnote.engine_runs()
    build(config)
    build(config)
    build(config, dirty=True)
    assert dagnote.engine_runs() == before
    assert sorted(p for p in cache.rglob("*") if p.is_file()) == files


BAD_MD = """\
# Bad

!!! warning "A broken diagram in an admonition"

    ```dagnote
""" + textwrap.indent(CYCLIC, "    ") + """\
    ```

Text after the broken diagram survives.

```dagnote { #ok caption="still drawn" }
x ~ X
x -> [f*] -> y
min y
```

```dagnote width="1px;evil"
x ~ X
```
"""


def test_superfences_broken_fence(make_site: Site, caplog: pytest.LogCaptureFixture) -> None:
    root = make_site({"mkdocs.yml": MATERIAL_YML, "docs/index.md": "# Home\n",
                      "docs/bad.md": BAD_MD})
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.dagnote"):
        site = build_site(root)
    warnings = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.dagnote"]
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith("docs/bad.md:8:") and "cycle" in warnings[0]
    assert warnings[1].startswith("docs/bad.md:20: error: invalid width")
    html = page(site, "bad")
    assert "Text after the broken diagram survives." in html
    assert '<figure class="dagnote-figure" id="ok">' in html
    assert html.count('class="dagnote-error admonition failure"') == 2
    assert "language-dagnote" not in html  # never silently turned into a code block
    with pytest.raises(Abort):
        build_site(root, strict=True)


SF_CONFIG = {"pymdownx.superfences": {"custom_fences": [
    {"name": "dagnote", "class": "dagnote", "validator": fence_validator, "format": fence_format}
]}}


def test_superfences_without_plugin_raises_on_errors() -> None:
    """Configured by hand (no plugin): problems raise SuperFencesException, never code."""
    md = markdown.Markdown(extensions=["pymdownx.superfences"], extension_configs=SF_CONFIG)
    html = md.convert("```dagnote caption='ok'\nx ~ X\nx -> [f*] -> y\nmin y\n```\n")
    assert "<figcaption>ok</figcaption>" in html and "<svg" in html
    for text in ["```dagnote\nx ~ X\nx -> x\n```\n", "```dagnote nope=\"1\"\nx ~ X\n```\n"]:
        with pytest.raises(SuperFencesException):
            markdown.Markdown(extensions=["pymdownx.superfences"],
                              extension_configs=SF_CONFIG).convert(text)


def _fence(header: str, name: str) -> str:
    return f"```dagnote {header}\nx ~ X\nx -> [{name}*] -> y\nmin y\n```\n\n"


UNQUOTED = ("---\ntitle: Front matter shifts the page\n---\n\n# Home\n\n"  # fences at 7, 13, 19
            + _fence("caption=unquoted width=300 show-problems", "f")
            + _fence('caption="next"', "g")
            + _fence("caption=it's \"both\"", "h") + _fence('caption="last"', "k"))


def test_superfences_unreadable_header_is_located_and_later_fences_still_render(
    make_site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 16: SuperFences cannot read ``caption=unquoted width=300``; it showed that
    fence as text, took its closing line for an opening one, and the next fence silently
    became a code block. The plugin rewrites such a header into one SuperFences reads and
    says so at the fence line; a header it cannot rewrite loses its attributes."""
    root = make_site({"mkdocs.yml": MATERIAL_YML, "docs/index.md": UNQUOTED})
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.dagnote"):
        html = page(build_site(root))
    assert html.count('<figure class="dagnote-figure"') == 4 and "```" not in html
    assert '<figcaption>unquoted</figcaption>' in html
    assert '<figcaption>next</figcaption>' in html and '<figcaption>last</figcaption>' in html
    assert 'style="width: 300px"' in html
    warnings = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.dagnote"]
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith(
        "docs/index.md:7: warning: SuperFences cannot read this dagnote fence header "
        "(caption=unquoted width=300 show-problems)"), warnings
    assert 'write it as {caption="unquoted" width="300" show-problems=""}' in warnings[0]
    assert warnings[1].startswith("docs/index.md:19: warning:") and "dropped" in warnings[1]

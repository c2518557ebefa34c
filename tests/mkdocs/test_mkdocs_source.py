"""Showing dagnote sources in real ``mkdocs build`` runs: ``render="false"`` shows the
highlighted source instead of a figure, ``show_source`` (fence attribute or plugin option)
shows it under the figure; with SuperFences (Material) and with the plain extension."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs_helpers import Site, build_site, page

BROKEN = 'x -> [f* -> "<script>alert(1)</script>"\n'  # never drawn, so never reported
PAGE = f"""# Sources

```dagnote render="false"
{BROKEN}```

```dagnote caption="With its source" show_source="true"
x ~ X
x -> [enc: "a <b> & c"*] -> y
min y
```

```dagnote
z ~ N(0, 1)
z -> [g*] -> out
min out
```

```dagnote file="pair.dag" render="false"
```

```dagnote show_source="false"
a ~ A
a -> [h*] -> b
max b
```
"""
PAIR = "# a file's source\nq ~ Q\nq -> [k*] -> r\nmin r\n"


def _site(make_site: Site, extensions: str, plugin: str) -> Path:
    root = make_site({
        "mkdocs.yml": f"site_name: s\ntheme: {{name: material}}\n{extensions}"
                      f"plugins:\n  - dagnote:{plugin}\n",
        "docs/pair.dag": PAIR,
    })
    (root / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    return build_site(root, strict=True)  # any warning aborts the build


def _listings(html: str) -> list[str]:
    return re.findall(r'<div class="language-dagnote highlight dagnote-listing"><pre>'
                      r"<span></span><code>(.*?)</code></pre></div>", html, re.S)


def _check_page(html: str, expected_listings: int) -> list[str]:
    listings = _listings(html)
    assert len(listings) == expected_listings
    # render="false": the source, highlighted and escaped, no figure and no error box
    assert '<span class="s2">"&lt;script&gt;alert(1)&lt;/script&gt;"</span>' in listings[0]
    assert "<script>alert" not in html
    assert '<span class="o">-&gt;</span>' in listings[0]
    assert "dagnote-error" not in html
    assert '<span class="c1"># a file&#39;s source</span>' in html \
        or "<span class=\"c1\"># a file's source</span>" in html
    assert len(re.findall(r'<svg [^>]*class="dagnote"', html)) == 3  # the three drawn
    return listings


def test_superfences_render_false_and_show_source(make_site: Site) -> None:
    site = _site(make_site, "markdown_extensions:\n  - pymdownx.superfences\n", "\n")
    html = page(site)
    listings = _check_page(html, 3)
    # show_source="true": under its own figure, after the caption
    assert '"a &lt;b&gt; &amp; c"' in listings[1] and "<b>" not in listings[1]
    caption = html.index("With its source</figcaption>")
    assert caption < html.index(listings[1]) < html.index(">out<")


def test_plugin_show_source_with_the_plain_extension(make_site: Site) -> None:
    site = _site(make_site, "", "\n      show_source: true\n")
    html = page(site)
    # every figure but the one with show_source="false", plus the two render="false"
    listings = _check_page(html, 4)
    assert any(">out<" in listing for listing in listings)
    assert not any("max" in listing for listing in listings)


def test_a_dag_code_fence_is_highlighted_by_the_lexer(make_site: Site) -> None:
    """The lexer's alias ``dag`` in an ordinary fence (pymdownx.highlight): highlighted,
    never drawn."""
    root = make_site({
        "mkdocs.yml": "site_name: s\ntheme: {name: material}\nmarkdown_extensions:\n"
                      "  - pymdownx.highlight\n  - pymdownx.superfences\nplugins:\n"
                      "  - dagnote\n",
        "docs/index.md": "```dag\nx ~ X\nmin x\n```\n",
    })
    html = page(build_site(root, strict=True))
    assert '<span class="k">min</span>' in html
    assert not re.search(r'<svg [^>]*class="dagnote"', html)

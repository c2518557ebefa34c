"""Fence sizes (width, height, scale) and the plugin's font_family in a real build."""

from __future__ import annotations

import re

from mkdocs_helpers import Site, build_site, page

FENCES = """
# Sizes

```dagnote scale=50 caption="half"
x -> [half*] -> y
min y
```

```dagnote height="6em"
x -> [tall*] -> y
min y
```

```dagnote
x -> [natural*] -> y
min y
```
"""


def _images(html: str) -> list[str]:
    return re.findall(r'<div class="dagnote-image[^"]*"[^>]*>', html)


def test_scale_and_height_size_the_figure(make_site: Site) -> None:
    root = make_site({"mkdocs.yml": "site_name: s\nplugins:\n  - dagnote\n",
                      "docs/index.md": FENCES})
    html = page(build_site(root, strict=True))
    half, tall, natural = _images(html)
    svgs = re.findall(r'<svg [^>]*width="([0-9.]+)pt"', html)
    assert f'style="width: {float(svgs[0]) / 2:.2f}pt"' in half
    assert 'class="dagnote-image dagnote-height" style="height: 6em"' in tall
    assert "style" not in natural
    assert "font-family=\"Arial" in html


def test_font_family_serif_and_bad_sizes(make_site: Site) -> None:
    root = make_site({
        "mkdocs.yml": "site_name: s\nplugins:\n  - dagnote:\n      font_family: serif\n",
        "docs/index.md": "```dagnote scale=5000\nx -> [f*] -> y\nmin y\n```\n\n"
                         "```dagnote\nx -> [g*] -> y\nmin y\n```\n",
    })
    html = page(build_site(root))
    assert "scale 5000% must be more than 0 and at most 1000%" in html  # the error box
    assert "font-family=\"'Times New Roman'" in re.search(r"<svg [^>]*>", html).group(0)

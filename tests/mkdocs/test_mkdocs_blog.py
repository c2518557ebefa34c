"""Material's blog plugin (issue 16): a post's broken diagram is reported once, with the
post's file and line, whichever of ``dagnote`` and ``blog`` comes first in ``plugins``.

The blog plugin reads a post's front matter itself and renders each post a second time
per view (index, archive, category) as an excerpt, in a Markdown converter of its own."""

from __future__ import annotations

import logging

import pytest
from mkdocs_helpers import Site, build_site, page

POST = """\
---
date: 2024-01-01
categories:
  - ML
---

# A post

Intro.

```dagnote caption="broken"
x ~ X
x -> [f*] -> y
y -> (+) -> y
min y
```

```dagnote caption="fine"
x ~ X
x -> [g*] -> z
min z
```

<!-- more -->

More text.
"""


@pytest.mark.parametrize("plugins", [["dagnote", "blog"], ["blog", "dagnote"]])
def test_a_post_error_is_reported_once_at_its_line(
        make_site: Site, caplog: pytest.LogCaptureFixture, plugins: list[str]) -> None:
    listed = "".join(f"  - {p}\n" for p in plugins)
    root = make_site({
        "mkdocs.yml": "site_name: blog\ntheme:\n  name: material\nmarkdown_extensions:\n"
                      f"  - pymdownx.superfences\nplugins:\n{listed}",
        "docs/index.md": "# Home\n",
        "docs/blog/index.md": "# Blog\n",
        "docs/blog/posts/post.md": POST,
    })
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.dagnote"):
        site = build_site(root)
    warnings = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.dagnote"]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("docs/blog/posts/post.md:14:10: error: cycle in the graph")
    post = page(site, "blog/2024/01/01/a-post")
    assert post.count("dagnote-error") == 1 and "<figcaption>fine</figcaption>" in post
    view = page(site, "blog")  # the excerpt: the same box and figure
    assert view.count("dagnote-error") == 1 and "<figcaption>fine</figcaption>" in view

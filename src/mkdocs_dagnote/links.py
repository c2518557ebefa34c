"""Links to Markdown pages: ``link [enc]: api.md#encoder`` as MkDocs treats a Markdown link.

A figure's SVG is raw HTML to MkDocs, whose link rewriting never sees it; this does the
same for a figure's relative ``.md`` links: the page's file is looked up among the site's
files and the link becomes that page's URL relative to this page (``../api/#encoder``
with directory URLs). Any other URL is left as written.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from urllib.parse import unquote, urlsplit, urlunsplit

from mkdocs.structure.files import File, Files


def markdown_links(page: File, files: Files) -> Callable[[str], str]:
    """A function turning a relative ``.md`` URL of ``page`` into the target page's URL."""

    def resolve(url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
            return url
        path = unquote(parts.path)
        where = path.lstrip("/") if path.startswith("/") else posixpath.join(
            posixpath.dirname(page.src_uri), path)
        target = files.get_file_from_path(posixpath.normpath(where))
        if target is None:
            return url
        return urlunsplit(("", "", target.url_relative_to(page), parts.query, parts.fragment))

    return resolve

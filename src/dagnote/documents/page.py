"""Embedding a rendered SVG in a page: per-copy ids and an author's alt text.

Kept apart from :mod:`dagnote.drawing` so hosts can use it without importing the XML
library that drawing needs (warm builds draw nothing and import nothing).
"""

from __future__ import annotations

import html
import re

_ROOT_TAG = re.compile(r"<svg\b[^>]*>")
_ROOT_ID = re.compile(r'\bid="(dagnote-[0-9a-f]+)"')
_LABELLING = re.compile(r'\saria-label(?:ledby)?="[^"]*"')


def for_page(svg: str, alt: str | None = None, copy: int = 1) -> str:
    """The SVG as a host embeds it inline: the n-th copy on a page gets its own ids,
    and an author's alt text becomes the accessible name (replacing title/desc labelling).

    Works on this module's own output, whose root tag and id prefix it knows.

    :param svg: :attr:`Rendered.output` decoded (ASCII).
    :param alt: the author's text alternative; ``None`` keeps the summary as the label.
    :param copy: 1 for the first copy of this diagram on the page, 2 for the second, ...
    """
    match = _ROOT_TAG.search(svg)
    if match is None:
        return svg
    if copy > 1:
        found = _ROOT_ID.search(match.group(0))
        if found:
            prefix = found.group(1)
            svg = svg.replace(prefix, f"{prefix}-{copy}")
            match = _ROOT_TAG.search(svg)
            assert match is not None
    if alt:
        root = _LABELLING.sub("", match.group(0))
        label = html.escape(alt, quote=True)
        root = root.replace("<svg", f'<svg aria-label="{label}"', 1)
        svg = svg[: match.start()] + root + svg[match.end() :]
    return svg


def root_id(svg: str) -> str | None:
    """The diagram's id prefix (``dagnote-<hash>``), to count copies on a page."""
    match = _ROOT_TAG.search(svg)
    found = _ROOT_ID.search(match.group(0)) if match else None
    return found.group(1) if found else None

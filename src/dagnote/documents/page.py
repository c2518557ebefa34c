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


def natural_width(svg: str) -> float | None:
    """The SVG's own width in points (``width="414.46pt"`` on the writer's root)."""
    match = _ROOT_TAG.search(svg)
    found = re.search(r'\swidth="([0-9.]+)pt"', match.group(0)) if match else None
    return float(found.group(1)) if found else None


_SIZE = re.compile(r'\s(width|height)="([0-9.]+)pt"')


def resized(svg: str, width: str | None = None, height: str | None = None,
            scale: float | None = None) -> str:
    """The SVG with the size an author asked for on its root: CSS lengths ``width`` and
    ``height`` (given one, the other follows the drawing's proportions), or ``scale`` times
    its own size. Works on the writer's output (``width="...pt" height="...pt"``)."""
    match = _ROOT_TAG.search(svg)
    if match is None or not (width or height or scale):
        return svg
    root = match.group(0)
    if width or height:
        root = _SIZE.sub("", root)
        given = {"width": width, "height": height}
        extra = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in given.items() if v)
        root = root.replace("<svg", f"<svg{extra}", 1)
    elif scale:
        root = _SIZE.sub(lambda m: f' {m.group(1)}="{float(m.group(2)) * scale:.2f}pt"', root)
    return svg[: match.start()] + root + svg[match.end() :]

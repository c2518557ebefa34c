"""Colours of a figure: CSS scoped to one diagram that maps the page's theme variables.

Writers paint with plain attributes (``stroke="black"``, ``fill="white"``, the sequence
lavender), which every renderer understands; this style sheet re-colours them through
``--dagnote-*`` variables, so one SVG follows light and dark pages.
"""

from __future__ import annotations

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ROOT_STYLE = "max-width:100%;height:auto"  # the root's style: it shrinks with the page


#: Fallback palettes (line, text, node fill, sequence accent, background) used when the
#: page defines no ``--dagnote-*`` variables: an ``<img>``, or a page without dagnote.css.
#: The fallbacks draw an opaque background so such an image is legible on any page.
LIGHT = {"line": "#000", "text": "#000", "fill": "#fff", "accent": "#b197d6", "bg": "#fff"}
DARK = {"line": "#d0d0d0", "text": "#e6e6e6", "fill": "#1e1e1e", "accent": "#6f5a9e",
        "bg": "#1e1e1e"}


def _palette(selector: str, colours: dict[str, str]) -> str:
    """One rule mapping the page's ``--dagnote-*`` variables (or fallbacks) to ``--dn-*``."""
    accent = f"var(--dagnote-accent,var(--dagnote-seq,{colours['accent']}))"
    return (
        f"{selector}{{--dn-line:var(--dagnote-line,{colours['line']});"
        f"--dn-text:var(--dagnote-text,{colours['text']});"
        f"--dn-fill:var(--dagnote-fill,{colours['fill']});"
        f"--dn-accent:{accent};--dn-bg:var(--dagnote-bg,{colours['bg']})}}"
    )


def link_style(root_id: str) -> str:
    """Linked elements look as before (whatever the page's CSS does to links); hovered
    or focused, their labels are underlined, and a focused one gets an outline in the
    line colour (keyboard users see where they are)."""
    s = f"#{root_id} a.dn-link"
    return (f"{s}{{cursor:pointer;text-decoration:none}}{s}:hover text,{s}:focus-visible text"
            "{text-decoration:underline}"
            f"{s}:focus-visible{{outline:2px solid var(--dn-line);outline-offset:2px}}")


def style_sheet(root_id: str, links: bool = False) -> str:
    """CSS scoped to one diagram: colours from --dagnote-* variables with fallbacks.

    Page variables always win (dagnote.css defines all of them, light or dark after the
    theme's switch), so the media query below only picks the fallbacks: it decides for
    ``<img>`` (where Chromium and Firefox match it against the img's ``color-scheme``)
    and for pages that include no dagnote stylesheet. Forced colours (Windows high
    contrast) override everything with system colours. ``links``: the figure has linked
    elements (:func:`link_style`).
    """
    s = f"#{root_id}"
    return (
        _palette(s, LIGHT)
        + "@media (prefers-color-scheme:dark){" + _palette(s, DARK) + "}"
        + "@media (forced-colors:active){"
        + f"{s}{{--dn-line:CanvasText;--dn-text:CanvasText;--dn-fill:Canvas;"
        + "--dn-accent:Canvas;--dn-bg:Canvas}"
        + "}"
        f'{s} [stroke="black"]{{stroke:var(--dn-line)}}'
        f'{s} [fill="black"]{{fill:var(--dn-line)}}'
        f'{s} [fill="white"]{{fill:var(--dn-fill)}}'
        f'{s} [fill="#b197d6"]{{fill:var(--dn-accent)}}'
        f"{s} text{{fill:var(--dn-text)}}"
        f"{s} .dn-bg{{fill:var(--dn-bg)}}"
        # text carries fill="black" for renderers without CSS variables; the attribute
        # rule above would paint it in the line colour, so text gets the text colour back
        f'{s} text[fill="black"]{{fill:var(--dn-text)}}'
        + (link_style(root_id) if links else "")
    )

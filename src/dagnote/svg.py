"""Post-process the engine's SVG into an inline-ready, themeable, accessible image.

No XML prolog or comments; ids unique per diagram; ``role="img"`` with ``<title>`` and
``<desc>`` from the summary; a ``<title>`` per node with its readable label; colours
through CSS custom properties so one SVG follows light and dark pages.
"""

from __future__ import annotations

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# The engine's output is parsed with entities, network access and DTD loading off and
# comments dropped: nothing in it can expand, fetch or survive as a comment.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          remove_comments=True, remove_pis=True, huge_tree=False)


def _q(tag: str) -> str:
    return f"{{{SVG_NS}}}{tag}"


_G = _q("g")
_TITLE = _q("title")
_TEXT = _q("text")
_POLYGON = _q("polygon")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _slim_text(el: etree._Element) -> None:
    """Drop attributes that only repeat SVG's defaults for this text.

    ``text-anchor="start"`` is the default; ``xml:space="preserve"`` changes nothing for
    text without runs of spaces or spaces at either end.
    """
    if el.get("text-anchor") == "start":
        del el.attrib["text-anchor"]
    text = el.text or ""
    if el.get(_XML_SPACE) == "preserve" and "  " not in text and text == text.strip(" \t\n"):
        del el.attrib[_XML_SPACE]


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


def style_sheet(root_id: str) -> str:
    """CSS scoped to one diagram: colours from --dagnote-* variables with fallbacks.

    Page variables always win (dagnote.css defines all of them, light or dark after the
    theme's switch), so the media query below only picks the fallbacks: it decides for
    ``<img>`` (where Chromium and Firefox match it against the img's ``color-scheme``)
    and for pages that include no dagnote stylesheet. Forced colours (Windows high
    contrast) override everything with system colours.
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
    )


def _background(root: etree._Element) -> etree._Element | None:
    """A rectangle behind the drawing (``fill="none"`` unless the CSS gives it a colour)."""
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) != 4:
        return None
    x, y, w, h = box
    return etree.Element(_q("rect"), {"class": "dn-bg", "x": x, "y": y, "width": w,
                                    "height": h, "fill": "none", "stroke": "none"})


def _merge_outlines(root: etree._Element) -> None:
    """One polygon for a filled box and its outline.

    Graphviz draws a table cell's background and its border as two polygons with the
    same points, one after the other; one polygon with both fill and stroke paints the
    same (fill first, then stroke) in fewer bytes.
    """
    for fill in list(root.iter(_POLYGON)):
        outline = fill.getnext()
        if (outline is not None and outline.tag == _POLYGON
                and fill.get("stroke") in ("none", "transparent") and outline.get("fill") == "none"
                and fill.get("points") == outline.get("points")
                and len(fill.attrib) == 3 and not (fill.tail or "").strip()):
            fill.set("stroke", outline.get("stroke", "none"))
            for name, value in outline.attrib.items():
                if name not in ("fill", "points"):
                    fill.set(name, value)
            fill.getparent().remove(outline)


def postprocess(svg: bytes, root_id: str, title: str, desc: str,
                node_titles: dict[str, str]) -> bytes:
    """Rewrite one engine SVG document (see module docstring)."""
    root = etree.fromstring(svg, _PARSER)
    root.set("id", root_id)
    root.set("class", "dagnote")
    root.set("role", "img")
    root.set("aria-labelledby", f"{root_id}-title {root_id}-desc")
    root.set("style", "max-width:100%;height:auto")
    drop = []
    dropped_ids = 0
    for el in root.iter(_G, _TEXT):
        if el.tag == _TEXT:
            _slim_text(el)
            continue
        # Graphviz names every group (graph0, node3, edge5); nothing refers to those
        # names, and dropping them keeps a page's ids few and the image smaller
        if el.attrib.pop("id", None) is not None:
            dropped_ids += 1
        t = el.find(_TITLE)
        if t is None:
            continue
        kind = (el.get("class") or "").split(" ", 1)[0]
        if kind == "node":
            if t.text in node_titles:
                t.text = node_titles[t.text]
        elif kind in ("edge", "graph", "cluster"):
            drop.append(t)  # engine-internal names mean nothing to a reader
    for t in drop:
        el = t.getparent()
        if el is not None:
            el.remove(t)
    _merge_outlines(root)
    if svg.count(b' id="') > dropped_ids:  # any other id (none today): unique on a page
        for el in root.xpath(".//*[@id]"):
            el.set("id", f"{root_id}-{el.get('id')}")
    title_el = etree.Element(_TITLE, {"id": f"{root_id}-title"})
    title_el.text = title
    desc_el = etree.Element(_q("desc"), {"id": f"{root_id}-desc"})
    desc_el.text = desc
    style_el = etree.Element(_q("style"))
    style_el.text = style_sheet(root_id)
    background = _background(root)
    if background is not None:
        root.insert(0, background)
    root.insert(0, style_el)
    root.insert(0, desc_el)
    root.insert(0, title_el)
    etree.indent(root, space="")
    # ASCII, other characters as references: a host decodes the image into its page, and
    # one astral character (the prior's 𝒩) would make Python store that whole page with
    # four bytes per character
    out = etree.tostring(root, encoding="utf-8")
    if not out.isascii():  # half the cost of serialising to ASCII when few labels need it
        out = out.decode("utf-8").encode("ascii", "xmlcharrefreplace")
    return out + b"\n"

"""Post-process the engine's SVG into an inline-ready, themeable, accessible image.

No XML prolog or comments; ids unique per diagram; ``role="img"`` with ``<title>`` and
``<desc>`` from the summary; a ``<title>`` per node with its readable label; colours
through CSS custom properties so one SVG follows light and dark pages.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - serialisation only; parsing is defusedxml

from defusedxml.ElementTree import fromstring

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def _q(tag: str) -> str:
    return f"{{{SVG_NS}}}{tag}"


def style_sheet(root_id: str) -> str:
    """CSS scoped to one diagram: colours from --dagnote-* variables with defaults.

    A page sets ``--dagnote-line`` etc. (the shipped stylesheet does it for the common
    themes' dark switches); without them, ``prefers-color-scheme`` decides (for ``<img>``).
    """
    s = f"#{root_id}"
    return (
        f"{s}{{--dn-line:var(--dagnote-line,#000);--dn-text:var(--dagnote-text,#000);"
        f"--dn-fill:var(--dagnote-fill,#fff);--dn-seq:var(--dagnote-seq,#b197d6)}}"
        "@media (prefers-color-scheme:dark){"
        f"{s}{{--dn-line:var(--dagnote-line,#d8d8d8);--dn-text:var(--dagnote-text,#e8e8e8);"
        f"--dn-fill:var(--dagnote-fill,#1e1e1e);--dn-seq:var(--dagnote-seq,#8f78c4)}}}}"
        f'{s} [stroke="black"]{{stroke:var(--dn-line)}}'
        f'{s} [fill="black"]{{fill:var(--dn-line)}}'
        f'{s} [fill="white"]{{fill:var(--dn-fill)}}'
        f'{s} [fill="#b197d6"]{{fill:var(--dn-seq)}}'
        f"{s} text{{fill:var(--dn-text)}}"
    )


def postprocess(svg: bytes, root_id: str, title: str, desc: str,
                node_titles: dict[str, str]) -> bytes:
    """Rewrite one engine SVG document (see module docstring)."""
    root = fromstring(svg)
    root.set("id", root_id)
    root.set("class", "dagnote")
    root.set("role", "img")
    root.set("aria-labelledby", f"{root_id}-title {root_id}-desc")
    root.set("style", "max-width:100%;height:auto")
    for el in root.iter():
        ident = el.get("id")
        if ident and el is not root:
            el.set("id", f"{root_id}-{ident}")
        if el.tag == _q("g") and "node" in (el.get("class") or "").split():
            t = el.find(_q("title"))
            if t is not None and t.text in node_titles:
                t.text = node_titles[t.text]
        if el.tag == _q("g") and "edge" in (el.get("class") or "").split():
            t = el.find(_q("title"))
            if t is not None:
                el.remove(t)
    for g in root.findall(_q("g")):
        t = g.find(_q("title"))
        if t is not None and "graph" in (g.get("class") or ""):
            g.remove(t)
    for g in root.iter(_q("g")):
        cls = g.get("class")
        if cls and "cluster" in cls.split():
            t = g.find(_q("title"))
            if t is not None:
                g.remove(t)
    title_el = ET.Element(_q("title"), {"id": f"{root_id}-title"})
    title_el.text = title
    desc_el = ET.Element(_q("desc"), {"id": f"{root_id}-desc"})
    desc_el.text = desc
    style_el = ET.Element(_q("style"))
    style_el.text = style_sheet(root_id)
    root.insert(0, style_el)
    root.insert(0, desc_el)
    root.insert(0, title_el)
    ET.indent(root, space="")
    return ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"

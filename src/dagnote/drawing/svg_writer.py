"""Draw a laid-out :class:`~dagnote.drawing.figure.Figure` as one inline-ready SVG document.

The writer decides nothing about placement: every coordinate comes from the figure. It
only turns shapes into SVG primitives (the trainable star, the sampling mark and the
objective triangles are geometry, not glyphs, so they render without any font), rounds
the corners of edges and adds arrowheads.

Colours follow the attribute convention of :mod:`dagnote.drawing.theme`: ``stroke="black"``,
``fill="black"``, ``fill="white"``, ``fill="#b197d6"`` and ``class="dn-bg"`` are mapped
to the page's ``--dagnote-*`` variables by :func:`dagnote.drawing.theme.style_sheet`, so one SVG
follows light and dark pages and still draws in renderers without CSS variables.

The output has no XML prolog, comments or DOCTYPE, is ASCII (other characters as
numeric references) and is byte-identical for equal input. User text only ever enters
the tree as element text or attribute values, so the standard library's ElementTree
escapes it (already loaded by Sphinx and Python-Markdown, so it costs a build nothing).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree

from dagnote.drawing.theme import ROOT_STYLE, SVG_NS, XLINK_NS, style_sheet

from . import outlines
from .figure import Element, Figure, Frame, Path, Point, Shape, Text
from .outlines import SCRIPT_SIZE, SUB_SHIFT, SUP_SHIFT, fmt

FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"
SERIF = "'Times New Roman', 'Liberation Serif', Times, serif"


# The tree is built with the names as written (``xmlns`` declarations among the root's
# attributes): ElementTree's own namespace handling would either invent ns0: prefixes or,
# given a default namespace, refuse the unprefixed attributes SVG uses.
_XML_SPACE = "xml:space"
# characters XML 1.0 cannot carry (a parser refuses them): drawn as U+FFFD instead
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

def _dasharray(pattern: tuple[float, float]) -> str:
    return " ".join(f"{d:g}" for d in pattern)


DASH = _dasharray(outlines.DASH)
DOTS = _dasharray(outlines.DOTS)
NONDIFF_DASH = _dasharray(outlines.NONDIFF_DASH)


def _pt(p: Point) -> str:
    return f"{fmt(p[0])} {fmt(p[1])}"


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _sub(parent: etree.Element, tag: str, attrib: dict[str, str] | None = None,
         text: str | None = None) -> etree.Element:
    """Append a child (one per line: the parent's structure stays readable)."""
    el = etree.SubElement(parent, tag, attrib or {})
    if text is not None:
        el.text = _clean(text)
    if tag != "tspan":  # never whitespace inside a <text>: it would show between runs
        el.tail = "\n"
        if parent.text is None:
            parent.text = "\n"
    return el


# --- text -------------------------------------------------------------------------------

def _needs_preserve(text: str) -> bool:
    return (text != text.strip(" ") or "  " in text
            or any(c in text for c in "\t\n\r"))


def _draw_text(parent: etree.Element, text: Text, css: str = "") -> etree.Element:
    attrib = {}
    if css:
        attrib["class"] = css
    attrib.update({"x": fmt(text.x), "y": fmt(text.y), "font-size": fmt(text.size)})
    if text.anchor == "middle":
        attrib["text-anchor"] = "middle"
    if text.serif:
        attrib["font-family"] = SERIF
    if text.bold:
        attrib["font-weight"] = "bold"
    if text.italic:
        attrib["font-style"] = "italic"
    attrib["fill"] = "black"  # for renderers without CSS variables; the CSS gives --dn-text
    el = _sub(parent, "text", attrib)
    # a space at a run's edge ('p_{u} = 1': ' = 1' after the subscript) is dropped by
    # renderers that strip each chunk, as rsvg does, unless spaces are kept
    if _needs_preserve(text.plain) or any(_needs_preserve(r.text) for r in text.runs if r.text):
        el.set(_XML_SPACE, "preserve")
    shift = 0.0  # the current run's offset from the base line
    last: etree.Element | None = None
    for run in text.runs:
        if not run.text:
            continue
        want = 0.0
        if run.script == "sub":
            want = SUB_SHIFT * text.size
        elif run.script == "sup":
            want = SUP_SHIFT * text.size
        if last is None and want == 0.0:
            el.text = (el.text or "") + _clean(run.text)
            continue
        if want == shift and last is not None and run.script == "base":
            last.tail = (last.tail or "") + _clean(run.text)
            continue
        span = {}
        if run.script != "base":
            span["font-size"] = fmt(text.size * SCRIPT_SIZE)
        if want != shift:
            span["dy"] = fmt(want - shift)
        last = _sub(el, "tspan", span, run.text)
        shift = want
    return el


# --- shapes -----------------------------------------------------------------------------

def _points(points: list[Point]) -> str:
    return " ".join(_pt(p) for p in points)


def _sample(shape: Shape, width: float) -> str:
    """The sampling mark's curve (see :func:`outlines.sample`) as path data."""
    p = outlines.sample(shape, width)
    return (f"M{_pt(p[0])}C{_pt(p[1])} {_pt(p[2])} {_pt(p[3])}"
            f"C{_pt(p[4])} {_pt(p[5])} {_pt(p[6])}")


def _closed(points: list[Point]) -> str:
    return "M" + "L".join(_pt(p) for p in points) + "Z"


def _draw_shape(parent: etree.Element, shape: Shape) -> None:
    x, y, w, h = shape.x, shape.y, shape.w, shape.h
    box = {"x": fmt(x), "y": fmt(y), "width": fmt(w), "height": fmt(h)}
    kind = shape.kind
    if kind in ("rect", "cell"):
        fill = "#b197d6" if kind == "cell" and shape.filled else "white"
        _sub(parent, "rect", {**box, "fill": fill, "stroke": "black"})
    elif kind == "rounded":
        r = fmt(min(outlines.BOX_RADIUS, w / 2, h / 2))
        _sub(parent, "rect", {**box, "rx": r, "ry": r, "fill": "white", "stroke": "black"})
    elif kind == "frame":
        r = fmt(min(outlines.FRAME_RADIUS, w / 2, h / 2))
        _sub(parent, "rect", {**box, "rx": r, "ry": r, "fill": "none", "stroke": "black"})
    elif kind in ("circle", "ellipse"):
        attrib = {"cx": fmt(x + w / 2), "cy": fmt(y + h / 2)}
        if kind == "circle":
            attrib["r"] = fmt(min(w, h) / 2)
        else:
            attrib.update(rx=fmt(w / 2), ry=fmt(h / 2))
        attrib.update(fill="white", stroke="black")
        if shape.dashed:
            attrib["stroke-dasharray"] = NONDIFF_DASH
        _sub(parent, kind, attrib)
    elif kind == "star":
        _sub(parent, "polygon", {"class": "dn-star", "points": _points(outlines.star(shape)),
                                 "fill": "black"})
    elif kind == "sample":
        width = outlines.mark_stroke(shape)
        _sub(parent, "path", {"class": "dn-sample", "d": _sample(shape, width), "fill": "none",
                              "stroke": "black", "stroke-width": fmt(width)})
    elif kind in ("min", "max"):
        width = outlines.triangle_stroke(shape)
        d = _closed(outlines.triangle(shape, width, kind == "min"))
        _sub(parent, "path", {"class": f"dn-{kind}", "d": d,
                              "fill": "none", "stroke": "black", "stroke-width": fmt(width)})
    elif kind == "problem":
        _sub(parent, "rect", {**box, "class": "dn-problem", "fill": "none", "stroke": "black",
                              "stroke-width": "1.2", "stroke-dasharray": "4 3"})
    elif kind == "badge":
        _sub(parent, "circle", {"class": "dn-badge", "cx": fmt(x + w / 2), "cy": fmt(y + h / 2),
                                "r": fmt(min(w, h) / 2), "fill": "white", "stroke": "black",
                                "stroke-width": "1.2"})
    else:  # pragma: no cover - the contract's kinds are all handled above
        raise ValueError(f"unknown shape kind {kind!r}")


def _link(parent: etree.Element, element: Element) -> etree.Element:
    """The element's link, around its group: SVG 2 ``href`` and ``xlink:href`` for older
    viewers; a cross-reference waits in ``data-xref`` for its host to resolve it."""
    a = _sub(parent, "a", {"class": "dn-link"})
    if element.link:
        a.set("href", _clean(element.link))
        a.set("xlink:href", _clean(element.link))
        shown = element.link
    else:
        a.set("data-xref", _clean(element.xref or ""))
        shown = (element.xref or "").split(":", 2)[-1]
    _sub(a, "title", text=f"{element.title}: {shown}")
    return a


def _draw_element(parent: etree.Element, element: Element) -> None:
    x, y, w, h = element.box
    if element.link or element.xref:
        parent = _link(parent, element)
    g = _sub(parent, "g", {"class": f"dn-node {element.css}".strip(),
                           "data-key": _clean(element.key),
                           "data-box": f"{fmt(x)} {fmt(y)} {fmt(w)} {fmt(h)}"})
    _sub(g, "title", text=element.title)
    for shape in element.shapes:
        _draw_shape(g, shape)
    for text in element.texts:
        _draw_text(g, text)


def _draw_frame(parent: etree.Element, frame: Frame) -> None:
    """A group's frame: its outline, label, ×N and star; ``data-members`` lists the keys
    of the elements it holds (a JSON array: keys may hold any character)."""
    x, y, w, h = frame.box
    g = _sub(parent, "g", {"class": frame.css, "data-key": _clean(frame.key),
                           "data-box": f"{fmt(x)} {fmt(y)} {fmt(w)} {fmt(h)}",
                           "data-members": _clean(json.dumps(list(frame.members),
                                                             ensure_ascii=False))})
    _sub(g, "title", text=frame.title)
    for shape in frame.shapes:
        _draw_shape(g, shape)
    for text in frame.texts:
        _draw_text(g, text, "dn-frame-label")


# --- edges ------------------------------------------------------------------------------

def _rounded(points: list[Point]) -> str:
    """M/L/A path data: straight segments, each bend rounded (see :func:`outlines.bends`)."""
    here = _pt(points[0])
    d = [f"M{here}"]
    for bend in outlines.bends(points):
        start = _pt(bend.start)
        if start != here:  # two bends half a short segment apart meet in its middle
            d.append(f"L{start}")
        here = _pt(bend.end)
        r = fmt(bend.radius)
        d.append(f"A{r} {r} 0 0 {int(bend.clockwise)} {here}")
    if _pt(points[-1]) != here:
        d.append(f"L{_pt(points[-1])}")
    return "".join(d)


def _draw_path(parent: etree.Element, path: Path) -> None:
    outline = outlines.edge(path)
    if outline is None:
        return
    g = _sub(parent, "g", {"class": "dn-edge-group"})
    if path.tail:
        g.set("data-tail", _clean(path.tail))
    if path.head:
        g.set("data-head", _clean(path.head))
    if len(outline.line) >= 2:
        attrib = {"class": f"dn-edge dn-{path.kind}", "d": _rounded(outline.line),
                  "fill": "none", "stroke": "black"}
        if path.dashed:
            attrib["stroke-dasharray"] = DOTS if path.kind == "straight" else DASH
        _sub(g, "path", attrib)
    if outline.head is not None:
        fill = "black" if path.arrow == "filled" else "white"
        attrib = {"class": "dn-arrow", "d": _closed(outline.head), "fill": fill}
        attrib["stroke"] = "none" if path.arrow == "filled" else "black"
        _sub(g, "path", attrib)
    if outline.bar is not None:
        (x1, y1), (x2, y2) = outline.bar
        _sub(g, "line", {"class": "dn-stopbar", "x1": fmt(x1), "y1": fmt(y1),
                         "x2": fmt(x2), "y2": fmt(y2), "stroke": "black",
                         "stroke-width": fmt(outlines.STOPBAR_WIDTH)})
    if path.mark is not None:  # the line broken under the sampling mark
        m = path.mark
        _sub(g, "rect", {"class": "dn-gap", "x": fmt(m.x), "y": fmt(m.y), "width": fmt(m.w),
                         "height": fmt(m.h), "fill": "white", "stroke": "none"})
        _draw_shape(g, m)
    if path.label is not None:
        _draw_text(g, path.label, "dn-edge-label")


# --- document ---------------------------------------------------------------------------

def write_svg(figure: Figure, root_id: str, title: str, desc: str,
              themed: bool = True, serif: bool = False) -> bytes:
    """The figure as one standalone SVG document (see the module docstring).

    ``themed=False`` leaves out the style sheet and the page-fitting root style and sizes
    the figure in user units: the plain black-on-white drawing a rasteriser without CSS
    variables (resvg) renders as it is meant.
    """
    w, h = fmt(figure.width), fmt(figure.height)
    unit = "pt" if themed else ""
    links = any(e.link or e.xref for e in figure.elements)
    attributes = {"xmlns": SVG_NS}
    if links:
        attributes["xmlns:xlink"] = XLINK_NS
    attributes |= {
        "width": f"{w}{unit}", "height": f"{h}{unit}", "viewBox": f"0 0 {w} {h}",
        "id": root_id, "class": "dagnote", "role": "img",
        "aria-labelledby": f"{root_id}-title {root_id}-desc",
        "style": ROOT_STYLE, "font-family": SERIF if serif else FONT,
    }
    if not themed:
        del attributes["style"]
    if links:  # an image's parts are hidden from assistive technology; links must not be
        attributes["role"] = "group"
    root = etree.Element("svg", attributes)
    _sub(root, "title", {"id": f"{root_id}-title"}, title)
    _sub(root, "desc", {"id": f"{root_id}-desc"}, desc)
    if themed:
        _sub(root, "style", text=style_sheet(root_id, links))
    _sub(root, "rect", {"class": "dn-bg", "x": "0", "y": "0", "width": w, "height": h,
                        "fill": "none", "stroke": "none"})
    # frames behind everything, outer ones first; then edges: a node's white fill hides
    # any end that overshoots its outline
    for frame in figure.frames:
        _draw_frame(root, frame)
    for path in figure.paths:
        _draw_path(root, path)
    for element in figure.elements:
        _draw_element(root, element)
    for caption in figure.captions:
        _draw_text(root, caption, "dn-caption")
    return etree.tostring(root, encoding="us-ascii", xml_declaration=False) + b"\n"

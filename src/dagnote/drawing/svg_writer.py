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
the tree as element text or attribute values, so lxml escapes it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence

from lxml import etree

from dagnote.drawing.theme import ROOT_STYLE, SVG_NS, XLINK_NS, style_sheet

from .figure import Element, Figure, Frame, Path, Point, Shape, Text

FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"
SERIF = "'Times New Roman', 'Liberation Serif', Times, serif"

#: Corner radius of rounded boxes (priors) and the largest radius of an edge's bends.
BOX_RADIUS = 8.0
#: Corner radius of a group's frame (a module drawn with its inside has square corners).
FRAME_RADIUS = 10.0
BEND_RADIUS = 4.0
#: Filled arrowhead, measured on the reference figures (drawn at 2x: 17 px long and
#: wide, notched 3 px): length along the line, half its width, depth of the notch.
ARROW_LENGTH = 8.0
ARROW_HALF_WIDTH = 3.5
ARROW_NOTCH = 1.5
#: Open arrowhead (weight copies): a plain triangle outline, white inside.
OPEN_LENGTH = 8.0
OPEN_HALF_WIDTH = 3.5
DASH = "5 3"
STOPBAR_LENGTH = 10.0
STOPBAR_WIDTH = 2.0
#: The trainable mark: a bold five-armed asterisk like the reference's (Arial Bold '*'):
#: arm thickness relative to the arm length from the centre.
STAR_ARMS = 5
STAR_THICKNESS = 0.55
#: Scripts: size factor and base-line shift (times the text's size).
SCRIPT_SIZE = 0.7
SUB_SHIFT = 0.25
SUP_SHIFT = -0.4

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# characters XML 1.0 cannot carry (lxml refuses them): drawn as U+FFFD instead
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _q(tag: str) -> str:
    return f"{{{SVG_NS}}}{tag}"


def fmt(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros: 12, 12.5, 12.25."""
    s = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _pt(p: Point) -> str:
    return f"{fmt(p[0])} {fmt(p[1])}"


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _sub(parent: etree._Element, tag: str, attrib: dict[str, str] | None = None,
         text: str | None = None) -> etree._Element:
    """Append a child (one per line: the parent's structure stays readable)."""
    el = etree.SubElement(parent, _q(tag), attrib or {})
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


def _draw_text(parent: etree._Element, text: Text, css: str = "") -> etree._Element:
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
    if _needs_preserve(text.plain):
        el.set(_XML_SPACE, "preserve")
    shift = 0.0  # the current run's offset from the base line
    last: etree._Element | None = None
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

def _star_outline() -> list[Point]:
    """The asterisk as one polygon around the origin, arm length 1, first arm upwards."""
    half = STAR_THICKNESS / 2
    step = 2 * math.pi / STAR_ARMS
    inner = half / math.sin(step / 2)  # where the edges of neighbouring arms meet
    points: list[Point] = []
    for i in range(STAR_ARMS):
        a = i * step
        dx, dy = math.sin(a), -math.cos(a)  # arm direction (y grows downwards)
        nx, ny = math.cos(a), math.sin(a)   # its right-hand normal
        points.append((dx - half * nx, dy - half * ny))
        points.append((dx + half * nx, dy + half * ny))
        b = a + step / 2
        points.append((inner * math.sin(b), -inner * math.cos(b)))
    return points


_STAR = _star_outline()


def _star(shape: Shape) -> str:
    """The star's outline scaled (evenly) to fill its box and centred in it."""
    xs = [p[0] for p in _STAR]
    ys = [p[1] for p in _STAR]
    w0, h0 = max(xs) - min(xs), max(ys) - min(ys)
    k = min(shape.w / w0, shape.h / h0)
    ox = shape.x + (shape.w - k * w0) / 2 - k * min(xs)
    oy = shape.y + (shape.h - k * h0) / 2 - k * min(ys)
    return " ".join(_pt((ox + k * x, oy + k * y)) for x, y in _STAR)


def _mark_stroke(shape: Shape) -> float:
    along = shape.h if shape.vertical else shape.w
    return min(2.4, max(1.4, 0.09 * along))


def _sample(shape: Shape, width: float) -> str:
    """One period of a sine: '≀' top to bottom (first bulge right), or '~' left to right
    (first bulge up), spanning the box's length; two cubics, each with its control
    points 4/3 of the bulge out, so each half peaks at exactly the bulge."""
    if shape.vertical:
        length, across = shape.h, shape.w
    else:
        length, across = shape.w, shape.h
    bulge = max(0.0, min(0.08 * length, (across - width) / 2))
    c = 4 * bulge / 3
    pts = [(0.0, 0.0), (c, length / 6), (c, length / 3), (0.0, length / 2),
           (-c, 2 * length / 3), (-c, 5 * length / 6), (0.0, length)]
    if shape.vertical:
        cx = shape.x + shape.w / 2
        xy = [(cx + a, shape.y + t) for a, t in pts]
    else:
        cy = shape.y + shape.h / 2
        xy = [(shape.x + t, cy - a) for a, t in pts]
    return (f"M{_pt(xy[0])}C{_pt(xy[1])} {_pt(xy[2])} {_pt(xy[3])}"
            f"C{_pt(xy[4])} {_pt(xy[5])} {_pt(xy[6])}")


def _triangle(shape: Shape, width: float, down: bool) -> str:
    """'▽' or '△' whose outer (mitred) outline is the box's triangle: the stroke's centre
    line is that triangle shrunk about its incentre by half the stroke width."""
    x, y, w, h = shape.x, shape.y, shape.w, shape.h
    if down:
        v = [(x, y), (x + w, y), (x + w / 2, y + h)]
    else:
        v = [(x + w / 2, y), (x + w, y + h), (x, y + h)]
    sides = [math.dist(v[1], v[2]), math.dist(v[2], v[0]), math.dist(v[0], v[1])]
    per = sum(sides)
    ix = sum(s * p[0] for s, p in zip(sides, v, strict=True)) / per
    iy = sum(s * p[1] for s, p in zip(sides, v, strict=True)) / per
    area = abs((v[1][0] - v[0][0]) * (v[2][1] - v[0][1])
               - (v[2][0] - v[0][0]) * (v[1][1] - v[0][1])) / 2
    r = 2 * area / per
    k = max(0.0, (r - width / 2) / r) if r > 0 else 0.0
    inner = [(ix + (px - ix) * k, iy + (py - iy) * k) for px, py in v]
    return f"M{_pt(inner[0])}L{_pt(inner[1])}L{_pt(inner[2])}Z"


def _draw_shape(parent: etree._Element, shape: Shape) -> None:
    x, y, w, h = shape.x, shape.y, shape.w, shape.h
    box = {"x": fmt(x), "y": fmt(y), "width": fmt(w), "height": fmt(h)}
    kind = shape.kind
    if kind in ("rect", "cell"):
        fill = "#b197d6" if kind == "cell" and shape.filled else "white"
        _sub(parent, "rect", {**box, "fill": fill, "stroke": "black"})
    elif kind == "rounded":
        r = fmt(min(BOX_RADIUS, w / 2, h / 2))
        _sub(parent, "rect", {**box, "rx": r, "ry": r, "fill": "white", "stroke": "black"})
    elif kind == "frame":
        r = fmt(min(FRAME_RADIUS, w / 2, h / 2))
        _sub(parent, "rect", {**box, "rx": r, "ry": r, "fill": "none", "stroke": "black"})
    elif kind == "circle":
        _sub(parent, "circle", {"cx": fmt(x + w / 2), "cy": fmt(y + h / 2),
                                "r": fmt(min(w, h) / 2), "fill": "white", "stroke": "black"})
    elif kind == "ellipse":
        _sub(parent, "ellipse", {"cx": fmt(x + w / 2), "cy": fmt(y + h / 2), "rx": fmt(w / 2),
                                 "ry": fmt(h / 2), "fill": "white", "stroke": "black"})
    elif kind == "star":
        _sub(parent, "polygon", {"class": "dn-star", "points": _star(shape), "fill": "black"})
    elif kind == "sample":
        width = _mark_stroke(shape)
        _sub(parent, "path", {"class": "dn-sample", "d": _sample(shape, width), "fill": "none",
                              "stroke": "black", "stroke-width": fmt(width)})
    elif kind in ("min", "max"):
        width = min(3.0, max(1.3, 0.11 * w))
        _sub(parent, "path", {"class": f"dn-{kind}", "d": _triangle(shape, width, kind == "min"),
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


def _link(parent: etree._Element, element: Element) -> etree._Element:
    """The element's link, around its group: SVG 2 ``href`` and ``xlink:href`` for older
    viewers; a cross-reference waits in ``data-xref`` for its host to resolve it."""
    a = _sub(parent, "a", {"class": "dn-link"})
    if element.link:
        a.set("href", _clean(element.link))
        a.set(f"{{{XLINK_NS}}}href", _clean(element.link))
        shown = element.link
    else:
        a.set("data-xref", _clean(element.xref or ""))
        shown = (element.xref or "").split(":", 2)[-1]
    _sub(a, "title", text=f"{element.title}: {shown}")
    return a


def _draw_element(parent: etree._Element, element: Element) -> None:
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


def _draw_frame(parent: etree._Element, frame: Frame) -> None:
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

def _simplify(points: Sequence[Point]) -> list[Point]:
    """Drop repeated points and the middle of three collinear ones."""
    out: list[Point] = []
    for p in points:
        p = (float(p[0]), float(p[1]))
        if out and math.isclose(p[0], out[-1][0], abs_tol=1e-6) \
                and math.isclose(p[1], out[-1][1], abs_tol=1e-6):
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            cross = (b[0] - a[0]) * (p[1] - b[1]) - (b[1] - a[1]) * (p[0] - b[0])
            dot = (b[0] - a[0]) * (p[0] - b[0]) + (b[1] - a[1]) * (p[1] - b[1])
            if abs(cross) < 1e-6 and dot > 0:
                out[-1] = p
                continue
        out.append(p)
    return out


def _unit(a: Point, b: Point) -> tuple[float, float, float]:
    length = math.dist(a, b)
    return (b[0] - a[0]) / length, (b[1] - a[1]) / length, length


def _rounded(points: list[Point]) -> str:
    """M/L/A path data: straight segments, each bend rounded with radius
    min(BEND_RADIUS, half the shorter of its two segments)."""
    here = _pt(points[0])
    d = [f"M{here}"]
    for i in range(1, len(points) - 1):
        a, p, b = points[i - 1], points[i], points[i + 1]
        ux, uy, la = _unit(a, p)
        vx, vy, lb = _unit(p, b)
        r = min(BEND_RADIUS, la / 2, lb / 2)
        start = _pt((p[0] - ux * r, p[1] - uy * r))
        if start != here:  # two bends half a short segment apart meet in its middle
            d.append(f"L{start}")
        here = _pt((p[0] + vx * r, p[1] + vy * r))
        sweep = 1 if ux * vy - uy * vx > 0 else 0  # clockwise on screen (y down)
        d.append(f"A{fmt(r)} {fmt(r)} 0 0 {sweep} {here}")
    if _pt(points[-1]) != here:
        d.append(f"L{_pt(points[-1])}")
    return "".join(d)


def _arrowhead(tip: Point, ux: float, uy: float, filled: bool) -> str:
    """The head pointing along (ux, uy) with its tip on ``tip``."""
    nx, ny = -uy, ux
    if filled:
        length, half, notch = ARROW_LENGTH, ARROW_HALF_WIDTH, ARROW_NOTCH
    else:
        length, half, notch = OPEN_LENGTH, OPEN_HALF_WIDTH, 0.0
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    left = (bx + nx * half, by + ny * half)
    right = (bx - nx * half, by - ny * half)
    back = (bx + ux * notch, by + uy * notch)
    if filled:
        return f"M{_pt(tip)}L{_pt(left)}L{_pt(back)}L{_pt(right)}Z"
    return f"M{_pt(tip)}L{_pt(left)}L{_pt(right)}Z"


def _on_segment(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment ab."""
    ux, uy, length = _unit(a, b)
    t = max(0.0, min(length, (p[0] - a[0]) * ux + (p[1] - a[1]) * uy))
    return math.dist(p, (a[0] + ux * t, a[1] + uy * t))


def _draw_path(parent: etree._Element, path: Path) -> None:
    points = _simplify(path.points)
    if len(points) < 2:
        return
    g = _sub(parent, "g", {"class": "dn-edge-group"})
    if path.tail:
        g.set("data-tail", _clean(path.tail))
    if path.head:
        g.set("data-head", _clean(path.head))
    head = None
    line = list(points)
    if path.arrow != "none":
        tip = points[-1]
        ux, uy, last = _unit(points[-2], tip)
        head = _arrowhead(tip, ux, uy, path.arrow == "filled")
        # the line stops inside the head (just past a filled head's notch, at an open
        # head's base) so it never pokes through the tip or shows inside an open head
        if path.arrow == "filled":
            cut = ARROW_LENGTH - ARROW_NOTCH - 0.5
        else:
            cut = OPEN_LENGTH
        cut = min(cut, last)
        line[-1] = (tip[0] - ux * cut, tip[1] - uy * cut)
        line = _simplify(line)
    if len(line) >= 2:
        attrib = {"class": f"dn-edge dn-{path.kind}", "d": _rounded(line), "fill": "none",
                  "stroke": "black"}
        if path.dashed:
            attrib["stroke-dasharray"] = DASH
        _sub(g, "path", attrib)
    if head is not None:
        fill = "black" if path.arrow == "filled" else "white"
        attrib = {"class": "dn-arrow", "d": head, "fill": fill}
        attrib["stroke"] = "none" if path.arrow == "filled" else "black"
        _sub(g, "path", attrib)
    if path.bar_at is not None:
        p = path.bar_at
        a, b = min(zip(points, points[1:], strict=False), key=lambda s: _on_segment(p, s[0], s[1]))
        ux, uy, _ = _unit(a, b)
        h = STOPBAR_LENGTH / 2
        _sub(g, "line", {"class": "dn-stopbar",
                         "x1": fmt(p[0] + uy * h), "y1": fmt(p[1] - ux * h),
                         "x2": fmt(p[0] - uy * h), "y2": fmt(p[1] + ux * h),
                         "stroke": "black", "stroke-width": fmt(STOPBAR_WIDTH)})
    if path.label is not None:
        _draw_text(g, path.label, "dn-edge-label")


# --- document ---------------------------------------------------------------------------

def write_svg(figure: Figure, root_id: str, title: str, desc: str,
              themed: bool = True) -> bytes:
    """The figure as one standalone SVG document (see the module docstring).

    ``themed=False`` leaves out the style sheet and the page-fitting root style and sizes
    the figure in user units: the plain black-on-white drawing a rasteriser without CSS
    variables (resvg) renders as it is meant.
    """
    w, h = fmt(figure.width), fmt(figure.height)
    unit = "pt" if themed else ""
    attributes = {
        "width": f"{w}{unit}", "height": f"{h}{unit}", "viewBox": f"0 0 {w} {h}",
        "id": root_id, "class": "dagnote", "role": "img",
        "aria-labelledby": f"{root_id}-title {root_id}-desc",
        "style": ROOT_STYLE, "font-family": FONT,
    }
    if not themed:
        del attributes["style"]
    links = any(e.link or e.xref for e in figure.elements)
    if links:  # an image's parts are hidden from assistive technology; links must not be
        attributes["role"] = "group"
    nsmap = {None: SVG_NS, "xlink": XLINK_NS} if links else {None: SVG_NS}
    root = etree.Element(_q("svg"), attributes, nsmap=nsmap)
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
    return etree.tostring(root, encoding="ascii", xml_declaration=False) + b"\n"

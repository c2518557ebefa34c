"""Read a dagnote SVG back into geometry and measure the layout properties on it.

Used by ``test_geometry.py``. Everything here works on the SVG alone (plus the font
metrics the layout measured labels with), so it checks what a reader sees, not what the
layout meant to draw. Each ``check_*`` function returns a list of violations, one readable
line each with the measured numbers; an empty list means the property holds.

Conventions read from the SVG:

* an element is ``<g class="dn-node dn-KIND ..." data-key data-box="x y w h">``; its box
  is what edges attach to and nothing else may cross;
* an edge is ``<g class="dn-edge-group" data-tail data-head>`` with ``path.dn-edge``
  (M, L and A commands), an optional ``path.dn-arrow`` whose first point is the tip (the
  edge's true end: the line stops short of it, inside the head), optional ``text``;
* a diagram with phases draws one panel per phase, panel by panel in document order
  (all edges of panel 1, then of panel 2, ...; likewise the elements), one
  ``text.dn-caption`` per panel.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from itertools import combinations

from lxml import etree

from dagnote.drawing.metrics import ascent, descent, text_width

SVG = "{http://www.w3.org/2000/svg}"
TOL = 1.0        # px: how far an end may miss a border, or a box be grazed
EPS = 0.02       # px: coordinates are written with two decimals
MAX_RADIUS = 4.0  # the largest corner radius of an edge
MAX_REPORT = 12  # violations listed per assertion message

Box = tuple[float, float, float, float]  # x, y, w, h
Point = tuple[float, float]


def fmt(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def fbox(b: Box) -> str:
    return "[" + " ".join(fmt(v) for v in b) + "]"


def fpt(p: Point) -> str:
    return f"({fmt(p[0])}, {fmt(p[1])})"


# --- the model read back from the SVG ----------------------------------------------------

@dataclass
class Label:
    """One ``<text>``: its extent measured like the layout measured it."""

    text: str
    box: Box
    owner: str  # "node:<i>", "edge:<i>" or "caption"
    what: str   # readable: 'label "x" of val:x'

    def __str__(self) -> str:
        return f"{self.what} {fbox(self.box)}"


@dataclass
class Node:
    index: int
    key: str
    classes: set[str]
    box: Box
    panel: int = 0
    labels: list[Label] = field(default_factory=list)
    marks: list[tuple[str, Box]] = field(default_factory=list)  # star, min, max outlines

    @property
    def name(self) -> str:
        return f"{self.key}{'' if self.panel == 0 else f' (panel {self.panel + 1})'}"

    @property
    def kind(self) -> str:
        for k in ("dataset", "prior", "given", "value", "module", "operator"):
            if f"dn-{k}" in self.classes:
                return k
        return "?"


@dataclass
class Edge:
    index: int
    tail: str
    head: str
    kind: str       # data, sample, stopgrad, slice, copy, shared
    d: str
    points: list[Point]  # the polyline through the corners, ending at the tip if any
    arrow: bool
    problems: list[str]  # what the path data does that an orthogonal polyline does not
    labels: list[Label] = field(default_factory=list)
    panel: int = 0

    @property
    def name(self) -> str:
        extra = "" if self.panel == 0 else f" (panel {self.panel + 1})"
        return f"{self.kind} edge {self.tail} -> {self.head}{extra}"

    def segments(self) -> list[tuple[Point, Point]]:
        return list(zip(self.points, self.points[1:], strict=False))


@dataclass
class Frame:
    """A group's frame: ``<g class="dn-frame ..." data-key data-box data-members>``."""

    index: int
    key: str
    classes: set[str]
    box: Box
    members: set[str]
    panel: int = 0
    labels: list[Label] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"frame {self.key}{'' if self.panel == 0 else f' (panel {self.panel + 1})'}"


@dataclass
class Diagram:
    name: str
    source: str
    direction: str
    phases: list[str]
    width: float
    height: float
    nodes: list[Node]
    edges: list[Edge]
    captions: list[Label]
    panel_count: int
    problems: list[str]  # how the document breaks the conventions above
    frames: list[Frame] = field(default_factory=list)

    def node(self, key: str, panel: int) -> Node | None:
        for n in self.nodes:
            if n.key == key and n.panel == panel:
                return n
        return None

    def labels(self) -> list[Label]:
        out = [lab for n in self.nodes for lab in n.labels]
        out += [lab for e in self.edges for lab in e.labels]
        out += [lab for f in self.frames for lab in f.labels]
        return out + self.captions


# --- path data -------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"M": 2, "L": 2, "A": 7, "Z": 0}


def parse_path(d: str) -> list[tuple[str, list[float]]]:
    """``d`` as (command, numbers) pairs; only the absolute commands the writer uses."""
    tokens = _TOKEN.findall(d)
    out: list[tuple[str, list[float]]] = []
    i = 0
    while i < len(tokens):
        cmd = tokens[i]
        if cmd not in _ARITY:
            raise ValueError(f"unexpected path command {cmd!r} in {d!r}")
        n = _ARITY[cmd]
        args = [float(t) for t in tokens[i + 1:i + 1 + n]]
        if len(args) != n:
            raise ValueError(f"{cmd} needs {n} numbers in {d!r}")
        out.append((cmd, args))
        i += 1 + n
    return out


def _axis(dx: float, dy: float) -> tuple[int, int] | None:
    """The unit axis direction of (dx, dy), or None when it is diagonal or empty."""
    if abs(dx) <= EPS and abs(dy) > EPS:
        return (0, 1 if dy > 0 else -1)
    if abs(dy) <= EPS and abs(dx) > EPS:
        return (1 if dx > 0 else -1, 0)
    return None


def _dirname(u: tuple[int, int] | None) -> str:
    return {(1, 0): "right", (-1, 0): "left", (0, 1): "down", (0, -1): "up"}.get(u, "?")


def reconstruct(d: str, tip: Point | None = None) -> tuple[list[Point], list[str]]:
    """The orthogonal polyline that ``d`` draws with rounded corners, and the problems.

    Straight runs must be axis-parallel; each arc must round a right-angle corner between
    two such runs (equal radii, at most MAX_RADIUS, turning the way its sweep flag says);
    corners without an arc, reversals, and an arrow tip off the last run's line are
    reported. The polyline goes through the (unrounded) corners and ends at ``tip``.
    """
    problems: list[str] = []
    cmds = parse_path(d)
    if not cmds or cmds[0][0] != "M":
        return [], [f"path does not start with M: {d!r}"]
    cur: Point = (cmds[0][1][0], cmds[0][1][1])
    points: list[Point] = [cur]
    u: tuple[int, int] | None = None  # direction of the current run
    for cmd, args in cmds[1:]:
        if cmd == "M":
            problems.append(f"second subpath (M) at {fpt((args[0], args[1]))}")
            cur = (args[0], args[1])
            points.append(cur)
            u = None
        elif cmd == "Z":
            problems.append("path is closed (Z)")
        elif cmd == "L":
            p = (args[0], args[1])
            v = _axis(p[0] - cur[0], p[1] - cur[1])
            if v is None:
                if math.dist(p, cur) <= EPS:
                    problems.append(f"zero-length segment at {fpt(cur)}")
                    continue
                problems.append(f"diagonal segment {fpt(cur)} -> {fpt(p)} "
                                f"(dx {fmt(p[0] - cur[0])}, dy {fmt(p[1] - cur[1])})")
                if points[-1] != cur:
                    points.append(cur)
                points.append(p)
                cur, u = p, None
                continue
            if u is not None and v != u:
                if v == (-u[0], -u[1]):
                    problems.append(f"reverses ({_dirname(u)} then {_dirname(v)}) "
                                    f"at {fpt(cur)}")
                else:
                    problems.append(f"unrounded corner ({_dirname(u)} then {_dirname(v)}) "
                                    f"at {fpt(cur)}")
                points.append(cur)
            cur, u = p, v
        else:  # A
            rx, ry, _rot, large, sweep, x, y = args
            p = (x, y)
            if abs(rx - ry) > EPS:
                problems.append(f"elliptic corner rx {fmt(rx)} != ry {fmt(ry)} at {fpt(cur)}")
            r = max(rx, ry)
            if r > MAX_RADIUS + EPS:
                problems.append(f"corner radius {fmt(r)} > {fmt(MAX_RADIUS)} at {fpt(cur)}")
            if large:
                problems.append(f"large-arc corner at {fpt(cur)}")
            if u is None:
                problems.append(f"arc with no straight run before it at {fpt(cur)}")
                points.append(p)
                cur = p
                continue
            cx, cy = p[0] - cur[0], p[1] - cur[1]
            along = cx * u[0] + cy * u[1]
            n = (-u[1], u[0])
            across = cx * n[0] + cy * n[1]
            if abs(along - r) > 2 * EPS or abs(abs(across) - r) > 2 * EPS:
                problems.append(f"arc {fpt(cur)} -> {fpt(p)} (r {fmt(r)}) is no quarter "
                                f"circle between axis-parallel runs (along {fmt(along)}, "
                                f"across {fmt(across)})")
                points.append(cur)
                points.append(p)
                cur, u = p, None
                continue
            v = (n[0], n[1]) if across > 0 else (-n[0], -n[1])
            clockwise = u[0] * v[1] - u[1] * v[0] > 0  # on screen, y down
            if int(sweep) != (1 if clockwise else 0):
                problems.append(f"arc at {fpt(cur)} sweeps against its turn")
            corner = (cur[0] + u[0] * r, cur[1] + u[1] * r)
            points.append(corner)
            cur, u = p, (int(v[0]), int(v[1]))
    if tip is not None:
        v = _axis(tip[0] - cur[0], tip[1] - cur[1])
        if math.dist(tip, cur) <= EPS:
            pass
        elif v is None:
            problems.append(f"arrow tip {fpt(tip)} is off the axis of the line's end "
                            f"{fpt(cur)} (dx {fmt(tip[0] - cur[0])}, dy {fmt(tip[1] - cur[1])})")
            points.append(cur)
        elif u is not None and v != u:
            problems.append(f"arrowhead turns {_dirname(v)} where the line runs "
                            f"{_dirname(u)}: unrounded corner at {fpt(cur)}")
            points.append(cur)
        cur = tip
    if points[-1] != cur or len(points) == 1:
        points.append(cur)
    return points, problems


# --- text extents ----------------------------------------------------------------------

def _float(el: etree._Element, name: str, default: float = 0.0) -> float:
    value = el.get(name)
    return float(value) if value not in (None, "") else default


def text_extent(el: etree._Element) -> tuple[str, Box]:
    """The text and its extent: advance widths from the layout's metrics, ascent and
    descent per run (sub/superscripts are tspans shifted by dy)."""
    size = _float(el, "font-size", 15.0)
    bold = el.get("font-weight") == "bold"
    serif = "Times" in (el.get("font-family") or "") or "Serif" in (el.get("font-family") or "")
    x, y = _float(el, "x"), _float(el, "y")
    runs: list[tuple[str, float, float]] = []  # text, size, base-line shift
    if el.text:
        runs.append((el.text, size, 0.0))
    shift = 0.0
    for span in el:
        if span.tag != f"{SVG}tspan":
            continue
        shift += _float(span, "dy")
        span_size = _float(span, "font-size", size)
        if span.text:
            runs.append((span.text, span_size, shift))
        if span.tail:
            runs.append((span.tail, size, shift))
    if not runs:
        return "", (x, y, 0.0, 0.0)
    width = sum(text_width(t, s, bold=bold, serif=serif) for t, s, _ in runs)
    top = min(y + sh - ascent(s) for _, s, sh in runs)
    bottom = max(y + sh + descent(s) for _, s, sh in runs)
    left = x - width / 2 if el.get("text-anchor") == "middle" else x
    if el.get("text-anchor") == "end":
        left = x - width
    return "".join(t for t, _, _ in runs), (left, top, width, bottom - top)


def _points_bbox(pts: list[Point]) -> Box:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def _path_points(d: str) -> list[Point]:
    nums = [float(t) for t in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)", d)]
    return list(zip(nums[0::2], nums[1::2], strict=False))


# --- reading a document ----------------------------------------------------------------

def _classes(el: etree._Element) -> set[str]:
    return set((el.get("class") or "").split())


def _box(value: str) -> Box:
    x, y, w, h = (float(v) for v in value.split())
    return (x, y, w, h)


def source_direction(source: str) -> str:
    found = re.findall(r"^[ \t]*direction[ \t]+(TB|LR|BT|RL)\b", source, re.M)
    return found[-1] if found else "TB"


def source_phases(source: str) -> list[str]:
    """The phases in declared order, each once (a phase may hold several objectives)."""
    found = [m.strip() for m in re.findall(r"^[ \t]*phase[ \t]+(.*?)[ \t]*:", source, re.M)]
    return list(dict.fromkeys(found))


def _drawn(root: etree._Element) -> list[etree._Element]:
    """The figure's top-level parts; a linked element is drawn inside its ``<a>``."""
    return [part for el in root
            for part in (list(el) if el.tag == f"{SVG}a" and "dn-link" in _classes(el)
                         else [el])]


def read(name: str, source: str, svg: bytes) -> Diagram:
    root = etree.fromstring(svg)
    problems: list[str] = []
    w, h = (float(v) for v in root.get("viewBox", "0 0 0 0").split()[2:])
    nodes: list[Node] = []
    edges: list[Edge] = []
    frames: list[Frame] = []
    captions: list[Label] = []
    for el in _drawn(root):
        cls = _classes(el)
        if el.tag == f"{SVG}g" and "dn-node" in cls:
            node = Node(len(nodes), el.get("data-key", ""), cls, _box(el.get("data-box")))
            for t in el.iter(f"{SVG}text"):
                text, box = text_extent(t)
                node.labels.append(Label(text, box, f"node:{node.index}",
                                         f'label "{text}" of {node.key}'))
            for star in el.iter(f"{SVG}polygon"):
                if "dn-star" in _classes(star):
                    nums = [float(v) for v in star.get("points", "").split()]
                    node.marks.append(("star", _points_bbox(list(zip(nums[0::2], nums[1::2],
                                                                     strict=False)))))
            for p in el.iter(f"{SVG}path"):
                pc = _classes(p)
                for kind in ("dn-min", "dn-max"):
                    if kind in pc:
                        node.marks.append((kind[3:], _points_bbox(_path_points(p.get("d")))))
            nodes.append(node)
        elif el.tag == f"{SVG}g" and "dn-edge-group" in cls:
            line = None
            tip = None
            kind = "?"
            for child in el:
                cc = _classes(child)
                if "dn-edge" in cc:
                    if line is not None:
                        problems.append(f"edge group {len(edges)} has two dn-edge paths")
                    line = child.get("d", "")
                    kind = next((c[3:] for c in cc if c.startswith("dn-") and c != "dn-edge"),
                                "?")
                elif "dn-arrow" in cc:
                    tip = _path_points(child.get("d", ""))[0]
            if line is None:
                problems.append(f"edge group {len(edges)} ({el.get('data-tail')} -> "
                                f"{el.get('data-head')}) has no dn-edge path")
                continue
            points, path_problems = reconstruct(line, tip)
            edge = Edge(len(edges), el.get("data-tail", ""), el.get("data-head", ""), kind,
                        line, points, tip is not None, path_problems)
            for t in el.iter(f"{SVG}text"):
                text, box = text_extent(t)
                edge.labels.append(Label(text, box, f"edge:{edge.index}",
                                         f'label "{text}" of {edge.kind} edge '
                                         f'{edge.tail} -> {edge.head}'))
            edges.append(edge)
        elif el.tag == f"{SVG}g" and "dn-frame" in cls:
            frame = Frame(len(frames), el.get("data-key", ""), cls, _box(el.get("data-box")),
                          set(json.loads(el.get("data-members", "[]"))))
            for t in el.iter(f"{SVG}text"):
                text, box = text_extent(t)
                frame.labels.append(Label(text, box, f"frame:{frame.index}",
                                          f'label "{text}" of frame {frame.key}'))
            frames.append(frame)
        elif el.tag == f"{SVG}text" and "dn-caption" in cls:
            text, box = text_extent(el)
            captions.append(Label(text, box, "caption", f'caption "{text}"'))
    panel_count = max(1, len(captions))
    # panels: element keys are unique within a panel, so the n-th box of a key is in
    # panel n; edges come panel by panel, the same number in each
    seen: dict[str, int] = {}
    for node in nodes:
        node.panel = seen.get(node.key, 0)
        seen[node.key] = node.panel + 1
    if len(edges) % panel_count:
        problems.append(f"{len(edges)} edges do not split into {panel_count} panels")
    per = max(1, len(edges) // panel_count)
    for edge in edges:
        edge.panel = min(edge.index // per, panel_count - 1)
    for label in [lab for e in edges for lab in e.labels]:
        label.what += "" if edges[int(label.owner[5:])].panel == 0 else \
            f" (panel {edges[int(label.owner[5:])].panel + 1})"
    for node in nodes:
        if node.panel:
            for label in node.labels:
                label.what += f" (panel {node.panel + 1})"
    seen = {}
    for frame in frames:
        frame.panel = seen.get(frame.key, 0)
        seen[frame.key] = frame.panel + 1
    return Diagram(name, source, source_direction(source), source_phases(source), w, h,
                   nodes, edges, captions, panel_count, problems, frames)


# --- geometry --------------------------------------------------------------------------

def border_distance(p: Point, box: Box) -> float:
    """Distance from p to the box's outline (inside or outside)."""
    x, y, w, h = box
    dx = max(x - p[0], 0.0, p[0] - (x + w))
    dy = max(y - p[1], 0.0, p[1] - (y + h))
    if dx == 0.0 and dy == 0.0:
        return min(p[0] - x, x + w - p[0], p[1] - y, y + h - p[1])
    return math.hypot(dx, dy)


def clip(p: Point, q: Point, box: Box) -> tuple[Point, Point] | None:
    """The part of segment p-q inside the open box (Liang-Barsky), if any."""
    x, y, w, h = box
    if w <= 0 or h <= 0:
        return None
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for den, num in ((-dx, p[0] - x), (dx, x + w - p[0]), (-dy, p[1] - y), (dy, y + h - p[1])):
        if den == 0:
            if num <= 0:
                return None
            continue
        t = num / den
        if den < 0:
            if t > t1:
                return None
            t0 = max(t0, t)
        else:
            if t < t0:
                return None
            t1 = min(t1, t)
    if t1 - t0 <= 1e-9:
        return None
    a = (p[0] + dx * t0, p[1] + dy * t0)
    b = (p[0] + dx * t1, p[1] + dy * t1)
    return a, b


def shrink(box: Box, by: float) -> Box:
    x, y, w, h = box
    return (x + by, y + by, w - 2 * by, h - 2 * by)


def intrusion(p: Point, q: Point, box: Box) -> tuple[float, float] | None:
    """(length inside, deepest point's distance inside the outline) of segment p-q in the
    box, when it reaches more than TOL inside."""
    if clip(p, q, shrink(box, TOL)) is None:
        return None
    a, b = clip(p, q, box) or (p, q)
    depth = max(border_distance(a, box), border_distance(b, box),
                border_distance(((a[0] + b[0]) / 2, (a[1] + b[1]) / 2), box))
    return math.dist(a, b), depth


def overlap(a: Box, b: Box) -> tuple[float, float]:
    """Width and height of the intersection of two boxes (negative: apart)."""
    ox = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    oy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return ox, oy


def overlaps(a: Box, b: Box) -> tuple[float, float] | None:
    ox, oy = overlap(a, b)
    return (ox, oy) if ox > TOL and oy > TOL else None


# --- the properties --------------------------------------------------------------------

def check_orthogonal(dg: Diagram) -> list[str]:
    """1. Every edge's path data is an axis-parallel polyline with corners rounded at a
    radius of at most 4 (an arrow tip continues the last run)."""
    out = list(dg.problems)
    for e in dg.edges:
        out += [f"{e.name}: {p}  [d={e.d}]" for p in e.problems]
    return out


def check_no_crossing(dg: Diagram) -> list[str]:
    """2. No edge segment passes through the inside of a box other than its ends'."""
    out = []
    for e in dg.edges:
        own = {e.tail, e.head}
        out += intrusions(e, [n for n in dg.nodes
                              if not (n.panel == e.panel and n.key in own)])
    return out


def intrusions(e: Edge, nodes: list[Node]) -> list[str]:
    """Each segment of ``e`` that runs through one of ``nodes``' boxes, described."""
    out = []
    for n in nodes:
        for p, q in e.segments():
            hit = intrusion(p, q, n.box)
            if hit:
                out.append(f"{e.name}: segment {fpt(p)}-{fpt(q)} runs {fmt(hit[0])} px "
                           f"through {n.name} {fbox(n.box)}, {fmt(hit[1])} px inside")
    return out


def check_ends(dg: Diagram) -> list[str]:
    """3. An edge starts on its tail's box outline and ends on its head's (within TOL)."""
    out = []
    for e in dg.edges:
        for end, key, p in (("starts", e.tail, e.points[0]), ("ends", e.head, e.points[-1])):
            n = dg.node(key, e.panel)
            if n is None:
                out.append(f"{e.name}: no element {key} in panel {e.panel + 1}")
                continue
            dist = border_distance(p, n.box)
            if abs(dist) > TOL:
                where = "inside" if _inside(p, n.box) else "outside"
                out.append(f"{e.name} {end} at {fpt(p)}, {fmt(abs(dist))} px {where} "
                           f"the outline of {n.name} {fbox(n.box)}")
    return out


def _inside(p: Point, box: Box) -> bool:
    x, y, w, h = box
    return x < p[0] < x + w and y < p[1] < y + h


def _side(p: Point, box: Box) -> str:
    x, y, w, h = box
    d = {"left": abs(p[0] - x), "right": abs(p[0] - x - w), "top": abs(p[1] - y),
         "bottom": abs(p[1] - y - h)}
    return min(d, key=lambda k: d[k])


def written_sides(dg: Diagram) -> dict[tuple[str, str], str]:
    """(tail key, head key) -> "left"/"right" for each edge written ``from left`` or
    ``from right``, keyed as drawn (a sample drawn under its data set's mark is the data
    set's box)."""
    from dagnote.language.compile import compile_source

    edges = compile_source(dg.source).diagram.edges
    drawn = {n.key for n in dg.nodes}
    source_of = {e.head: e.tail for e in edges if e.kind == "sample"}
    return {(e.tail if e.tail in drawn else source_of.get(e.tail, e.tail), e.head): e.side
            for e in edges if e.side}


def check_operands(dg: Diagram) -> list[str]:
    """4. The two operand edges of a two-operand operator (no arrowhead) end on its
    left and right sides at its centre height (TB/BT), on its top and bottom sides at
    its centre x (LR/RL). An operand written ``from left``/``from right`` ends on that
    side, and then the other one on the side the flow comes in by (top in TB)."""
    vertical = dg.direction in ("TB", "BT")
    sides = ("left", "right") if vertical else ("top", "bottom")
    out = []
    written = written_sides(dg) if " from " in dg.source else {}
    for n in dg.nodes:
        if n.kind != "operator":
            continue
        operands = [e for e in dg.edges if e.head == n.key and e.panel == n.panel
                    and not e.arrow and e.kind not in ("copy", "shared")]
        if len(operands) != 2:
            continue
        if any((e.tail, n.key) in written for e in operands):
            out += _check_written_operands(dg, n, operands, written)
            continue
        x, y, w, h = n.box
        cx, cy = x + w / 2, y + h / 2
        found = []
        for e in operands:
            p = e.points[-1]
            side = _side(p, n.box)
            found.append(side)
            off = abs(p[1] - cy) if vertical else abs(p[0] - cx)
            if side not in sides:
                out.append(f"{e.name} enters {n.name} {fbox(n.box)} on its {side} side at "
                           f"{fpt(p)}, not on the {sides[0]} or {sides[1]} side")
            elif off > TOL:
                axis = "centre height" if vertical else "centre x"
                out.append(f"{e.name} enters the {side} side of {n.name} {fbox(n.box)} at "
                           f"{fpt(p)}, {fmt(off)} px off its {axis} "
                           f"{fmt(cy if vertical else cx)}")
        if found[0] == found[1] and found[0] in sides:
            out.append(f"both operands of {n.name} enter its {found[0]} side")
    return out


def _check_written_operands(dg: Diagram, n: Node, operands: list[Edge],
                            written: dict[tuple[str, str], str]) -> list[str]:
    """An operand written with a side enters that side at the centre; the other comes
    in by the side the flow enters (top in TB, bottom in BT, left in LR, right in RL)."""
    vertical = dg.direction in ("TB", "BT")
    named = {"left": "left" if vertical else "top", "right": "right" if vertical else "bottom"}
    flow_in = {"TB": "top", "BT": "bottom", "LR": "left", "RL": "right"}[dg.direction]
    x, y, w, h = n.box
    out = []
    for e in operands:
        want = named[written[(e.tail, n.key)]] if (e.tail, n.key) in written else flow_in
        p = e.points[-1]
        side = _side(p, n.box)
        along_x = side in ("left", "right")
        off = abs(p[1] - (y + h / 2)) if along_x else abs(p[0] - (x + w / 2))
        if side != want:
            out.append(f"{e.name} enters {n.name} {fbox(n.box)} on its {side} side at "
                       f"{fpt(p)}, not on its {want} side")
        elif off > TOL:
            out.append(f"{e.name} enters the {side} side of {n.name} {fbox(n.box)} at "
                       f"{fpt(p)}, {fmt(off)} px off its centre")
    return out


def _far(box: Box, direction: str) -> float:
    """How far along the flow a box reaches (bottom in TB, right in LR...)."""
    x, y, w, h = box
    return {"TB": y + h, "BT": -y, "LR": x + w, "RL": -x}[direction]


def _near(box: Box, direction: str) -> float:
    """Where along the flow a box starts (top in TB, left in LR...)."""
    x, y, w, h = box
    return {"TB": y, "BT": -(y + h), "LR": x, "RL": -(x + w)}[direction]


_SIDE_NAMES = {"TB": ("top", "bottom"), "BT": ("bottom", "top"), "LR": ("left", "right"),
               "RL": ("right", "left")}


def _innermost(frames: list[Frame], keys: set[str], skip: Frame | None = None) -> Frame | None:
    """The innermost frame (other than ``skip``) that holds all of ``keys``."""
    holders = [f for f in frames if f is not skip and keys <= f.members
               and (skip is None or f.members != skip.members or f.index < skip.index)]
    return max(holders, key=lambda f: (-len(f.members), f.index), default=None)


def _rows_scopes(dg: Diagram) -> list[list[Node]]:
    """The element lists whose rows are checked: each panel's elements outside frames,
    and each frame's own elements (a frame is laid out as a graph of its own: its data
    sets start its first row, its objectives end its last); a nested frame takes part
    in its parent's scope as one box."""
    scopes: list[list[Node]] = []
    for panel in range(dg.panel_count):
        frames = [f for f in dg.frames if f.panel == panel]
        by_scope: dict[int, list[Node]] = {-1: []}
        for f in frames:
            by_scope[f.index] = []
        for n in dg.nodes:
            if n.panel == panel:
                home = _innermost(frames, {n.key})
                by_scope[home.index if home else -1].append(n)
        for f in frames:
            parent = _innermost(frames, f.members, skip=f)
            by_scope[parent.index if parent else -1].append(
                Node(-1, f.key, {"dn-frame"}, f.box, panel))
        scopes += by_scope.values()
    return scopes


def check_rows(dg: Diagram) -> list[str]:
    """5. Objectives on the last row (their far side at the panel's farthest, within TOL);
    data sets, priors and givens on the first row (near sides equal, nothing before);
    inside a frame, on the frame's own rows."""
    d = dg.direction
    near_name, far_name = _SIDE_NAMES[d]
    out = []
    for nodes in _rows_scopes(dg):
        if not nodes:
            continue
        drawn = [n for n in nodes if "dn-legend" not in n.classes]  # the legend is below
        if not drawn:
            continue
        last = max(drawn, key=lambda n: _far(n.box, d))
        for n in nodes:
            if "dn-objective" in n.classes:
                gap = _far(last.box, d) - _far(n.box, d)
                if gap > TOL:
                    out.append(f"objective {n.name} {fbox(n.box)}: its {far_name} is {fmt(gap)} "
                               f"px short of the last row ({last.name} {fbox(last.box)})")
        sources = [n for n in nodes if n.kind in ("dataset", "prior", "given")]
        if not sources:
            continue
        first = min(sources, key=lambda n: _near(n.box, d))
        spread = max(_near(n.box, d) for n in sources) - _near(first.box, d)
        if spread > TOL:
            late = max(sources, key=lambda n: _near(n.box, d))
            out.append(f"first-row {near_name}s differ by {fmt(spread)} px: {first.name} "
                       f"{fbox(first.box)} vs {late.name} {fbox(late.box)}")
        for n in nodes:
            if n.kind in ("dataset", "prior", "given"):
                continue
            ahead = _near(first.box, d) - _near(n.box, d)
            if ahead > TOL:
                out.append(f"{n.name} {fbox(n.box)} starts {fmt(ahead)} px before the data "
                           f"row ({near_name} of {first.name} {fbox(first.box)})")
    return out


def _phase_name(phase: str) -> str:
    return phase.strip().strip("()").strip()


def check_phases(dg: Diagram) -> list[str]:
    """6. One caption per declared phase, in declared order along the page (x in TB/BT,
    y in LR/RL), each under its own panel, panels one after the other."""
    if not dg.phases:
        return [] if not dg.captions else [f"{len(dg.captions)} captions but no phase"]
    out = []
    if len(dg.captions) != len(dg.phases):
        out.append(f"{len(dg.captions)} captions for {len(dg.phases)} phases {dg.phases}")
    vertical = dg.direction in ("TB", "BT")
    axis = 0 if vertical else 1

    def centre(b: Box) -> float:
        return b[axis] + b[axis + 2] / 2

    by_place = sorted(dg.captions, key=lambda c: centre(c.box))
    got = [_phase_name(c.text) for c in by_place]
    want = [_phase_name(p) for p in dg.phases]
    if got != want[:len(got)]:
        out.append(f"captions along {'x' if vertical else 'y'}: {got} "
                   f"(at {[fmt(centre(c.box)) for c in by_place]}), declared: {want}")
    spans = []
    for panel in range(dg.panel_count):
        boxes = [n.box for n in dg.nodes if n.panel == panel]
        if not boxes:
            continue
        lo = min(b[axis] for b in boxes)
        hi = max(b[axis] + b[axis + 2] for b in boxes)
        spans.append((lo, hi))
    for i, (a, b) in enumerate(zip(spans, spans[1:], strict=False)):
        if b[0] < a[1] - TOL:
            out.append(f"panel {i + 2} starts at {fmt(b[0])}, before panel {i + 1} ends at "
                       f"{fmt(a[1])}")
    # TB/BT: panels side by side, each caption centred under its own panel (x within the
    # panel's span); LR/RL: panels stacked, each caption after its panel, before the next
    for i, caption in enumerate(by_place):
        if i >= len(spans):
            break
        c = centre(caption.box)
        lo, hi = spans[i]
        if not vertical:
            hi = spans[i + 1][0] if i + 1 < len(spans) else dg.height
        if not lo - TOL <= c <= hi + TOL:
            out.append(f"{caption} centred at {'x' if vertical else 'y'} {fmt(c)}, outside "
                       f"panel {i + 1} ({fmt(lo)}..{fmt(hi)})")
    return out


def _owner_node(dg: Diagram, label: Label) -> Node | None:
    return dg.nodes[int(label.owner[5:])] if label.owner.startswith("node:") else None


def check_labels(dg: Diagram) -> list[str]:
    """7. Labels overlap no other label, no other element's box and no edge (an edge's
    own label may sit on its own edge; an element's label may sit in its own box)."""
    out = []
    labels = [lab for lab in dg.labels() if lab.box[2] > 0]
    for a, b in combinations(labels, 2):
        hit = overlaps(a.box, b.box)
        if hit:
            out.append(f"{a} and {b} overlap by {fmt(hit[0])} x {fmt(hit[1])} px")
    for lab in labels:
        owner = _owner_node(dg, lab)
        for n in dg.nodes:
            if n is owner:
                continue
            hit = overlaps(lab.box, n.box)
            if hit:
                out.append(f"{lab} overlaps {n.name} {fbox(n.box)} by {fmt(hit[0])} x "
                           f"{fmt(hit[1])} px")
        for e in dg.edges:
            if lab.owner == f"edge:{e.index}":
                continue
            for p, q in e.segments():
                hit2 = intrusion(p, q, lab.box)
                if hit2:
                    out.append(f"{lab} is crossed by {e.name}: segment {fpt(p)}-{fpt(q)}, "
                               f"{fmt(hit2[0])} px long, {fmt(hit2[1])} px inside")
                    break
    return out


def check_links(dg: Diagram) -> list[str]:
    """8. A shared-weights link or a weight copy crosses no box at all, not even the
    insides of the two boxes it joins (its ends may touch their outlines)."""
    out = []
    for e in dg.edges:
        if e.kind not in ("shared", "copy"):
            continue
        out += intrusions(e, dg.nodes)
    return out


def check_marks(dg: Diagram) -> list[str]:
    """Extra: the marks outside a box (trainable star, objective triangle) overlap no
    other element's box, no label and no edge."""
    out = []
    labels = [lab for lab in dg.labels() if lab.box[2] > 0]
    for owner in dg.nodes:
        for kind, box in owner.marks:
            what = f"{kind} of {owner.name} {fbox(box)}"
            for n in dg.nodes:
                if n is owner:
                    continue
                hit = overlaps(box, n.box)
                if hit:
                    out.append(f"{what} overlaps {n.name} {fbox(n.box)} by {fmt(hit[0])} x "
                               f"{fmt(hit[1])} px")
            for lab in labels:
                hit = overlaps(box, lab.box)
                if hit:
                    out.append(f"{what} overlaps {lab} by {fmt(hit[0])} x {fmt(hit[1])} px")
            for e in dg.edges:
                for p, q in e.segments():
                    hit2 = intrusion(p, q, box)
                    if hit2:
                        out.append(f"{what} is crossed by {e.name}: segment "
                                   f"{fpt(p)}-{fpt(q)}, {fmt(hit2[1])} px inside")
                        break
    return out


def _contains(outer: Box, inner: Box) -> bool:
    """Whether ``inner`` lies inside ``outer`` (within TOL)."""
    return (inner[0] >= outer[0] - TOL and inner[1] >= outer[1] - TOL
            and inner[0] + inner[2] <= outer[0] + outer[2] + TOL
            and inner[1] + inner[3] <= outer[1] + outer[3] + TOL)


BAND = 1.5  # font sizes: how far from its band side a frame's label may sit


def check_frames(dg: Diagram, size: float = 15.0) -> list[str]:
    """9. A group's frame holds the boxes of its members and of its nested frames and
    overlaps no other element's box nor any frame it does not hold or sit in; its label
    and ×N lie inside it, along the side the flow leaves by (bottom; top in BT)."""
    out = []
    for f in dg.frames:
        for n in dg.nodes:
            if n.panel != f.panel:
                continue
            if n.key in f.members and not _contains(f.box, n.box):
                out.append(f"{f.name} {fbox(f.box)} does not hold its member {n.name} "
                           f"{fbox(n.box)}")
            elif n.key not in f.members and (hit := overlaps(f.box, n.box)):
                out.append(f"{f.name} {fbox(f.box)} overlaps {n.name} {fbox(n.box)}, which "
                           f"is not in it, by {fmt(hit[0])} x {fmt(hit[1])} px")
        for g in dg.frames:
            if g is f or g.panel != f.panel:
                continue
            if g.members <= f.members and g.members != f.members or (
                    g.members == f.members and g.index > f.index):
                if not _contains(f.box, g.box):
                    out.append(f"{f.name} {fbox(f.box)} does not hold {g.name} {fbox(g.box)}")
            elif not (f.members <= g.members) and (hit := overlaps(f.box, g.box)):
                out.append(f"{f.name} {fbox(f.box)} and {g.name} {fbox(g.box)} cross")
        x, y, w, h = f.box
        for lab in f.labels:
            lx, ly, lw, lh = lab.box
            off = ly - y if dg.direction == "BT" else y + h - (ly + lh)
            if not _contains(f.box, lab.box):
                out.append(f"{lab} is not inside {f.name} {fbox(f.box)}")
            elif off > BAND * size:
                out.append(f"{lab} sits {fmt(off)} px from the band side of {f.name} "
                           f"{fbox(f.box)}")
    return out


def _where(p: Point, box: Box) -> int:
    """1 inside the box, -1 outside, 0 on its outline (within TOL)."""
    d = border_distance(p, box)
    if abs(d) <= TOL:
        return 0
    return 1 if _inside(p, box) else -1


def check_frame_edges(dg: Diagram) -> list[str]:
    """10. An edge between two elements of a frame stays inside it; an edge between two
    elements outside never enters it; an edge from inside to outside (or back) crosses
    its outline once."""
    out = []
    for f in dg.frames:
        for e in dg.edges:
            if e.panel != f.panel or e.kind in ("copy", "shared"):
                continue
            ends = (e.tail in f.members) + (e.head in f.members)
            states: list[int] = []
            for p, q in e.segments():
                steps = max(1, int(math.dist(p, q)))
                for i in range(steps + 1):
                    t = i / steps
                    side = _where((p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t), f.box)
                    if side and (not states or states[-1] != side):
                        states.append(side)
            crossings = max(0, len(states) - 1)
            want = {0: 0, 1: 1, 2: 0}[ends]
            if ends == 0 and 1 in states or ends == 2 and -1 in states or crossings != want:
                out.append(f"{e.name} ({ends} end(s) in {f.name} {fbox(f.box)}) crosses its "
                           f"outline {crossings} time(s), want {want}  [d={e.d}]")
    return out


PROPERTIES = {
    "orthogonal": check_orthogonal,
    "no_crossing": check_no_crossing,
    "ends_touch": check_ends,
    "operand_sides": check_operands,
    "rows": check_rows,
    "phase_order": check_phases,
    "labels_clear": check_labels,
    "links_clear": check_links,
    "marks_clear": check_marks,
    "frames_hold": check_frames,
    "frame_edges": check_frame_edges,
}


def report(dg: Diagram, prop: str, violations: list[str]) -> str:
    head = f"{dg.name} ({dg.direction}): {len(violations)} violation(s) of {prop}"
    lines = violations[:MAX_REPORT]
    more = len(violations) - len(lines)
    tail = [f"... and {more} more"] if more > 0 else []
    return "\n  ".join([head, *lines, *tail])

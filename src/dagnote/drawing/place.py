"""ELK's coordinates plus the scene to a :class:`Figure` with absolute geometry.

Panels (phases) are laid out one graph each and set side by side here in declared order
(stacked in LR/RL), captions on one line under them. Weight copies and shared-weight links
are routed here, after the layout: straight between facing sides when nothing is in the
way, otherwise around the outside of every box, so they never cross an element.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .figure import Element, Figure, Path, Point
from .scene import Scene, SideLink
from .text import extent, place

Box = tuple[float, float, float, float]
ARROW = 7.0  # length of an arrowhead (the SVG writer draws the same)
PANEL_GAP = 2.0  # between panels, in font sizes


class _Panel:
    """One scene placed at an offset: its elements, paths and extent."""

    def __init__(self, scene: Scene, result: dict[str, Any]) -> None:
        self.scene = scene
        self.width = float(result.get("width", 0))
        self.height = float(result.get("height", 0))
        self.elements: list[Element] = []
        self.paths: list[Path] = []
        placed = {c["id"]: c for c in result.get("children", [])}
        boxes: dict[str, Box] = {}
        for node in scene.nodes.values():
            c = placed[node.id]
            x, y = float(c["x"]), float(c["y"])
            box = (x, y, node.width, node.height)
            boxes[node.key] = box
            el = Element(node.key, node.css, node.title, box,
                         [s.moved(x, y) for s in node.shapes],
                         [t.moved(x, y) for t in node.texts])
            labels = {lab["id"]: lab for lab in c.get("labels", [])}
            for index, mark in enumerate(node.marks):
                lab = labels.get(f"{node.id}.m{index}", {})
                mx = x + float(lab.get("x", -mark.width))
                my = y + float(lab.get("y", 0))
                if mark.top:  # a module's star: beside the box's upper-left corner
                    my = y - mark.height * 0.15
                if mark.shape is not None:
                    el.shapes.append(mark.shape.moved(mx, my))
                if mark.text is not None:
                    el.texts.append(mark.text.moved(mx, my))
            self.elements.append(el)
        self.boxes = boxes
        for edge_json, edge in zip(result.get("edges", []), scene.edges, strict=True):
            points: list[Point] = []
            for section in edge_json.get("sections", []):
                pts = [section["startPoint"], *section.get("bendPoints", []),
                       section["endPoint"]]
                for p in pts:
                    pt = (float(p["x"]), float(p["y"]))
                    if not points or points[-1] != pt:
                        points.append(pt)
            points = _simplify(points)
            label = None
            if edge.label:
                lab = (edge_json.get("labels") or [{}])[0]
                lx, ly = float(lab.get("x", 0)), float(lab.get("y", 0))
                lw = float(lab.get("width", 0))
                label = place(edge.label, edge.label_size, lx + lw / 2, ly, italic=True)
            path = Path(edge.kind, points, edge.arrow, label=label,  # type: ignore[arg-type]
                        tail=edge.tail, head=edge.head)
            if edge.kind == "stopgrad":
                path.bar_at = _bar_point(points)
            self.paths.append(path)
        for link in scene.links:
            self.paths.append(self.route(link))
        self.fit()

    def route(self, link: SideLink) -> Path:
        a, b = self.boxes[link.tail], self.boxes[link.head]
        others = [box for key, box in self.boxes.items() if key not in (link.tail, link.head)]
        gap = self.scene.size * 0.8
        points = _side_route(a, b, others, gap)
        (x0, y0), (x1, y1) = _middle_segment(points)
        w, above, below = extent(link.label, link.label_size)
        if y0 == y1:  # above a horizontal run
            label = place(link.label, link.label_size, (x0 + x1) / 2,
                          y0 - above - below - 2, italic=True)
        else:  # right of a vertical one
            label = place(link.label, link.label_size, x0 + w / 2 + 3,
                          (y0 + y1) / 2 - (above + below) / 2, italic=True)
        copy = link.kind == "copy"
        return Path(link.kind, points, "open" if copy else "none", dashed=True, label=label,
                    tail=link.tail, head=link.head)

    def fit(self) -> None:
        """Grow the panel to hold links routed outside the layout's own extent."""
        margin = self.scene.size * 0.5
        xs: list[float] = []
        ys: list[float] = []
        for path in self.paths:
            xs += [p[0] for p in path.points]
            ys += [p[1] for p in path.points]
            if path.label:
                t = path.label
                xs += [t.x - t.width / 2, t.x + t.width / 2]
                ys += [t.y - t.size]
        if not xs:
            return
        dx = max(0.0, margin - min(xs))
        dy = max(0.0, margin - min(ys))
        if dx or dy:
            for el in self.elements:
                el.box = (el.box[0] + dx, el.box[1] + dy, el.box[2], el.box[3])
                el.shapes = [s.moved(dx, dy) for s in el.shapes]
                el.texts = [t.moved(dx, dy) for t in el.texts]
            for path in self.paths:
                _move_path(path, dx, dy)
        self.width = max(self.width + dx, max(xs) + dx + margin)
        self.height = max(self.height + dy, max(ys) + dy + margin)


def _move_path(path: Path, dx: float, dy: float) -> None:
    path.points = [(x + dx, y + dy) for x, y in path.points]
    if path.label:
        path.label = path.label.moved(dx, dy)
    if path.bar_at:
        path.bar_at = (path.bar_at[0] + dx, path.bar_at[1] + dy)


def _middle_segment(points: list[Point]) -> tuple[Point, Point]:
    i = (len(points) - 1) // 2
    return points[i], points[i + 1]


def _simplify(points: list[Point]) -> list[Point]:
    """Drop points in the middle of a straight run (ELK leaves some)."""
    out: list[Point] = []
    for p in points:
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (a[0] == b[0] == p[0]) or (a[1] == b[1] == p[1]):
                out[-1] = p
                continue
        out.append(p)
    return out


def _bar_point(points: list[Point]) -> Point | None:
    """Where a stop-gradient bar crosses the edge: on its last segment, clear of the
    arrowhead, or in the middle of its longest segment when the last is short."""
    if len(points) < 2:
        return None
    (x0, y0), (x1, y1) = points[-2], points[-1]
    length = abs(x1 - x0) + abs(y1 - y0)
    if length >= 2 * ARROW + 8:
        t = (ARROW + 6) / length
        return (x1 + (x0 - x1) * t, y1 + (y0 - y1) * t)
    best = max(range(len(points) - 1),
               key=lambda i: abs(points[i + 1][0] - points[i][0])
               + abs(points[i + 1][1] - points[i][1]))
    (x0, y0), (x1, y1) = points[best], points[best + 1]
    return ((x0 + x1) / 2, (y0 + y1) / 2)


def _crosses(p: Point, q: Point, box: Box, margin: float = 1.0) -> bool:
    """Whether the axis-parallel segment p-q passes through the box's interior."""
    x, y, w, h = box
    left, right, top, bottom = x - margin, x + w + margin, y - margin, y + h + margin
    if p[1] == q[1]:
        lo, hi = sorted((p[0], q[0]))
        return top < p[1] < bottom and lo < right and hi > left
    lo, hi = sorted((p[1], q[1]))
    return left < p[0] < right and lo < bottom and hi > top


def _clear(points: list[Point], boxes: list[Box]) -> bool:
    return not any(_crosses(p, q, box) for p, q in zip(points, points[1:], strict=False)
                   for box in boxes)


def _side_route(a: Box, b: Box, others: list[Box], gap: float) -> list[Point]:
    """A link from box a to box b that crosses no other box.

    Boxes on one row: straight between their facing sides when nothing stands between
    them, else out of those sides and over the top of everything in the way. Boxes on
    different rows: out of their right sides and down (or up) a channel right of
    everything in the way.
    """
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    top, bottom = max(ay, by), min(ay + ah, by + bh)
    if bottom - top > 4 and (ax + aw <= bx or bx + bw <= ax):
        y = (top + bottom) / 2
        (left, right) = (a, b) if ax + aw <= bx else (b, a)
        x0, x1 = left[0] + left[2], right[0]
        straight = [(x0, y), (x1, y)]
        if _clear(straight, others):
            return straight if left is a else straight[::-1]
        over = min(ay, by) - gap

        def over_the_top(level: float) -> list[Point]:
            return [(x0, y), (x0 + gap / 2, y), (x0 + gap / 2, level), (x1 - gap / 2, level),
                    (x1 - gap / 2, y), (x1, y)]

        route = _push(over_the_top, over, others, gap, upwards=True)
        return route if left is a else route[::-1]
    ya, yb = ay + ah / 2, by + bh / 2

    def around_the_right(x: float) -> list[Point]:
        return [(ax + aw, ya), (x, ya), (x, yb), (bx + bw, yb)]

    return _push(around_the_right, max(ax + aw, bx + bw) + gap, others, gap, upwards=False)


def _push(route: Callable[[float], list[Point]], start: float, others: list[Box],
          gap: float, upwards: bool) -> list[Point]:
    """``route(level)`` at the first level, from ``start`` outwards, that crosses no box
    (each try moves past the boxes that blocked the last)."""
    level = start
    for _ in range(len(others) + 1):
        points = route(level)
        blocking = [box for box in others
                    if any(_crosses(p, q, box) for p, q in zip(points, points[1:],
                                                             strict=False))]
        if not blocking:
            break
        if upwards:
            level = min(box[1] for box in blocking) - gap
        else:
            level = max(box[0] + box[2] for box in blocking) + gap
    return _simplify(route(level))


def assemble(scenes: list[Scene], results: list[dict[str, Any]]) -> Figure:
    """Every panel at its place, one figure."""
    panels = [_Panel(scene, result) for scene, result in zip(scenes, results, strict=True)]
    size = scenes[0].size
    vertical = scenes[0].direction in ("TB", "BT")
    figure = Figure(0, 0)
    captions = [s.caption for s in scenes]
    caption_h = 0.0
    if any(captions):
        caption_h = max(sum(extent(c, size * 1.15)[1:]) for c in captions if c) + size * 0.6
    offset = 0.0
    tallest = max(p.height for p in panels)
    widest = max(p.width for p in panels)
    for panel, caption in zip(panels, captions, strict=True):
        dx, dy = (offset, 0.0) if vertical else (0.0, offset)
        for el in panel.elements:
            el.box = (el.box[0] + dx, el.box[1] + dy, el.box[2], el.box[3])
            el.shapes = [s.moved(dx, dy) for s in el.shapes]
            el.texts = [t.moved(dx, dy) for t in el.texts]
            figure.elements.append(el)
        for path in panel.paths:
            _move_path(path, dx, dy)
            figure.paths.append(path)
        w = panel.width if vertical else widest
        h = tallest if vertical else panel.height
        figure.panels.append((dx, dy, w, h + caption_h))
        if caption:
            figure.captions.append(place(caption, size * 1.15, dx + w / 2, dy + h + size * 0.1))
        offset += (panel.width if vertical else panel.height + caption_h) + PANEL_GAP * size
    if vertical:
        figure.width = offset - PANEL_GAP * size
        figure.height = tallest + caption_h
    else:
        figure.width = widest
        figure.height = offset - PANEL_GAP * size
    return figure

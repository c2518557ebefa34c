"""ELK's coordinates plus the scene to a :class:`Figure` with absolute geometry.

Panels (phases) are laid out one graph each and set side by side here in declared order
(stacked in LR/RL), captions on one line under them. Weight copies and shared-weight links
are routed here, after the layout, around every box (:mod:`route`), so they never cross
an element.
"""

from __future__ import annotations

from typing import Any

from .elk_graph import BAND_SIDE, FRAME_PAD, placed_nodes
from .figure import Element, Figure, Frame, Path, Point, Run, Shape, Text
from .route import route, simplify
from .scene import MARK_H, MARK_W, Scene, SceneGroup, SideLink
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
        self.marks: list[Box] = []  # stars, triangles and notes outside their boxes
        self.frames: list[Frame] = []
        placed = placed_nodes(result)
        boxes: dict[str, Box] = {}
        for node in scene.nodes.values():
            x, y, c = placed[node.id]
            box = (x, y, node.width, node.height)
            boxes[node.key] = box
            el = Element(node.key, node.css, node.title, box,
                         [s.moved(x, y) for s in node.shapes],
                         [t.moved(x, y) for t in node.texts],
                         *((node.link.url, node.link.xref) if node.link else ()))
            labels = {lab["id"]: lab for lab in c.get("labels", [])}
            for index, mark in enumerate(node.marks):
                lab = labels.get(f"{node.id}.m{index}", {})
                mx = x + float(lab.get("x", -mark.width))
                my = y + float(lab.get("y", 0))
                if mark.top:  # a module's star: beside the box's upper-left corner
                    my = y - mark.height * 0.15
                if mark.corner:  # a note with edges on every side: off the upper corner
                    my = y - mark.height
                if mark.shape is not None:
                    el.shapes.append(mark.shape.moved(mx, my))
                if mark.text is not None:
                    el.texts.append(mark.text.moved(mx, my))
                if mark.shape is not None or mark.text is not None:
                    self.marks.append((mx, my, mark.width, mark.height))
            self.elements.append(el)
        self.boxes = boxes
        self.mark_near: dict[str, Point] = {}  # edge id -> where its sampling mark goes
        for group in scene.groups.values():
            self.frames.append(self.frame(group, placed))
        for edge_json, edge in zip(result.get("edges", []), scene.edges, strict=True):
            points: list[Point] = []
            for section in edge_json.get("sections", []):
                pts = [section["startPoint"], *section.get("bendPoints", []),
                       section["endPoint"]]
                for p in pts:
                    pt = (float(p["x"]), float(p["y"]))
                    if not points or points[-1] != pt:
                        points.append(pt)
            points = simplify(points)
            label = None
            if edge.room:  # where the layout left room for the sampling mark
                lab = (edge_json.get("labels") or [{}])[0]
                centre = (float(lab.get("x", 0)) + float(lab.get("width", 0)) / 2,
                          float(lab.get("y", 0)) + float(lab.get("height", 0)) / 2)
                self.mark_near[edge.id] = centre
            if edge.label:
                lab = (edge_json.get("labels") or [{}])[0]
                lx, ly = float(lab.get("x", 0)), float(lab.get("y", 0))
                lw = float(lab.get("width", 0))
                label = place(edge.label, edge.label_size, lx + lw / 2, ly, italic=True)
            path = Path(edge.kind, points, edge.arrow, label=label,  # type: ignore[arg-type]
                        tail=edge.tail, head=edge.head)
            if edge.reverse:  # laid out along the flow, drawn against it
                path.points.reverse()
                path.tail, path.head = edge.head, edge.tail
                path.dashed = True
            if edge.kind == "stopgrad":
                path.bar_at = _bar_point(points)
            self.paths.append(path)
        self.straighten_forks()
        for frame, group in zip(self.frames, scene.groups.values(), strict=True):
            self.frame_texts(frame, group)
        for path, edge in zip(self.paths, scene.edges, strict=True):
            if edge.id in self.mark_near:
                path.mark = _sample_mark(path.points, self.mark_near[edge.id], scene.size)
            if edge.beside_bar and edge.label and path.label:
                near = path.bar_at
                if path.mark is not None:
                    near = (path.mark.x + path.mark.w / 2, path.mark.y + path.mark.h / 2)
                path.label = self.label_beside(path, edge.label, edge.label_size, near,
                                               path.label)
        for link in scene.links:
            self.paths.append(self.route(link))
        self.fit()

    def frame(self, group: SceneGroup, placed: dict[str, tuple[float, float, Any]]) -> Frame:
        """A group's frame where the layout put its compound node (its label and ×N are
        placed once the edges are known: :meth:`frame_texts`)."""
        x, y, c = placed[group.id]
        box = (x, y, float(c["width"]), float(c["height"]))
        shape = Shape("rect" if group.module else "frame", *box)
        frame = Frame(group.key, group.css, group.title, box, group.members, [shape])
        labels = {lab["id"]: lab for lab in c.get("labels", [])}
        for index, mark in enumerate(group.marks):  # a trained module frame's star
            lab = labels.get(f"{group.id}.m{index}", {})
            mx, my = x + float(lab.get("x", -mark.width)), y - mark.height * 0.15
            if mark.shape is not None:
                frame.shapes.append(mark.shape.moved(mx, my))
                self.marks.append((mx, my, mark.width, mark.height))
        return frame

    def frame_texts(self, frame: Frame, group: SceneGroup) -> None:
        """The label at the left end of the frame's band (the padding the layout left on
        the side the flow leaves by) and ×N at its right end, each moved inwards past
        any edge crossing the band, or when edges fill the band to the nearest free place
        inside the frame; they then count as boxes (edge labels keep off)."""
        x, y, w, h = frame.box
        s = self.scene.size
        pad, gap = FRAME_PAD * s, 0.3 * s
        texts = [t for t in (group.label, group.repeat) if t is not None]
        if not texts:
            return
        th = max(_text_box(t)[3] for t in texts)
        top = y + 0.75 * pad if BAND_SIDE[self.scene.direction] == "top" else \
            y + h - 0.75 * pad - th
        row = (x, top, w, th)
        taken = [(p, q) for path in self.paths
                 for p, q in zip(path.points, path.points[1:], strict=False) if _hits(row, p, q)]
        blocked = [(min(p[0], q[0]) - gap, max(p[0], q[0]) + gap) for p, q in taken]
        blocked += [(b[0] - gap, b[0] + b[2] + gap) for b in [*self.boxes.values(), *self.marks]
                    if _overlap(row, b)]
        lo, hi = x + pad, x + w - pad
        for part, text in (("label", group.label), ("repeat", group.repeat)):
            if text is None:
                continue
            tw = _text_box(text)[2]
            if part == "label":
                starts = [lo] + sorted(b for _, b in blocked if lo < b < hi)
            else:
                starts = [hi - tw] + sorted((a - tw for a, _ in blocked if lo < a < hi),
                                            reverse=True)
            left = next((v for v in starts if lo <= v <= hi - tw and not any(
                a < v + tw and v < b for a, b in blocked)), None)
            spot = (left, top) if left is not None else \
                self.free_spot(frame, tw, th, part == "repeat") or (starts[0], top)
            placed = text.moved(spot[0] - _text_box(text)[0], spot[1] - _text_box(text)[1])
            frame.texts.append(placed)
            box = _text_box(placed)
            self.boxes[f"{group.key}#{part}"] = box
            blocked.append((box[0] - gap, box[0] + box[2] + gap))

    def free_spot(self, frame: Frame, tw: float, th: float,
                  right: bool) -> tuple[float, float] | None:
        """Where a text of ``tw`` x ``th`` fits inside the frame when edges fill its band:
        the free place nearest the band's left (``right``: right) corner that covers no
        box, mark, label, edge or inner frame (searched on a grid of half a font size)."""
        x, y, w, h = frame.box
        s = self.scene.size
        pad, gap, step = FRAME_PAD * s, 0.3 * s, 0.5 * s
        taken = [*self.boxes.values(), *self.marks]
        taken += [f.box for f in self.frames if f is not frame
                  and set(f.members) < set(frame.members)]
        segments = [(p, q) for path in self.paths
                    for p, q in zip(path.points, path.points[1:], strict=False)]
        at_top = BAND_SIDE[self.scene.direction] == "top"
        spots = []
        for i in range(int((w - 2 * pad - tw) // step) + 1):
            for j in range(int((h - 2 * pad - th) // step) + 1):
                left = x + w - pad - tw - i * step if right else x + pad + i * step
                top = y + pad + j * step if at_top else y + h - pad - th - j * step
                spots.append((i + j, left, top))
        for _, left, top in sorted(spots):
            rect = (left - gap, top - gap, tw + 2 * gap, th + 2 * gap)
            if not any(_overlap(rect, b) for b in taken) and not any(
                    _hits(rect, p, q) for p, q in segments):
                return left, top
        return None

    def straighten_forks(self) -> None:
        """Remove the small step ELK leaves just below a fork (a value feeding two
        elements: one branch steps a few points aside before running on), when the
        straight line crosses no box and runs along no other edge."""
        jog = self.scene.size * 0.6
        for path in self.paths:
            straight = _without_first_jog(path.points, jog)
            if straight is None or not self._free(path, straight):
                continue
            path.points = straight
            if path.bar_at is not None:
                path.bar_at = _bar_point(straight)

    def _free(self, path: Path, points: list[Point]) -> bool:
        """Whether the first two segments of ``points`` cross no box but the path's own
        ends' and lie on no segment of an edge that does not start where it starts
        (edges out of one port share their trunk)."""
        ends = {path.tail, path.head}
        boxes = [box for key, box in self.boxes.items() if key not in ends]
        start = points[0]
        for p, q in zip(points[:2], points[1:3], strict=False):
            if any(_through(p, q, box) for box in boxes):
                return False
            for other in self.paths:
                if other is path or other.points[:1] == [start]:
                    continue
                for a, b in zip(other.points, other.points[1:], strict=False):
                    if _collinear_overlap(p, q, a, b):
                        return False
        return True

    def route(self, link: SideLink) -> Path:
        a, b = self.boxes[link.tail], self.boxes[link.head]
        others = [box for key, box in self.boxes.items() if key not in (link.tail, link.head)]
        gap = self.scene.size * 0.8
        vertical = self.scene.direction in ("TB", "BT")
        # out of the sides no data edge uses: left/right in TB, top/bottom in LR
        busy = frozenset(p.points[i] for p in self.paths if p.kind in ("copy", "shared")
                         for i in (0, -1))
        points = route(a, b, others + self.marks, gap,
                       ("left", "right") if vertical else ("top", "bottom"), busy)
        copy = link.kind == "copy"
        path = Path(link.kind, points, "open" if copy else "none", dashed=True,
                    tail=link.tail, head=link.head)
        path.label = self.label_beside(path, link.label, link.label_size)
        return path

    def label_beside(self, path: Path, runs: tuple[Run, ...], size: float,
                     near: Point | None = None, fallback: Text | None = None) -> Text:
        """A label beside one of the path's segments (the one holding ``near`` first, then
        the longest), above or below a horizontal one, right or left of a vertical one, at
        its middle or a quarter from either end: the first spot that covers no box, mark,
        label or edge; else ``fallback`` (where the layout left room), else the first."""
        w, above, below = extent(runs, size)
        h = above + below
        taken = list(self.boxes.values()) + self.marks
        taken += [_text_box(p.label) for p in self.paths if p.label and p is not path]
        segments = [(p, q) for other in self.paths + [path]
                    for p, q in zip(other.points, other.points[1:], strict=False)]
        own = sorted(zip(path.points, path.points[1:], strict=False),
                     key=lambda s: (near is None or not _hits((*near, 0, 0), *s),
                                    -_length(*s)))
        spots: list[tuple[float, float]] = []  # centre x, top y
        for (x0, y0), (x1, y1) in own:
            for t in (0.5, 0.25, 0.75):
                if near is not None and _hits((*near, 0, 0), (x0, y0), (x1, y1)):
                    x, y = near  # beside the bar
                else:
                    x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
                if y0 == y1:
                    spots += [(x, y - h - 2), (x, y + 2)]
                else:
                    spots += [(x + w / 2 + 7, y - h / 2), (x - w / 2 - 7, y - h / 2)]
        for cx, top in spots:
            rect = (cx - w / 2, top, w, h)
            if not any(_overlap(rect, box) for box in taken) and not any(
                    _hits(rect, p, q) for p, q in segments):
                return place(runs, size, cx, top, italic=True)
        if fallback is not None:
            return fallback
        cx, top = spots[0]
        return place(runs, size, cx, top, italic=True)

    def fit(self) -> None:
        """Size the panel to what it draws, a margin around it: links routed outside the
        layout's extent grow it, and the room ELK keeps past the last element (up to
        two font sizes under some left-to-right layouts) is taken back."""
        margin = self.scene.size * 0.5
        boxes = [box for el in [*self.elements, *self.frames] for box in _drawn(el)]
        for path in self.paths:
            boxes += [(x, y, 0.0, 0.0) for x, y in path.points]
            if path.label:
                boxes.append(_text_box(path.label))
            if path.mark is not None:
                boxes.append((path.mark.x, path.mark.y, path.mark.w, path.mark.h))
        if not boxes:
            return
        dx = max(0.0, margin - min(b[0] for b in boxes))
        dy = max(0.0, margin - min(b[1] for b in boxes))
        if dx or dy:
            for el in [*self.elements, *self.frames]:
                _move_element(el, dx, dy)
            for path in self.paths:
                _move_path(path, dx, dy)
        self.width = max(b[0] + b[2] for b in boxes) + dx + margin
        self.height = max(b[1] + b[3] for b in boxes) + dy + margin


def _drawn(el: Element | Frame) -> list[Box]:
    """Everything an element or frame draws: its box, its shapes (a star stands outside
    the box) and its texts."""
    return [el.box, *((s.x, s.y, s.w, s.h) for s in el.shapes),
            *(_text_box(t) for t in el.texts)]


def _move_element(el: Element | Frame, dx: float, dy: float) -> None:
    el.box = (el.box[0] + dx, el.box[1] + dy, el.box[2], el.box[3])
    el.shapes = [s.moved(dx, dy) for s in el.shapes]
    el.texts = [t.moved(dx, dy) for t in el.texts]


def _move_path(path: Path, dx: float, dy: float) -> None:
    path.points = [(x + dx, y + dy) for x, y in path.points]
    if path.label:
        path.label = path.label.moved(dx, dy)
    if path.bar_at:
        path.bar_at = (path.bar_at[0] + dx, path.bar_at[1] + dy)
    if path.mark:
        path.mark = path.mark.moved(dx, dy)


def _upright(segment: tuple[Point, Point]) -> bool:
    """Whether a segment runs up or down (ELK's coordinates differ in the last bits)."""
    (x0, y0), (x1, y1) = segment
    return abs(x1 - x0) <= abs(y1 - y0)


def _sample_mark(points: list[Point], near: Point, size: float) -> Shape | None:
    """The sampling mark of a ``~>`` edge, along one of its segments ('≀' on a vertical
    one): the segment nearest ``near`` (where the layout left room) among those long
    enough to hold it clear of both ends and the arrowhead, else the longest; at the point
    of it nearest ``near``."""
    length, across = MARK_H * size, MARK_W * size
    segments = list(zip(points, points[1:], strict=False))
    if not segments:
        return None
    last = len(segments) - 1

    def room(index: int) -> tuple[float, float]:
        """The stretch of the segment (along its axis) the mark's centre may take."""
        (x0, y0), (x1, y1) = segments[index]
        a, b = (y0, y1) if _upright(segments[index]) else (x0, x1)
        step = 1.0 if b >= a else -1.0
        lo = a + step * (length / 2 + 2)
        hi = b - step * (length / 2 + 2 + (ARROW if index == last else 0.0))
        return (lo, hi) if step > 0 else (hi, lo)

    def distance(index: int) -> float:
        (x0, y0), _ = segments[index]
        lo, hi = room(index)
        if _upright(segments[index]):
            return abs(x0 - near[0]) + abs(min(max(near[1], lo), hi) - near[1])
        return abs(y0 - near[1]) + abs(min(max(near[0], lo), hi) - near[0])

    fits = [i for i in range(len(segments)) if room(i)[0] <= room(i)[1]]
    index = min(fits, key=distance) if fits else max(
        range(len(segments)), key=lambda i: _length(*segments[i]))
    (x0, y0), (x1, y1) = segments[index]
    vertical = _upright(segments[index])
    lo, hi = room(index)
    if vertical:
        x, y = x0, (min(max(near[1], lo), hi) if lo <= hi else (y0 + y1) / 2)
        return Shape("sample", x - across / 2, y - length / 2, across, length)
    x, y = (min(max(near[0], lo), hi) if lo <= hi else (x0 + x1) / 2), y0
    return Shape("sample", x - length / 2, y - across / 2, length, across, vertical=False)


def _without_first_jog(points: list[Point], jog: float) -> list[Point] | None:
    """``points`` with a short step between its first two parallel runs taken out (the
    second run moved onto the first), or None when it has none."""
    if len(points) < 5:
        return None
    s, p1, p2, p3, p4 = points[:5]
    vertical = s[0] == p1[0]
    along, across = (1, 0) if vertical else (0, 1)
    if not (p1[across] != p2[across] and p1[along] == p2[along]
            and p2[across] == p3[across] and p3[along] == p4[along]
            and abs(p2[across] - p1[across]) <= jog
            and (p1[along] - s[along]) * (p3[along] - p2[along]) > 0):
        return None
    corner = (s[0], p3[1]) if vertical else (p3[0], s[1])
    return simplify([s, corner, *points[4:]])


def _through(p: Point, q: Point, box: Box) -> bool:
    """Whether the axis-parallel segment p-q runs inside the box (not along its edge)."""
    x, y, w, h = box
    lo_x, hi_x = sorted((p[0], q[0]))
    lo_y, hi_y = sorted((p[1], q[1]))
    return lo_x < x + w and hi_x > x and lo_y < y + h and hi_y > y


def _collinear_overlap(p: Point, q: Point, a: Point, b: Point) -> bool:
    """Whether segments p-q and a-b lie on one line and share a stretch."""
    if not (p[0] == q[0] == a[0] == b[0] or p[1] == q[1] == a[1] == b[1]):
        return False
    axis = 1 if p[0] == q[0] else 0
    lo = max(min(p[axis], q[axis]), min(a[axis], b[axis]))
    hi = min(max(p[axis], q[axis]), max(a[axis], b[axis]))
    return hi > lo


def _length(p: Point, q: Point) -> float:
    return abs(q[0] - p[0]) + abs(q[1] - p[1])


def _text_box(text: Text) -> Box:
    left = text.x - text.width / 2 if text.anchor == "middle" else text.x
    return (left, text.y - text.size, text.width, text.size * 1.25)


def _overlap(a: Box, b: Box) -> bool:
    return (a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3]
            and b[1] < a[1] + a[3])


def _hits(rect: Box, p: Point, q: Point) -> bool:
    """Whether the axis-parallel segment p-q touches the rectangle."""
    x, y, w, h = rect
    lo_x, hi_x = sorted((p[0], q[0]))
    lo_y, hi_y = sorted((p[1], q[1]))
    return lo_x <= x + w and hi_x >= x and lo_y <= y + h and hi_y >= y


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
            _move_element(el, dx, dy)
            figure.elements.append(el)
        for frame in panel.frames:
            _move_element(frame, dx, dy)
            figure.frames.append(frame)
        for path in panel.paths:
            _move_path(path, dx, dy)
            figure.paths.append(path)
        w = panel.width if vertical else widest
        h = tallest if vertical else panel.height
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

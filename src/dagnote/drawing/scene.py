"""A checked model to a scene: every element sized from the font metrics, with its ports.

The scene is what the layout needs to know and nothing more: the size of each element's
box, the shapes and labels inside it (relative to its corner), the marks that sit outside
it (star, objective triangle, note), on which side each edge meets it, and which edges the
layout routes (data flow) or dagnote routes afterwards (weight copies, shared weights).
One scene is one panel; a diagram with phases has a scene per phase.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..language.checks import trainables
from ..language.links import Target
from ..language.model import Diagram, Edge, Node, ObjectiveSpec
from .figure import Run, Shape, Text
from .problems import Problems, badge, outline
from .text import extent, place, plain, prior_runs, runs

Side = Literal["NORTH", "SOUTH", "WEST", "EAST"]
# which side of a box edges meet, by flow direction: in (from the previous layer), out,
# and the two sides an operand or a `from left`/`from right` input enters
SIDES: dict[str, dict[str, Side]] = {
    "TB": {"in": "NORTH", "out": "SOUTH", "left": "WEST", "right": "EAST"},
    "BT": {"in": "SOUTH", "out": "NORTH", "left": "WEST", "right": "EAST"},
    "LR": {"in": "WEST", "out": "EAST", "left": "NORTH", "right": "SOUTH"},
    "RL": {"in": "EAST", "out": "WEST", "left": "NORTH", "right": "SOUTH"},
}
ELK_DIRECTION = {"TB": "DOWN", "BT": "UP", "LR": "RIGHT", "RL": "LEFT"}

# sizes, as multiples of the font size (measured against ../shared/reference at 15 pt)
VALUE_SCALE = 1.2      # values read as large as the reference's (x, μ, σ)
OPERATOR_SCALE = 0.85  # operator labels are small inside their circles
SOURCE_SCALE = 1.15    # bold data-set labels
MODULE_W, MODULE_H, MODULE_PAD = 4.4, 4.2, 2.0
SOURCE_W, SOURCE_H = 5.0, 2.6
MARK_W, MARK_H, MARK_GAP = 0.6, 1.3, 0.15
STAR = 1.05
TRIANGLE_W, TRIANGLE_H = 1.25, 1.1
STRIP_W, STRIP_H, BLANK_W, STRIP_GAP = 7.0, 1.1, 1.2, 0.25
CIRCLE_MIN, ELLIPSE_H = 1.7, 1.75
NOTE_SIDES: dict[str, tuple[Literal["left", "right", "above", "below"], ...]] = {
    "TB": ("right", "above", "left", "below"), "LR": ("above", "below", "right", "left")}
SIDE_OF = {"left": "WEST", "right": "EAST", "above": "NORTH", "below": "SOUTH"}


@dataclass(slots=True)
class Mark:
    """Something drawn outside an element's box: the layout reserves room for it.

    ``where`` is the side of the box it sits on: "left" (star, triangle), "right" (a
    note; "above" in LR/RL, where edges run through the right side), or "below"; the
    layout returns its position, and :mod:`place` draws ``shape`` or ``text`` there.
    """

    where: Literal["left", "right", "above", "below"]
    width: float
    height: float
    shape: Shape | None = None  # at (0, 0), moved to the mark's position
    text: Text | None = None    # likewise
    top: bool = False           # sits at the top of the box's side (a module's star)
    corner: bool = False        # sits off the box's upper corner (no side is free)


@dataclass(slots=True)
class SceneNode:
    key: str
    id: str  # the layout's id for it
    css: str
    title: str
    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)  # relative to the box's corner
    texts: list[Text] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    ports: dict[str, Side] = field(default_factory=dict)  # port id -> side
    layer: Literal["FIRST", "LAST"] | None = None
    link: Target | None = None  # what clicking the element opens


@dataclass(slots=True)
class SceneEdge:
    id: str
    kind: str
    tail: str  # node keys
    head: str
    source: str  # port ids
    target: str
    arrow: Literal["filled", "open", "none"] = "filled"
    label: tuple[Run, ...] | None = None  # placed by the layout, which leaves room for it
    label_size: float = 0.0
    straight: bool = False  # part of the main chain: the layout keeps it straight
    # a stop-grad edge's label: the layout leaves room for it (``label``), dagnote puts it
    # next to the bar when there is room there
    beside_bar: bool = False
    # room the layout leaves on the edge (width, height) for a mark drawn on it: the
    # sampling mark of a ``~>`` sample
    room: tuple[float, float] | None = None
    # laid out from head to tail and drawn from tail to head: a straight-through link
    # runs against the flow, and the layout routes it as one more edge along the flow
    reverse: bool = False


@dataclass(slots=True)
class SideLink:
    """A weight copy or shared-weights link: routed by dagnote after the layout, around
    every box, so it never reads as another element taking part."""

    kind: Literal["copy", "shared"]
    tail: str
    head: str
    label: tuple[Run, ...]
    label_size: float


@dataclass(slots=True)
class SceneGroup:
    """A frame (``group``): a compound node in the layout that holds ``nodes`` and the
    frames whose ``parent`` it is. Its label and ``×N`` are edge-less nodes inside it
    (``label``, ``repeat``: text at (0, 0) and its size), so the layout keeps edges and
    boxes off them."""

    key: str
    id: str
    css: str
    title: str
    parent: str | None
    nodes: list[str] = field(default_factory=list)  # scene node keys directly inside
    members: tuple[str, ...] = ()  # every element key inside, nested frames' too
    label: Text | None = None
    repeat: Text | None = None
    marks: list[Mark] = field(default_factory=list)  # a trained module frame's star
    module: bool = False


@dataclass(slots=True)
class Scene:
    direction: str
    size: float
    nodes: dict[str, SceneNode] = field(default_factory=dict)
    edges: list[SceneEdge] = field(default_factory=list)
    links: list[SideLink] = field(default_factory=list)
    caption: tuple[Run, ...] | None = None
    groups: dict[str, SceneGroup] = field(default_factory=dict)  # outer frames first


class _Builder:
    def __init__(self, diagram: Diagram, objectives: list[ObjectiveSpec], direction: str,
                 size: float, problems: Problems | None = None) -> None:
        self.d = diagram
        self.problems = problems or Problems()
        self.size = size
        self.sides = SIDES[direction]
        self.scene = Scene(direction, size)
        train = trainables(diagram, objectives)
        self.trained = {n.key for nodes in train.values() for n in nodes}
        self.objective = {o.node: o.direction for o in objectives}
        self.flow_out = {e.tail for e in diagram.edges if e.kind not in ("copy", "straight")}
        # a sample drawn once from a source with nothing else flowing into it is drawn
        # under its source's mark, as one stack (X ≀ x)
        samples: dict[str, list[str]] = {}
        for e in diagram.edges:
            if e.kind == "sample":
                samples.setdefault(e.tail, []).append(e.head)
        # the innermost frame of each element (frames come outer first)
        self.home = {key: g.key for g in diagram.groups for key in g.members}
        self.merged: dict[str, str] = {}  # value key -> source key
        for src, heads in samples.items():
            if len(heads) == 1 and len(diagram.predecessors(heads[0])) == 1 \
                    and self.home.get(heads[0]) == self.home.get(src):
                value = diagram.nodes[heads[0]]
                if not value.sequence and heads[0] not in self.objective:
                    self.merged[heads[0]] = src
        self.vertical = direction in ("TB", "BT")

    # -- sizes and contents -----------------------------------------------------------
    def label_text(self, node: Node, scale: float, cx: float, top: float,
                   bold: bool = False) -> Text:
        return place(runs(node.label, node.quoted), self.size * scale, cx, top, bold=bold)

    def value_extent(self, node: Node, bold: bool = False) -> tuple[float, float]:
        w, above, below = extent(runs(node.label, node.quoted), self.size * VALUE_SCALE, bold)
        return w, above + below

    def star(self, top: bool) -> Mark:
        s = self.size * STAR
        return Mark("left", s, s, shape=Shape("star", 0, 0, s, s), top=top)

    def note(self, node: Node, sn: SceneNode) -> None:
        """A side note, on the first side of the box (right, above, left, below in TB;
        above, below, right in LR) that no edge meets."""
        if not node.note:
            return
        parts = runs(node.note)
        w, above, below = extent(parts, self.size * VALUE_SCALE)
        text = place(parts, self.size * VALUE_SCALE, w / 2, 0)
        taken = set(sn.ports.values())
        order = NOTE_SIDES["TB" if self.vertical else "LR"]
        where = next((side for side in order if SIDE_OF[side] not in taken), None)
        sn.marks.append(Mark(where or "right", w, above + below, text=text,
                             corner=where is None))

    def add(self, node: SceneNode) -> None:
        self.scene.nodes[node.key] = node

    def value(self, node: Node, nid: str) -> SceneNode:
        s = self.size
        given = node.kind == "given"
        bold = given and node.key not in self.trained
        w, h = self.value_extent(node, bold)
        css = "dn-given" if given else "dn-value"
        shapes: list[Shape] = []
        top = 0.0
        if node.sequence:
            strip_w = max(w, STRIP_W * s)
            shapes = _strip(node.blank, 0, 0, strip_w, STRIP_H * s, BLANK_W * s)
            top = STRIP_H * s + STRIP_GAP * s
            css += " dn-sequence"
            w = strip_w
        text = self.label_text(node, VALUE_SCALE, w / 2, top, bold)
        sn = SceneNode(node.key, nid, css, plain(node.label), w, top + h, shapes, [text])
        direction = self.objective.get(node.key)
        if direction:
            sn.css += " dn-objective"
            tw, th = TRIANGLE_W * s, TRIANGLE_H * s
            triangle = Shape(direction, 0, 0, tw, th)  # type: ignore[arg-type]
            if self.vertical:
                sn.marks.append(Mark("left", tw, th, shape=triangle))
            else:  # edges come in from the side: the triangle is part of the box
                shift = tw + 0.3 * s
                sn.texts = [t.moved(shift, 0) for t in sn.texts]
                sn.shapes = [sh.moved(shift, 0) for sh in sn.shapes]
                sn.shapes.append(Shape(direction, 0, (sn.height - th) / 2, tw, th))  # type: ignore[arg-type]
                sn.width += shift
            if node.key not in self.flow_out:
                sn.layer = "LAST"
        if node.key in self.trained:
            sn.css += " dn-trainable"
            if self.vertical:
                sn.marks.append(self.star(top=False))
            else:  # edges come in from the side: the star is part of the box
                star = STAR * s
                shift = star + 0.15 * s
                sn.texts = [t.moved(shift, 0) for t in sn.texts]
                sn.shapes = [sh.moved(shift, 0) for sh in sn.shapes]
                sn.shapes.insert(0, Shape("star", 0, (sn.height - star) / 2, star, star))
                sn.width += shift
        if given:
            sn.layer = "FIRST"
        return sn

    def module(self, node: Node, nid: str) -> SceneNode:
        s = self.size
        parts = runs(node.label, node.quoted)
        w, above, below = extent(parts, s)
        width = max(w + MODULE_PAD * s, MODULE_W * s)
        height = MODULE_H * s
        text = place(parts, s, width / 2, (height - above - below) / 2)
        trained = node.key in self.trained
        css = "dn-module " + ("dn-trainable" if trained else "dn-frozen")
        if node.instance > 1 or len(self.d.boxes(node.ident)) > 1:
            css += " dn-shared"
        sn = SceneNode(node.key, nid, css,
                       plain(node.label) + (" (trained)" if trained else " (frozen)"),
                       width, height, [Shape("rect", 0, 0, width, height)], [text])
        if trained:
            sn.marks.append(self.star(top=True))
        return sn

    def operator(self, node: Node, nid: str) -> SceneNode:
        s = self.size
        parts = runs(node.label, node.quoted)
        w, above, below = extent(parts, s * OPERATOR_SCALE)
        if len(plain(node.label)) <= 2:
            width = height = max(w + 0.7 * s, CIRCLE_MIN * s)
            kind = "circle"
        else:
            width, height = w + 1.5 * s, ELLIPSE_H * s
            kind = "ellipse"
        text = place(parts, s * OPERATOR_SCALE, width / 2, (height - above - below) / 2)
        css = "dn-operator dn-nondiff" if node.nondiff else "dn-operator"
        title = plain(node.label) + (" (non-differentiable)" if node.nondiff else "")
        return SceneNode(node.key, nid, css, title, width, height,
                         [Shape(kind, 0, 0, width, height, dashed=node.nondiff)],  # type: ignore[arg-type]
                         [text])

    def source(self, node: Node, nid: str, merged: Node | None) -> SceneNode:
        """A data set or prior box, its sampling mark, and (merged) its one sample."""
        s = self.size
        if node.kind == "prior":
            parts = prior_runs(node.label)
            w, above, below = extent(parts, s * 1.1, serif=True)
            bw, shape = max(w + 1.6 * s, SOURCE_W * s), "rounded"
            label = (parts, s * 1.1, False, True)
        else:
            parts = runs(node.label, node.quoted)
            w, above, below = extent(parts, s * SOURCE_SCALE, bold=True)
            bw, shape = max(w + 2 * s, SOURCE_W * s), "rect"
            label = (parts, s * SOURCE_SCALE, True, False)
        bh = SOURCE_H * s
        value_w, value_h = self.value_extent(merged) if merged else (0.0, 0.0)
        if self.vertical:
            mark_w, mark_h = MARK_W * s, MARK_H * s
            width = max(bw, value_w)
            gap = MARK_GAP * s
            height = bh + gap + mark_h + (value_h if merged else 0.0)
            flip = self.scene.direction == "BT"
            box_y = height - bh if flip else 0.0
            mark_y = (height - bh - gap - mark_h) if flip else bh + gap
            value_y = 0.0 if flip else bh + gap + mark_h
            box_x, mark_x, value_x = (width - bw) / 2, (width - mark_w) / 2, width / 2
        else:
            mark_w, mark_h = MARK_H * s, MARK_W * s
            gap = MARK_GAP * s
            width = bw + gap + mark_w + gap + (value_w if merged else 0.0)
            height = max(bh, value_h)
            flip = self.scene.direction == "RL"
            box_x = width - bw if flip else 0.0
            mark_x = (width - bw - gap - mark_w) if flip else bw + gap
            value_x = (value_w / 2) if flip else width - value_w / 2
            box_y, mark_y = (height - bh) / 2, (height - mark_h) / 2
        shapes = [Shape(shape, box_x, box_y, bw, bh),  # type: ignore[arg-type]
                  Shape("sample", mark_x, mark_y, mark_w, mark_h, vertical=self.vertical)]
        lw, la, lb = extent(label[0], label[1], label[2], label[3])
        texts = [Text(label[0], box_x + bw / 2, box_y + (bh - la - lb) / 2 + la, label[1], lw,
                      "middle", label[2], label[3])]
        title = plain(node.label)
        key = node.key
        css = f"dn-{node.kind}"
        if merged:
            vy = value_y if self.vertical else (height - value_h) / 2
            texts.append(self.label_text(merged, VALUE_SCALE, value_x, vy))
            title += f" ~ {plain(merged.label)}"
            css += " dn-sampled"
        sn = SceneNode(key, nid, css, title, width, height, shapes, texts, layer="FIRST")
        return sn

    # -- the graph --------------------------------------------------------------------
    def build(self) -> Scene:
        d = self.d
        ids: dict[str, str] = {}
        for index, (key, node) in enumerate(d.nodes.items()):
            if key in self.merged:
                continue
            nid = f"n{index}"
            ids[key] = nid
            if node.kind in ("dataset", "prior"):
                merged = next((v for v, src in self.merged.items() if src == key), None)
                sn = self.source(node, nid, d.nodes[merged] if merged else None)
                sn.link = node.link or (d.nodes[merged].link if merged else None)
            elif node.kind == "module":
                sn = self.module(node, nid)
            elif node.kind == "operator":
                sn = self.operator(node, nid)
            else:
                sn = self.value(node, nid)
            sn.link = sn.link or node.link
            self.add(sn)
        where = {key: self.merged.get(key, key) for key in d.nodes}
        operands: dict[str, list[Edge]] = {}
        for e in d.edges:
            if d.nodes[e.head].kind == "operator" and e.kind not in ("copy", "straight"):
                operands.setdefault(e.head, []).append(e)
        for index, e in enumerate(d.edges):
            if e.kind == "sample" and e.head in self.merged:
                continue
            tail, head = where[e.tail], where[e.head]
            if e.kind == "copy":
                self.link(SideLink("copy", tail, head, runs(e.label or "copy"),
                                   self.size * 0.8))
                continue
            if e.kind == "straight":
                self.straight_through(f"e{index}", tail, head)
                continue
            self.edge(f"e{index}", e, tail, head, operands.get(e.head, []))
        for key, node in d.nodes.items():
            if key in self.scene.nodes:
                self.note(node, self.scene.nodes[key])
        for key, number in self.problems.numbers.items():
            self.mark_problem(self.scene.nodes.get(where[key]), number)
        self.shared_links()
        self.groups()
        return self.scene

    def mark_problem(self, sn: SceneNode | None, number: int) -> None:
        """A dashed outline around the element and its numbered badge beside it."""
        if sn is None or "dn-problem" in sn.css:
            return
        sn.css += " dn-problem"
        sn.shapes.append(outline(sn.width, sn.height, self.size))
        shape, diameter, text = badge(number, self.size)
        sn.marks.append(Mark("right" if self.vertical else "above", diameter, diameter,
                             shape=shape, text=text, top=self.vertical))

    def groups(self) -> None:
        """The frames, each with the scene nodes whose innermost frame it is."""
        s = self.size
        for index, g in enumerate(self.d.groups):
            label = None
            if g.label:
                parts = runs(g.label, g.quoted)
                w, above, below = extent(parts, s)
                label = place(parts, s, w / 2, 0)
            repeat = None
            if g.repeat:
                parts = runs("×" + g.repeat)
                w, above, below = extent(parts, s)
                repeat = place(parts, s, w / 2, 0)
            css = "dn-frame " + ("dn-frame-module" if g.module else "dn-group")
            title = plain(g.label or "group") + (f" ×{plain(g.repeat)}" if g.repeat else "")
            sg = SceneGroup(g.key, f"g{index}", css, title, g.parent, label=label,
                            repeat=repeat, module=g.module is not None,
                            members=tuple(sorted({self.merged.get(k, k) for k in g.members})))
            if g.module and g.trainable:
                sg.css += " dn-trainable"
                sg.marks.append(self.star(top=True))
            self.scene.groups[g.key] = sg
        for key in self.scene.nodes:
            home = self.home.get(key)
            if home is not None:
                self.scene.groups[home].nodes.append(key)

    def port(self, key: str, name: str, side: Side) -> str:
        node = self.scene.nodes[key]
        pid = f"{node.id}.{name}"
        node.ports[pid] = side
        return pid

    def edge(self, eid: str, e: Edge, tail: str, head: str, operands: list[Edge]) -> None:
        sides = self.sides
        hnode = self.d.nodes[e.head]
        source = self.port(tail, "out", sides["out"])
        arrow: Literal["filled", "none"] = "filled"
        straight = True
        if hnode.kind == "operator":
            arrow = "none"  # operands are plain lines
            index = operands.index(e) if e in operands else 0
            if e.side:  # written `from left`/`from right`: that side, whatever the layout
                target, straight = self.port(head, e.side, sides[e.side]), False
            elif any(o.side for o in operands):
                # another operand has its side: the others come in from above, as the
                # main path into a residual sum does (figure 9)
                target = self.port(head, f"in{index}", sides["in"])
            # operand ports are named for elk_graph.reorder_operands
            elif len(operands) >= 2 and index == 0:
                target, straight = self.port(head, "operand-left", sides["left"]), False
            elif len(operands) >= 2 and index == len(operands) - 1:
                target, straight = self.port(head, "operand-right", sides["right"]), False
            else:
                target = self.port(head, f"operand{index}", sides["in"])
        elif e.side:
            target, straight = self.port(head, e.side, sides[e.side]), False
        else:
            target = self.port(head, f"in{e.order}", sides["in"])
        label = runs(e.label) if e.label else None
        if e.kind in ("stopgrad", "reparam"):  # its own label never hides what it means
            meaning = runs("stop-grad" if e.kind == "stopgrad" else "reparam")
            label = meaning + ((Run(": "), *label) if label else ())
        room = None
        if e.kind in ("draw", "reparam"):  # the sampling mark sits on the line
            mark = (2 * MARK_W * self.size, MARK_H * self.size + 2 * MARK_GAP * self.size)
            room = mark if self.vertical else (mark[1], mark[0])
        self.scene.edges.append(SceneEdge(eid, e.kind, tail, head, source, target, arrow,
                                          label, self.size * 0.75, straight,
                                          e.kind in ("stopgrad", "reparam"), room))

    def straight_through(self, eid: str, tail: str, head: str) -> None:
        """A dotted arrow back from the value whose gradient is copied to the value that
        receives it, out of and into their right sides (laid out along the flow)."""
        side = self.sides["right"]
        source = self.port(head, "st-out", side)
        target = self.port(tail, "st-in", side)
        self.scene.edges.append(SceneEdge(eid, "straight", head, tail, source, target,
                                          "filled", runs("straight-through"),
                                          self.size * 0.75, reverse=True))

    def shared_links(self) -> None:
        """One dashed link between consecutive boxes of each module (shared weights)."""
        seen: set[str] = set()
        for node in self.d.nodes.values():
            if node.kind != "module" or node.ident in seen:
                continue
            seen.add(node.ident)
            boxes = self.d.boxes(node.ident)
            for a, b in zip(boxes, boxes[1:], strict=False):
                self.link(SideLink("shared", a.key, b.key, runs("shared"), self.size * 0.75))

    def link(self, link: SideLink) -> None:
        """A side link, and room for its label beside its first box: the layout keeps
        the two boxes that far apart (an empty mark is only a spacer)."""
        self.scene.links.append(link)
        w, above, below = extent(link.label, link.label_size)
        for key in (link.tail, link.head):  # either may end up on the left
            node = self.scene.nodes[key]
            if self.vertical:
                node.marks.append(Mark("right", w + 0.8 * self.size, above + below))
            else:
                node.marks.append(Mark("below", w, above + below + 0.8 * self.size))


def _strip(blank: str, x: float, y: float, width: float, height: float,
           blank_w: float) -> list[Shape]:
    """A lavender sequence strip; a slice shows a blank cell at the end it dropped."""
    cells: list[Shape] = []
    start, end = x, x + width
    if blank in ("start", "both"):
        cells.append(Shape("cell", x, y, blank_w, height, filled=False))
        start += blank_w
    if blank in ("end", "both"):
        cells.append(Shape("cell", end - blank_w, y, blank_w, height, filled=False))
        end -= blank_w
    cells.insert(0, Shape("cell", start, y, end - start, height, filled=True))
    return cells


def build_scenes(diagram: Diagram, size: float, direction: str,
                 problems: Problems | None = None) -> list[Scene]:
    """One scene per panel: a diagram with phases gets one per phase, in declared order;
    ``problems`` are marked on their elements (show problems)."""
    phases = diagram.phases
    if not phases:
        return [_Builder(diagram, diagram.objectives, direction, size, problems).build()]
    scenes = []
    for phase in phases:
        objectives = [o for o in diagram.objectives if o.phase in (phase, None)]
        scene = _Builder(diagram, objectives, direction, size, problems).build()
        scene.caption = runs(phase, quoted=True)
        scenes.append(scene)
    _same_room(scenes)
    return scenes


# the marks that change from panel to panel: a star where a phase trains the module, a
# triangle where it optimises the objective
PANEL_MARKS = frozenset({"star", "min", "max"})


def _same_room(scenes: list[Scene]) -> None:
    """Where one panel draws a star or triangle beside an element, the others keep the
    same room there, undrawn: the panels then lay out alike (identical panels, as the
    notation has them, and one layout serves them all) and differ only in those marks."""
    for key in scenes[0].nodes:
        _reserve([s.nodes[key] for s in scenes if key in s.nodes])
    for key in scenes[0].groups:
        _reserve([s.groups[key] for s in scenes if key in s.groups])


def _reserve(holders: list[SceneNode] | list[SceneGroup]) -> None:
    drawn = next((h.marks[0] for h in holders if h.marks and _varies(h.marks[0])), None)
    if drawn is None:
        return
    for holder in holders:
        if not (holder.marks and _varies(holder.marks[0])):
            holder.marks.insert(0, Mark(drawn.where, drawn.width, drawn.height,
                                        top=drawn.top, corner=drawn.corner))


def _varies(mark: Mark) -> bool:
    return mark.shape is not None and mark.shape.kind in PANEL_MARKS

"""The typed model of a training setup, built from parsed statements.

Nodes have one kind each (data set, prior, given datum, value, module box, operator);
edges have one kind each (sample, data, stop-gradient, weight copy, shared weights).
Building reports names used with two kinds and references to unknown elements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .diagnostics import Diagnostic, literal
from .limits import MAX_EDGES, MAX_NODES, SPLIT_HINT
from .links import Target
from .suggest import did_you_mean
from .syntax import (
    Allow,
    Chain,
    Direction,
    Given,
    Group,
    Item,
    Link,
    Note,
    Objective,
    Pos,
    Program,
    Sample,
    Seq,
    Show,
    StraightThrough,
)

NodeKind = Literal["dataset", "prior", "given", "value", "module", "operator"]
# draw: sampled from the tail's output distribution (``~>``), reparam: likewise but
# reparameterised (``~r>``); straight: a straight-through estimator's backward link
EdgeKind = Literal["sample", "data", "stopgrad", "copy", "slice", "draw", "reparam",
                   "straight"]

KIND_WORDS: dict[str, str] = {
    "dataset": "a data set",
    "prior": "a prior",
    "given": "a given datum",
    "value": "a value",
    "module": "a module",
    "operator": "an operator",
}


@dataclass
class Node:
    key: str  # unique in the diagram
    kind: NodeKind
    label: str
    pos: Pos
    ident: str  # the element's name (module boxes of one module share it)
    trainable: bool = False
    instance: int = 1
    quoted: bool = False
    sequence: bool = False
    blank: str = "none"  # for sequence slices: which end shows an empty cell
    note: str | None = None
    objective: Literal["min", "max"] | None = None
    link: Target | None = None  # ``link``: what clicking the element opens
    nondiff: bool = False  # an operator no gradient passes: (argmax/)
    grad_of: str | None = None  # an operator that is the gradient of this module: (∇[d])


@dataclass
class Edge:
    tail: str
    head: str
    kind: EdgeKind
    pos: Pos
    label: str | None = None
    side: str | None = None  # "left"/"right": enters the head from that side
    order: int = 0  # position among the head's operands


@dataclass
class ObjectiveSpec:
    node: str
    direction: Literal["min", "max"]
    wrt: list[str]  # module idents / trainable data keys; empty = every trainable upstream
    pos: Pos
    phase: str | None = None
    estimator: Literal["pathwise", "score"] = "pathwise"


@dataclass
class GroupSpec:
    """A frame around elements (``group``): labelled, repeated ×N, or a module drawn
    with its inside; ``parent`` is the group whose frame holds this one."""

    key: str
    members: list[str]  # node keys, as written
    pos: Pos
    label: str | None = None
    quoted: bool = False
    repeat: str | None = None
    module: str | None = None  # the frame is this module (its name)
    trainable: bool = False
    parent: str | None = None


@dataclass
class Diagram:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    objectives: list[ObjectiveSpec] = field(default_factory=list)
    direction: str | None = None  # set by a ``direction`` statement
    xrefs: dict[str, Pos] = field(default_factory=dict)  # cross-reference -> its link line
    # ``allow CODE[: items]``: (code, where written, the elements' names or None for all)
    allowed: list[tuple[str, Pos, frozenset[str] | None]] = field(default_factory=list)
    show_problems: bool = False  # set by ``show problems``
    failed: set[str] = field(default_factory=set)  # names on lines that failed to parse
    groups: list[GroupSpec] = field(default_factory=list)  # outer frames first
    # answers computed from the finished graph (reachability); cleared on any edit
    memo: dict[object, object] = field(default_factory=dict, repr=False, compare=False)

    def boxes(self, ident: str) -> list[Node]:
        """Every box drawn for one module (shared weights give several)."""
        index: dict[str, list[Node]] | None = self.memo.get("boxes")  # type: ignore[assignment]
        if index is None:
            index = {}
            for n in self.nodes.values():
                if n.kind == "module":
                    index.setdefault(n.ident, []).append(n)
            self.memo["boxes"] = index
        return index.get(ident, [])

    @property
    def phases(self) -> list[str]:
        seen: list[str] = []
        for obj in self.objectives:
            if obj.phase and obj.phase not in seen:
                seen.append(obj.phase)
        return seen

    def predecessors(self, key: str) -> list[Edge]:
        return [e for e in self.edges if e.head == key]


class Builder:
    """Turns statements into a :class:`Diagram`, reporting kind conflicts."""

    def __init__(self) -> None:
        self.diagram = Diagram()
        self.diagnostics: list[Diagnostic] = []
        self.kind_of: dict[str, tuple[NodeKind, Pos]] = {}
        self.operand_count: dict[str, int] = {}
        self.edge_keys: set[tuple[str, str, str]] = set()  # O(1) duplicate test
        self.full = False  # a size limit was reached (reported once)
        self.frame_modules: set[str] = set()  # modules drawn with their inside (group [m])

    def error(self, pos: Pos, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(pos.line, pos.column, "error", code, message))

    def too_large(self, pos: Pos, message: str) -> None:
        """Stop growing the diagram: past the limits, building and layout cost too much."""
        if not self.full:
            self.full = True
            self.error(pos, "too-large", f"{message}: {SPLIT_HINT}")

    def room(self, pos: Pos) -> bool:
        """Whether one more element fits under MAX_NODES (reported once when not)."""
        if len(self.diagram.nodes) < MAX_NODES:
            return True
        self.too_large(pos, f"diagram has more than {MAX_NODES} elements; "
                            f"the limit is {MAX_NODES}")
        return False

    # -- nodes ------------------------------------------------------------------------
    def claim(self, name: str, kind: NodeKind, pos: Pos) -> bool:
        """Record that ``name`` is of ``kind``; report a clash with an earlier use."""
        family = "value" if kind == "given" else kind
        known = self.kind_of.get(name)
        if known is None:
            self.kind_of[name] = (kind, pos)
            return True
        known_kind, known_pos = known
        known_family = "value" if known_kind == "given" else known_kind
        if known_family == family:
            if kind == "given" and known_kind == "value":
                self.kind_of[name] = (kind, known_pos)
            return True
        named = literal(name)
        if {known_kind, kind} == {"module", "value"} and kind == "value":
            message = f"'{named}' is a module ({{0}}): write [{named}]"
            code = "module-as-value"
        elif kind in ("dataset", "prior") and known_kind in ("value", "given", "module"):
            message = (
                f"sampling from '{named}', which is {KIND_WORDS[known_kind]} "
                "({0}): '~' needs a data set or prior"
            )
            if known_kind == "module":  # a policy's or a generator's samples
                message += f"; to sample from its output write '[{named}] ~> y'"
            code = "sample-source"
        elif known_kind in ("dataset", "prior") and kind in ("value", "module"):
            message = (
                f"'{named}' is {KIND_WORDS[known_kind]} ({{0}}): "
                f"draw a sample from it with '~' instead of using it as {KIND_WORDS[kind]}"
            )
            code = "dataset-as-value"
        else:
            message = (
                f"'{named}' is used as {KIND_WORDS[kind]} here but as "
                f"{KIND_WORDS[known_kind]} on {{0}}"
            )
            code = "kind-conflict"
            message += ": rename one of them"
        self.diagnostics.append(Diagnostic.at(pos.line, pos.column, "error", code, message,
                                              ((known_pos.line, known_pos.column),)))
        return False

    def node_for(self, item: Item) -> str | None:
        """The node key of a written item, creating the node on first use."""
        d = self.diagram
        if item.kind == "operator":
            key = f"op:{item.ident}@{item.instance}"
            if key not in d.nodes:
                if not self.room(item.pos):
                    return None
                d.nodes[key] = Node(key, "operator", item.label, item.pos, item.ident,
                                    instance=item.instance, grad_of=item.grad_of)
            if item.nondiff:  # one '/' on any use marks the operator
                d.nodes[key].nondiff = True
            return key
        kind: NodeKind = "module" if item.kind == "module" else "value"
        if not self.claim(item.ident, kind, item.pos):
            return None
        if kind == "module":
            key = f"mod:{item.ident}@{item.instance}"
            node = d.nodes.get(key)
            if node is None:
                if not self.room(item.pos):
                    return None
                node = Node(key, "module", item.label, item.pos, item.ident,
                            instance=item.instance)
                d.nodes[key] = node
            if item.star:  # link_shared_boxes() passes it on to the module's other boxes
                node.trainable = True
            return key
        key = f"val:{item.ident}"
        node = d.nodes.get(key)
        if node is None:
            if not self.room(item.pos):
                return None
            node = Node(key, "value", item.label, item.pos, item.ident, quoted=item.quoted)
            d.nodes[key] = node
        if item.star:
            node.trainable = True
        return key

    def source_node(self, sample: Sample) -> str | None:
        src = sample.source
        if not self.claim(src.ident, src.kind, src.pos):
            return None
        key = f"src:{src.ident}"
        if key not in self.diagram.nodes:
            if not self.room(src.pos):
                return None
            self.diagram.nodes[key] = Node(key, src.kind, src.label, src.pos, src.ident)
        return key

    def add_edge(self, tail: str, head: str, kind: EdgeKind, pos: Pos,
                 label: str | None = None, side: str | None = None) -> None:
        if (tail, head, kind) in self.edge_keys:
            return
        if len(self.diagram.edges) >= MAX_EDGES:
            self.too_large(pos, f"diagram has more than {MAX_EDGES} connections; "
                                f"the limit is {MAX_EDGES}")
            return
        self.edge_keys.add((tail, head, kind))
        order = self.operand_count.get(head, 0)
        if kind != "straight":  # a backward link is no operand
            self.operand_count[head] = order + 1
        self.diagram.edges.append(Edge(tail, head, kind, pos, label, side, order))
        self.diagram.memo.clear()

    # -- statements -------------------------------------------------------------------
    def build(self, program: Program) -> Diagram:
        self.diagram.failed = program.failed
        later: list[Objective | Note | Link | Allow | StraightThrough] = []
        groups: list[Group] = []
        for stmt in program.statements:
            if isinstance(stmt, Sample):
                self.sample(stmt)
            elif isinstance(stmt, Chain):
                self.chain(stmt)
            elif isinstance(stmt, Given):
                for item in stmt.items:
                    if self.claim(item.ident, "given", item.pos):
                        key = self.node_for(item)
                        if key:
                            self.diagram.nodes[key].kind = "given"
            elif isinstance(stmt, Seq):
                self.seq(stmt)
            elif isinstance(stmt, Direction):
                self.diagram.direction = stmt.value
            elif isinstance(stmt, Show):
                self.diagram.show_problems = True
            elif isinstance(stmt, Group):
                groups.append(stmt)
            else:
                later.append(stmt)
        self.frame_modules = {g.module.ident for g in groups if g.module is not None}
        for stmt in later:  # objectives and notes may name elements defined below them
            if isinstance(stmt, Objective):
                self.objective(stmt)
            elif isinstance(stmt, Link):
                self.link(stmt)
            elif isinstance(stmt, Allow):
                self.allow(stmt)
            elif isinstance(stmt, StraightThrough):
                self.straight_through(stmt)
            else:
                self.note(stmt)
        self.gradient_operators()
        self.diagram.memo.clear()  # nodes were added: forget any early answers
        self.link_shared_boxes()
        if groups:  # frames may name elements defined below them
            from .groups import add_groups

            add_groups(self, groups)
        return self.diagram

    def sample(self, stmt: Sample) -> None:
        src = self.source_node(stmt)
        for item in stmt.targets:
            key = self.node_for(item)
            if src and key:
                self.add_edge(src, key, "sample", item.pos)

    def chain(self, stmt: Chain) -> None:
        keys = [[self.node_for(item) for item in group] for group in stmt.groups]
        for index, hop in enumerate(stmt.hops):
            last = index == len(stmt.hops) - 1
            if len(keys[index]) * len(keys[index + 1]) > MAX_EDGES - len(self.diagram.edges):
                # every left joins every right: refuse before looping over the product
                self.too_large(hop.pos, f"this line connects {len(keys[index])} x "
                                        f"{len(keys[index + 1])} elements; the limit is "
                                        f"{MAX_EDGES} connections")
                return
            for tail in keys[index]:
                for head in keys[index + 1]:
                    if tail is None or head is None:
                        continue
                    if tail == head:
                        label = self.diagram.nodes[tail].label
                        self.error(hop.pos, "cycle", f"'{label}' cannot feed itself: "
                                   "remove this arrow (a training graph has no cycles)")
                        continue
                    side = stmt.side if last else None
                    self.add_edge(tail, head, hop.kind, hop.pos, hop.label, side)  # type: ignore[arg-type]

    def seq(self, stmt: Seq) -> None:
        key = self.node_for(stmt.item)
        if key is None:
            return
        node = self.diagram.nodes[key]
        node.sequence = True
        node.blank = stmt.blank
        if stmt.parent is not None:
            parent = self.node_for(stmt.parent)
            if parent:
                self.diagram.nodes[parent].sequence = True
                self.add_edge(parent, key, "data", stmt.pos)

    def lookup(self, item: Item) -> str | None:
        """An existing element named by an objective or note; None (reported) if unknown."""
        d = self.diagram
        if item.kind == "operator":
            key = f"op:{item.ident}@{item.instance}"
        elif item.kind == "module":
            key = f"mod:{item.ident}@{item.instance}"
        else:
            key = f"val:{item.ident}"
            if key not in d.nodes and f"mod:{item.ident}@1" in d.nodes:
                key = f"mod:{item.ident}@1"
        if key not in d.nodes:
            if item.ident in d.failed or item.label in d.failed:
                return None  # its line failed to parse, and that error says why
            names = sorted({n.ident for n in d.nodes.values()
                            if n.kind in ("value", "given", "module", "operator")})
            hint = did_you_mean(item.ident, names, 0.6)
            self.error(item.pos, "unknown-name", f"'{item.label}' is not in the diagram"
                       f"{hint}: check the spelling, or draw it in a chain or sample")
            return None
        return key

    def objective(self, stmt: Objective) -> None:
        key = self.lookup(stmt.target)
        if key is None:
            return
        node = self.diagram.nodes[key]
        if node.kind not in ("value",):
            self.error(stmt.target.pos, "objective-kind",
                       f"the objective must be a value, but '{node.label}' is "
                       f"{KIND_WORDS[node.kind]}: optimise a value it produces, as in "
                       f"'[{node.label}] -> loss' and 'min loss'")
            return
        if node.objective and node.objective != stmt.direction and not stmt.phase:
            self.error(stmt.pos, "objective-direction",
                       f"'{node.label}' is both minimised and maximised: give each its "
                       f"phase, as in 'phase (a): min {node.label}'")
        if not stmt.phase or not node.objective:
            node.objective = stmt.direction
        wrt: list[str] = []
        for item in stmt.wrt:
            target = self.lookup(item)
            if target is None:
                continue
            tnode = self.diagram.nodes[target]
            if tnode.kind == "module":
                wrt.append(tnode.ident)
            elif tnode.kind in ("value", "given"):
                wrt.append(target)
            else:
                self.error(item.pos, "wrt-kind",
                           f"'wrt' names weights; '{tnode.label}' is {KIND_WORDS[tnode.kind]}")
        self.diagram.objectives.append(
            ObjectiveSpec(key, stmt.direction, wrt, stmt.pos, stmt.phase, stmt.estimator)
        )

    def allow(self, stmt: Allow) -> None:
        """Record which checks may not report, on which elements (names as the checks
        give them: a module's name, a value's key)."""
        subjects: frozenset[str] | None = None
        if stmt.items:
            keys = [self.lookup(item) for item in stmt.items]
            subjects = frozenset(self.diagram.nodes[k].ident
                                 if self.diagram.nodes[k].kind == "module" else k
                                 for k in keys if k is not None)
        for code, pos in stmt.codes:
            self.diagram.allowed.append((code, pos, subjects))

    def straight_through(self, stmt: StraightThrough) -> None:
        """A backward link: the gradient arriving at the source is copied to the target."""
        source, target = self.lookup(stmt.source), self.lookup(stmt.target)
        if source is None or target is None:
            return
        if source == target:
            self.error(stmt.target.pos, "straight-through",
                       f"'{stmt.target.label}' cannot pass its gradient to itself: name the "
                       "value the gradient is copied to, as in 'straight-through z_q to z_e'")
            return
        self.add_edge(source, target, "straight", stmt.pos, "straight-through")

    def gradient_operators(self) -> None:
        """Each (∇[d]) names a module d drawn in the diagram."""
        for node in list(self.diagram.nodes.values()):
            if node.grad_of is None or self.diagram.boxes(node.grad_of):
                continue
            known = self.kind_of.get(node.grad_of)
            if known is None:
                self.error(node.pos, "unknown-name",
                           f"'{node.grad_of}' is not in the diagram: '∇' takes the module "
                           f"whose gradient it is; draw it, as in 'x -> [{node.grad_of}*]'")
            else:
                self.diagnostics.append(Diagnostic.at(
                    node.pos.line, node.pos.column, "error", "kind-conflict",
                    f"'∇' takes a module, but '{literal(node.grad_of)}' is "
                    f"{KIND_WORDS[known[0]]} ({{0}}): write the gradient of a module, as in "
                    "(∇[d])", ((known[1].line, known[1].column),)))

    def note(self, stmt: Note) -> None:
        key = self.lookup(stmt.target)
        if key is not None:
            self.diagram.nodes[key].note = stmt.text

    def link(self, stmt: Link) -> None:
        """Give the element a target: every box of a module (they are one module), a data
        set by its name."""
        item = stmt.target
        d = self.diagram
        source = f"src:({item.ident})" if item.kind == "operator" else f"src:{item.ident}"
        if item.kind != "module" and source in d.nodes \
                and f"{item.kind[:2]}:{item.ident}" not in d.nodes:  # X or (X, Y)
            key: str | None = source
        elif item.kind == "module" and item.ident in self.frame_modules \
                and not d.boxes(item.ident):
            self.error(item.pos, "link", f"'{item.label}' is drawn as a frame around its "
                       "elements (group [...]), and a frame cannot carry a link: link one "
                       "of its elements instead")
            return
        else:
            key = self.lookup(item)
        if key is None:
            return
        node = d.nodes[key]
        nodes = d.boxes(node.ident) if node.kind == "module" else [node]
        target = Target(stmt.url, stmt.xref)
        if node.link is not None and node.link != target:
            self.error(item.pos, "link-twice", f"'{node.label}' already has a link: "
                       "give each element one")
            return
        for each in nodes:
            each.link = target
        if stmt.xref is not None:
            d.xrefs.setdefault(stmt.xref, stmt.pos)

    def link_shared_boxes(self) -> None:
        """Make boxes of one module agree on trainability (they share the weights)."""
        idents = {n.ident for n in self.diagram.nodes.values() if n.kind == "module"}
        for ident in idents:
            boxes = self.diagram.boxes(ident)
            if any(b.trainable for b in boxes):
                for b in boxes:
                    b.trainable = True


def build(program: Program) -> tuple[Diagram, list[Diagnostic]]:
    builder = Builder()
    diagram = builder.build(program)
    return diagram, builder.diagnostics

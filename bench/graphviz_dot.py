"""The same figures as Graphviz DOT, for the ``sphinx.ext.graphviz`` baseline only.

dagnote drew with Graphviz until it moved to ELK; this is its DOT generator of that time
(``dagnote/layout.py`` and the label helpers of ``dagnote/labels.py`` at c0118c8~1), kept
here so the benchmark's baseline stays what it was: every figure as dagnote's own DOT,
one system ``dot`` process per figure under ``sphinx.ext.graphviz``. Nothing in dagnote
imports it, and only its model and checks are used from dagnote.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from dagnote.language.checks import trainables
from dagnote.language.model import Diagram, Edge, Node, ObjectiveSpec

# -- label markup (was dagnote/labels.py) ------------------------------------------------

SCRIPT_SIZE_RATIO = 0.72
_SCRIPT = re.compile(r"([_^])(\{[^{}]*\}|[^\s{}_^])")
_DISTRIBUTIONS = {"N": "𝒩", "U": "𝒰", "Cat": "Cat", "Bern": "Bern"}


@functools.lru_cache(maxsize=8192)
def esc(text: str) -> str:
    """Escape text for an HTML-like label (also neutralises DOT's own metacharacters).

    Graphviz expands ``\\N``, ``\\G``, ``\\E``... (node, graph, edge names) even inside
    HTML-like labels and after entity decoding; a doubled backslash is drawn as one.
    """
    return html.escape(text, quote=True).replace("\\", "\\\\")


@functools.lru_cache(maxsize=8192)
def plain(label: str) -> str:
    """The label as readable plain text (titles, summaries): ``y_{0..n-1}`` -> ``y0..n-1``."""
    return _SCRIPT.sub(lambda m: m.group(2).strip("{}"), label)


@functools.lru_cache(maxsize=4096)
def markup(label: str, size: float, quoted: bool = False) -> str:
    """HTML-like label body for ``label`` at font ``size`` points."""
    if quoted:
        return esc(label)
    out: list[str] = []
    pos = 0
    small = f"{size * SCRIPT_SIZE_RATIO:.1f}"
    for m in _SCRIPT.finditer(label):
        out.append(esc(label[pos : m.start()]))
        body = m.group(2)
        if body.startswith("{"):
            body = body[1:-1]
        tag = "sub" if m.group(1) == "_" else "sup"
        out.append(f'<font point-size="{small}"><{tag}>{esc(body)}</{tag}></font>')
        pos = m.end()
    out.append(esc(label[pos:]))
    return "".join(out)


def prior_label(label: str) -> tuple[str, str]:
    """(name drawn in calligraphic form, argument text) for a prior like ``N(0, 1)``."""
    m = re.fullmatch(r"(\w+)(\(.*\))", label, flags=re.S)
    if not m:
        return label, ""
    name = _DISTRIBUTIONS.get(m.group(1), m.group(1))
    return name, m.group(2)


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float) -> float:
    """A rough width in points, used to size boxes so labels never overflow them."""
    width = 0.0
    for ch in plain(text):
        if ch in "il.,:;'|!ɪ":
            width += 0.28
        elif ch in "mwMW‖":
            width += 0.85
        elif ch.isupper():
            width += 0.68
        elif ord(ch) > 0x2000:
            width += 0.9
        else:
            width += 0.56
    return width * size


# -- DOT (was dagnote/layout.py) ---------------------------------------------------------

FONT = "Arial"
SERIF = "Times"
SEQ_FILL = "#b197d6"
VALUE_SCALE = 1.2  # values read as large as module labels in the reference figures
SAMPLE_MARK = {"TB": "≀", "BT": "≀", "LR": "~", "RL": "~"}
PORTS = {
    "TB": {"in": "n", "out": "s", "left": "w", "right": "e"},
    "BT": {"in": "s", "out": "n", "left": "w", "right": "e"},
    "LR": {"in": "w", "out": "e", "left": "n", "right": "s"},
    "RL": {"in": "e", "out": "w", "left": "n", "right": "s"},
}


@dataclass
class Layout:
    """DOT text plus what the SVG post-processing needs to know about each DOT node."""

    dot: str
    titles: dict[str, str] = field(default_factory=dict)  # dot id -> readable title


def _attrs(attrs: dict[str, str | float | None]) -> str:
    """DOT attribute list; values are generated (labels arrive already as <...>)."""
    return _attr_list(tuple(attrs.items()))


@functools.lru_cache(maxsize=4096)
def _attr_list(attrs: tuple[tuple[str, str | float | None], ...]) -> str:
    """Attribute lists repeat (edge classes, box shapes): format each one once."""
    parts = []
    for key, value in attrs:
        if value is None:
            continue
        text = value if isinstance(value, str) else str(value)
        if text[:1] == "<" and text[-1:] == ">":
            parts.append(f"{key}={text}")
        else:
            parts.append(f'{key}="{esc(text)}"')
    return "[" + " ".join(parts) + "]"


class Compiler:
    def __init__(self, diagram: Diagram, size: float, direction: str | None,
                 default_direction: str | None = None) -> None:
        self.d = diagram
        self.size = size
        self.rankdir = direction or diagram.direction or default_direction or "TB"
        self.ports = PORTS[self.rankdir]
        self.lines: list[str] = []
        self.emit: Callable[[str], None] = self.lines.append  # one DOT line
        self.titles: dict[str, str] = {}

    # -- helpers ------------------------------------------------------------------------
    def label(self, node: Node, size: float | None = None) -> str:
        return markup(node.label, size or self.size, node.quoted)

    def seq_strip(self, node: Node) -> str:
        """A lavender strip of cells; a slice shows a blank cell at its dropped end."""
        cell_w = max(int(self.size * 1.9), 22)
        height = int(self.size * 1.2)
        filled = f'<td bgcolor="{SEQ_FILL}" border="1" width="{cell_w * 5}" height="{height}"></td>'
        blank = f'<td border="1" width="{cell_w}" height="{height}"></td>'
        cells = filled
        if node.blank in ("start", "both"):
            cells = blank + cells
        if node.blank in ("end", "both"):
            cells = cells + blank
        if node.blank == "none":
            cells = (f'<td bgcolor="{SEQ_FILL}" border="1" width="{cell_w * 6}" '
                     f'height="{height}"></td>')
        return (
            '<table border="0" cellborder="0" cellspacing="0" cellpadding="0" '
            'color="black"><tr>' + cells + "</tr></table>"
        )

    def value_cell(self, node: Node, objective: str | None, trainable: bool) -> str:
        """The inner HTML of a value: text (bold if given), star, triangle, or strip."""
        text = self.label(node, self.size * VALUE_SCALE)
        if node.kind == "given" and not trainable:
            text = f"<b>{text}</b>"
        cells = [f"<td>{text}</td>"]
        if objective:
            mark = "▽" if objective == "min" else "△"
            cells.insert(0, f'<td><font point-size="{self.size * 1.9:.1f}">{mark}</font></td>')
        if trainable:
            cells.insert(0, f'<td><font point-size="{self.size * 2:.1f}"><b>*</b></font></td>')
        row = (
            '<table border="0" cellborder="0" cellspacing="4" cellpadding="0"><tr>'
            + "".join(cells) + "</tr></table>"
        ) if len(cells) > 1 else text
        if node.sequence:
            return (
                '<table border="0" cellborder="0" cellspacing="0" cellpadding="2">'
                f"<tr><td>{self.seq_strip(node)}</td></tr><tr><td>{row}</td></tr></table>"
            )
        return row

    def box(self, inner: str, width: float, height: float, rounded: bool = False) -> str:
        style = ' style="rounded"' if rounded else ""
        return (
            f'<table border="1" cellborder="0" cellspacing="0" cellpadding="4"{style} '
            f'bgcolor="white"><tr><td width="{width:.0f}" height="{height:.0f}">{inner}</td>'
            "</tr></table>"
        )

    # -- nodes --------------------------------------------------------------------------
    def source_node(self, nid: str, node: Node, merged: Node | None,
                    objective: str | None, train: bool) -> None:
        size = self.size
        if node.kind == "prior":
            name, args = prior_label(node.label)
            inner = f'<font face="{SERIF}">{esc(name)}{esc(args)}</font>'
            width = max(text_width(node.label, size) + 24, 80)
            table = self.box(inner, width, size * 2.4, rounded=True)
        else:
            inner = f"<b>{markup(node.label, size * 1.15, node.quoted)}</b>"
            width = max(text_width(node.label, size * 1.15) * 1.1 + 28, 80)
            table = self.box(inner, width, size * 2.4)
        mark = f'<font point-size="{size * 1.6:.1f}">{SAMPLE_MARK[self.rankdir]}</font>'
        rows = [f'<tr><td port="box">{table}</td></tr>', f"<tr><td>{mark}</td></tr>"]
        if merged is not None:
            rows.append(f"<tr><td>{self.value_cell(merged, objective, train)}</td></tr>")
        html = (
            '<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
            + "".join(rows)
            + "</table>"
        )
        title = plain(node.label) + (f" ~ {plain(merged.label)}" if merged else "")
        self.node(nid, f"dn-{node.kind}", title, node.note, shape="plain", label=f"<{html}>")

    def node(self, nid: str, css: str, title: str, note: str | None = None,
             **attrs: str | float | None) -> None:
        """One DOT node; a side note sits beside it as an xlabel (it does not move the
        layout)."""
        self.titles[nid] = title
        if note:
            attrs["xlabel"] = f"<{markup(note, self.size * 1.2)}>"
        attrs["class"] = css
        self.emit(f"  {nid} {_attrs(attrs)}")

    def module_node(self, nid: str, node: Node, trainable: bool) -> None:
        size = self.size
        width = max(text_width(node.label, size) + 28, size * 3.8)
        height = size * 4.4  # tall, like the reference figures' modules
        star_w = size * 1.3
        star = (
            f'<font point-size="{size * 2.2:.1f}"><b>*</b></font>' if trainable else ""
        )
        html = (
            '<table border="0" cellborder="0" cellspacing="0" cellpadding="0"><tr>'
            f'<td width="{star_w:.0f}" valign="top" align="right">{star}</td>'
            f'<td port="box" border="1" bgcolor="white" width="{width:.0f}" '
            f'height="{height:.0f}" cellpadding="4">{self.label(node)}</td>'
            f'<td width="{star_w:.0f}"></td></tr></table>'
        )
        css = "dn-module dn-trainable" if trainable else "dn-module dn-frozen"
        if node.instance > 1:
            css += " dn-shared"
        self.node(nid, css, plain(node.label) + (" (trained)" if trainable else " (frozen)"),
                  node.note,
                  shape="plain", label=f"<{html}>")

    def operator_node(self, nid: str, node: Node) -> None:
        size = self.size * 0.9
        text = plain(node.label)
        width_pt = text_width(node.label, size)
        common = {"label": f"<{markup(node.label, size, node.quoted)}>", "fontsize": f"{size:.1f}",
                  "style": "filled", "fillcolor": "white"}
        if len(text) <= 2:
            diameter = max(width_pt + 10, size * 1.9) / 72
            self.node(nid, "dn-operator", text, node.note, shape="circle", width=f"{diameter:.2f}",
                      fixedsize="true", **common)
        else:
            width = (width_pt + 26) / 72
            self.node(nid, "dn-operator", text, node.note, shape="ellipse", width=f"{width:.2f}",
                      height=f"{size * 2.1 / 72:.2f}", fixedsize="true", **common)
    # -- the graph ----------------------------------------------------------------------
    def compile(self) -> Layout:
        d = self.d
        self.emit("digraph dagnote {")
        self.emit(
            f'  graph [rankdir="{self.rankdir}" newrank="true" nodesep="0.45" ranksep="0.42" '
            f'bgcolor="transparent" fontname="{FONT}" fontsize="{self.size:.1f}" '
            'pad="0.08" splines="spline"]'
        )
        self.emit(f'  node [fontname="{FONT}" fontsize="{self.size:.1f}" color="black" '
                  'fontcolor="black" penwidth="1"]')
        self.emit(f'  edge [color="black" arrowsize="0.7" penwidth="1" fontname="{FONT}" '
                  f'fontsize="{self.size * 0.8:.1f}"]')
        phases = d.phases
        if phases:
            tops: list[str] = []
            for index, phase in enumerate(phases):
                objectives = [o for o in d.objectives if o.phase in (phase, None)]
                self.emit(f"  subgraph cluster_p{index} {{")
                self.emit(f'    graph [label=<{esc(phase)}> labelloc="b" peripheries="0" '
                          f'fontsize="{self.size * 1.15:.1f}" margin="16"]')
                tops += self.panel(f"p{index}", objectives)
                self.emit("  }")
            self.emit("  {rank=min; " + "; ".join(tops) + "}")
        else:
            tops = self.panel("", d.objectives)
            if tops:
                self.emit("  {rank=min; " + "; ".join(tops) + "}")
        self.emit("}")
        return Layout("\n".join(self.lines) + "\n", self.titles)

    def panel(self, prefix: str, objectives: list[ObjectiveSpec]) -> list[str]:
        """Emit one panel's nodes and edges; returns the DOT ids of its top row."""
        d = self.d
        ids = {key: f"{prefix}n{i}" for i, key in enumerate(d.nodes)}
        train = trainables(d, objectives) if d.phases else trainables(d, d.objectives)
        trained_keys = {n.key for nodes in train.values() for n in nodes}
        direction = {o.node: o.direction for o in objectives}
        samples: dict[str, list[str]] = {}
        for e in d.edges:
            if e.kind == "sample":
                samples.setdefault(e.tail, []).append(e.head)
        merged: dict[str, str] = {}
        for src, heads in samples.items():
            if len(heads) == 1 and len(d.predecessors(heads[0])) == 1:
                merged[heads[0]] = src
        tops: list[str] = []
        for key, node in d.nodes.items():
            nid = ids[key]
            if key in merged:
                continue
            if node.kind in ("dataset", "prior"):
                single = next((v for v, s in merged.items() if s == key), None)
                merged_node = d.nodes[single] if single else None
                self.source_node(nid, node, merged_node,
                                 direction.get(single) if single else None,
                                 bool(single and single in trained_keys))
                tops.append(nid)
            elif node.kind == "module":
                self.module_node(nid, node, key in trained_keys)
            elif node.kind == "operator":
                self.operator_node(nid, node)
            else:
                css = "dn-value"
                if node.kind == "given":
                    css = "dn-given"
                    tops.append(nid)
                if direction.get(key):
                    css += " dn-objective"
                if key in trained_keys:
                    css += " dn-trainable"
                if node.sequence:
                    css += " dn-sequence"
                html = self.value_cell(node, direction.get(key), key in trained_keys)
                self.node(nid, css, plain(node.label), node.note, shape="plain",
                          label='<<table border="0" cellborder="0" cellpadding="3">'
                                f"<tr><td>{html}</td></tr></table>>")
        for heads in samples.values():
            if len(heads) > 1:  # a fork: the samples of one draw sit side by side
                self.emit("  {rank=same; " + "; ".join(ids[h] for h in heads) + "}")
        for key, src in merged.items():
            ids[key] = ids[src]
        self.edges(ids, merged)
        self.shared_links(ids)
        return tops

    def edges(self, ids: dict[str, str], merged: dict[str, str]) -> None:
        d = self.d
        p = self.ports
        operands: dict[str, list[Edge]] = {}
        for e in d.edges:
            if d.nodes[e.head].kind == "operator" and e.kind in ("data", "stopgrad"):
                operands.setdefault(e.head, []).append(e)
        for e in d.edges:
            if e.kind == "sample" and e.head in merged:
                continue
            tail, head = ids[e.tail], ids[e.head]
            tnode, hnode = d.nodes[e.tail], d.nodes[e.head]
            attrs: dict[str, str | float | None] = {"class": f"dn-edge dn-{e.kind}"}
            if tnode.kind in ("module", "dataset", "prior"):
                tail += f":box:{p['out']}" if tnode.kind == "module" else f":{p['out']}"
            elif tnode.kind == "operator":
                tail += f":{p['out']}"
            if hnode.kind == "module" and e.kind != "copy":
                port = p[e.side] if e.side else p["in"]
                head += f":box:{port}"
            elif hnode.kind == "operator":
                ops = operands.get(e.head, [])
                index = next((i for i, o in enumerate(ops) if o is e), 0)
                if len(ops) == 2:
                    # a binary operator's operands enter its sides as plain lines
                    head += f":{p['left'] if index == 0 else p['right']}"
                    attrs["arrowhead"] = "none"
                elif len(ops) == 1:
                    head += f":{p['in']}"
                    attrs["arrowhead"] = "none"
                # three or more operands: arrows from above, spread by the layout
            elif e.side:
                head += f":{p[e.side]}"
            if e.kind == "stopgrad":
                attrs.update(dir="both", arrowtail="tee", label=e.label or "stop-grad",
                             fontsize=f"{self.size * 0.75:.1f}")
            elif e.kind == "copy":
                attrs.update(style="dashed", arrowhead="empty", constraint="false",
                             label=f" {e.label or 'copy'} ")
            elif e.label:
                attrs["label"] = f" {e.label} "
            if "label" in attrs and attrs["label"] is not None:
                attrs["label"] = f"<<i>{markup(str(attrs['label']), self.size * 0.8)}</i>>"
            self.emit(f"  {tail} -> {head} {_attrs(attrs)}")

    def shared_links(self, ids: dict[str, str]) -> None:
        """A dashed, arrowless line between boxes of one module: they share weights.

        Boxes that do not feed each other (a Siamese pair) are put side by side so the
        line is short and straight; boxes in sequence (an unrolled loop) keep their ranks.
        """
        d = self.d
        p = self.ports
        seen: set[str] = set()
        for node in d.nodes.values():
            if node.kind != "module" or node.ident in seen:
                continue
            seen.add(node.ident)
            boxes = d.boxes(node.ident)
            for a, b in zip(boxes, boxes[1:], strict=False):
                attrs: dict[str, str | float | None] = {
                    "class": "dn-edge dn-shared", "style": "dashed", "dir": "none",
                    "label": "<<i>shared</i>>", "fontsize": f"{self.size * 0.75:.1f}"}
                if self.connected(a.key, b.key):
                    attrs["constraint"] = "false"
                    self.emit(f"  {ids[a.key]}:box -> {ids[b.key]}:box {_attrs(attrs)}")
                else:
                    self.emit(f"  {{rank=same; {ids[a.key]}; {ids[b.key]}}}")
                    self.emit(f"  {ids[a.key]}:box:{p['right']} -> {ids[b.key]}:box:{p['left']} "
                              f"{_attrs(attrs)}")

    def connected(self, a: str, b: str) -> bool:
        """Whether data flows from one element to the other (either way)."""
        succ: dict[str, list[str]] = {}
        for e in self.d.edges:
            if e.kind != "copy":
                succ.setdefault(e.tail, []).append(e.head)

        def reaches(start: str, goal: str) -> bool:
            todo, seen = [start], {start}
            while todo:
                for nxt in succ.get(todo.pop(), []):
                    if nxt == goal:
                        return True
                    if nxt not in seen:
                        seen.add(nxt)
                        todo.append(nxt)
            return False

        return reaches(a, b) or reaches(b, a)


def to_dot(diagram: Diagram, size: float = 15.0, direction: str | None = None,
           default_direction: str | None = None) -> Layout:
    return Compiler(diagram, size, direction, default_direction).compile()

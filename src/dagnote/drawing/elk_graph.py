"""A scene to an ELK Layered graph (JSON-ready dicts): the only thing the layout sees.

Options that draw the notation (checked against ../shared/reference): orthogonal routing;
ports on fixed sides (inputs above, outputs below, operands on an operator's sides); data
sets, priors and givens in the first layer and objectives in the last; source order
decides left and right; marks outside a box (star, ▽/△, notes) are outside labels, so
the layout leaves room for them.
"""

from __future__ import annotations

from typing import Any

from .figure import Text
from .metrics import runs_width
from .scene import ELK_DIRECTION, Mark, Scene, SceneGroup, SceneNode
from .text import extent

Json = dict[str, Any]
PLACEMENT = {"left": "OUTSIDE V_CENTER H_LEFT", "right": "OUTSIDE V_CENTER H_RIGHT",
             "above": "OUTSIDE V_TOP H_CENTER", "below": "OUTSIDE V_BOTTOM H_CENTER"}
# the first layer's boxes line up at the top, the last layer's at the bottom
ALIGN = {"TB": {"FIRST": "TOP", "LAST": "BOTTOM"}, "BT": {"FIRST": "BOTTOM", "LAST": "TOP"},
         "LR": {"FIRST": "LEFT", "LAST": "RIGHT"}, "RL": {"FIRST": "RIGHT", "LAST": "LEFT"}}


# a frame's padding around what it holds, in font sizes
FRAME_PAD = 0.9
# panel options a frame does not take over: wrapping and aspect ratio shape the panel;
# ELK 0.12 fails on node model order inside a compound node (TypeError), so a frame
# orders by edges only
PANEL_ONLY = ("elk.layered.wrapping.strategy", "elk.aspectRatio",
              "elk.separateConnectedComponents", "elk.padding")
FRAME_OPTIONS = {"elk.layered.considerModelOrder.strategy": "EDGES"}
# the side of a frame that holds its label and ×N: where the flow leaves the frame
BAND_SIDE = {"TB": "bottom", "BT": "top", "LR": "bottom", "RL": "bottom"}


def _num(value: float) -> str:
    return f"{value:g}"


def graph_options(scene: Scene) -> dict[str, str]:
    s = scene.size
    options = {
        "elk.algorithm": "layered",
        "elk.direction": ELK_DIRECTION[scene.direction],
        "elk.edgeRouting": "ORTHOGONAL",
        "elk.layered.layering.strategy": "LONGEST_PATH_SOURCE",
        "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
        # balanced: a value forking to two samples or inputs sits centred over them, so
        # the fork reads as a brace (as in the reference figures)
        "elk.layered.nodePlacement.bk.fixedAlignment": "BALANCED",
        "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
        "elk.layered.crossingMinimization.forceNodeModelOrder": "false",
        # off: on every figure of the benchmark set and the seeds the same drawing, ~8 %
        # less ELK time (bench/RESULTS.md)
        "elk.layered.crossingMinimization.greedySwitch.type": "OFF",
        "elk.layered.thoroughness": "3",
        "elk.spacing.nodeNode": _num(1.6 * s),
        "elk.layered.spacing.nodeNodeBetweenLayers": _num(1.5 * s),
        "elk.layered.spacing.edgeNodeBetweenLayers": _num(0.9 * s),
        "elk.layered.spacing.edgeEdgeBetweenLayers": _num(0.6 * s),
        "elk.spacing.edgeEdge": _num(0.6 * s),
        "elk.spacing.edgeNode": _num(0.8 * s),
        "elk.spacing.labelNode": _num(0.3 * s),
        "elk.spacing.edgeLabel": _num(0.2 * s),
        "elk.padding": f"[top={_num(0.5 * s)},left={_num(0.5 * s)},"
                       f"bottom={_num(0.5 * s)},right={_num(0.5 * s)}]",
        "elk.layered.mergeEdges": "false",
        # one layering for the whole panel, so a data set whose sample is not used yet
        # still sits on the top row with the others
        "elk.separateConnectedComponents": "false",
    }
    if scene.direction in ("LR", "RL"):
        # a long chain across the page wraps into rows rather than becoming a strip;
        # figures up to 5:1 (the seeds in LR) stay in one row
        options["elk.layered.wrapping.strategy"] = "MULTI_EDGE"
        options["elk.aspectRatio"] = "5"
    return options


def _node_json(node: SceneNode, direction: str) -> Json:
    """One element: its box, its ports on fixed sides, its outside marks as labels."""
    labels = []
    for index, mark in enumerate(node.marks):
        labels.append(_mark_label(f"{node.id}.m{index}", mark))
    options = {"elk.portConstraints": "FIXED_SIDE"}
    if node.layer:
        options["elk.layered.layering.layerConstraint"] = node.layer
        options["elk.alignment"] = ALIGN[direction][node.layer]
    return {
        "id": node.id, "width": node.width, "height": node.height,
        "labels": labels,
        "ports": [{"id": pid, "width": 0, "height": 0,
                   "layoutOptions": {"elk.port.side": side}}
                  for pid, side in node.ports.items()],
        "layoutOptions": options,
    }


def _mark_label(label_id: str, mark: Mark) -> Json:
    """Room outside a box for a mark: an outside node label the layout keeps clear."""
    return {"id": label_id, "text": "mark", "width": mark.width, "height": mark.height,
            "layoutOptions": {"elk.nodeLabels.placement": PLACEMENT[mark.where]}}


def _group_json(group: SceneGroup, scene: Scene) -> Json:
    """A frame: a compound node laid out with the same options as the panel, padded so
    its outline clears what it holds, with a band for its label and ×N on the side where
    the flow leaves it (below in TB: a block narrows to its output there, so few edges
    cross the band). The band is at least twice as long as the label and ×N."""
    options = {k: v for k, v in graph_options(scene).items() if k not in PANEL_ONLY}
    options.update(FRAME_OPTIONS)
    s = scene.size
    pad = FRAME_PAD * s
    texts = [t for t in (group.label, group.repeat) if t is not None]
    band = max((_height(t) for t in texts), default=0.0)
    sides = {"top": pad, "left": pad, "bottom": pad, "right": pad}
    if band:
        sides[BAND_SIDE[scene.direction]] += band + pad * 0.5
        # twice what the texts take: they still fit beside an edge leaving at the middle
        length = 2 * (sum(t.width for t in texts) + s * (0.3 + len(texts))) + 2 * pad
        options["elk.nodeSize.constraints"] = "MINIMUM_SIZE"
        # only along the band: a frame is as deep as what it holds needs (a square
        # minimum stretched a one-module frame tall). ELK 0.12 reads a compound node's
        # minimum across the flow in DOWN and UP layouts (seen in the frames it returns)
        across = scene.direction in ("TB", "BT")
        options["elk.nodeSize.minimum"] = (f"(1, {_num(length)})" if across
                                           else f"({_num(length)}, 1)")
        options["elk.contentAlignment"] = "[H_CENTER, V_CENTER]"
    options["elk.padding"] = "[" + ",".join(f"{k}={_num(v)}" for k, v in sides.items()) + "]"
    return {"id": group.id, "children": [],
            "labels": [_mark_label(f"{group.id}.m{i}", m) for i, m in enumerate(group.marks)],
            "layoutOptions": options}


def _height(text: Text) -> float:
    _, above, below = extent(text.runs, text.size)
    return above + below


def _nest(scene: Scene, nodes: dict[str, Json]) -> list[Json]:
    """The panel's children with each element inside its frame's compound node; each
    frame stands where its first element stands in source order (model order decides
    left and right)."""
    root: list[Json] = []
    made: dict[str, Json] = {}
    home = {key: g.key for g in scene.groups.values() for key in g.nodes}

    def holder(group_key: str | None) -> list[Json]:
        if group_key is None:
            return root
        if group_key not in made:
            group = scene.groups[group_key]
            made[group_key] = _group_json(group, scene)
            holder(group.parent).append(made[group_key])
        return made[group_key]["children"]

    for key, node_json in nodes.items():
        holder(home.get(key)).append(node_json)
    return root


def to_elk(scene: Scene, graph_id: str = "root") -> Json:
    """The ELK JSON graph of one scene (ids are generated: no user text in them)."""
    nodes = {node.key: _node_json(node, scene.direction) for node in scene.nodes.values()}
    children = _nest(scene, nodes) if scene.groups else list(nodes.values())
    edges: list[Json] = []
    for edge in scene.edges:
        item: Json = {"id": edge.id, "sources": [edge.source], "targets": [edge.target]}
        if edge.label or edge.room:
            width = height = 0.0
            if edge.label:
                _, above, below = extent(edge.label, edge.label_size)
                width, height = runs_width(edge.label, edge.label_size) + 4, above + below
            if edge.room:  # a mark on the edge: the label's room holds it too
                width, height = max(width, edge.room[0]), max(height, edge.room[1])
            item["labels"] = [{"id": f"{edge.id}.l", "text": "label",
                               "width": width, "height": height,
                               "layoutOptions": {"elk.edgeLabels.placement": "CENTER"}}]
        if edge.straight:
            item["layoutOptions"] = {"elk.layered.priority.straightness": "10"}
        edges.append(item)
    options = graph_options(scene)
    if scene.groups:
        # frames are compound nodes laid out in one run with what they hold; every edge
        # is declared at the root and comes back in the root's coordinates
        options["elk.hierarchyHandling"] = "INCLUDE_CHILDREN"
        options["elk.json.edgeCoords"] = "ROOT"
    return {"id": graph_id, "layoutOptions": options, "children": children, "edges": edges}


def placed_nodes(result: Json) -> dict[str, tuple[float, float, Json]]:
    """Every node of a laid-out graph, nested ones too: id -> (x, y, node), x and y on
    the panel (ELK gives a child's position relative to its parent)."""
    out: dict[str, tuple[float, float, Json]] = {}
    stack = [(0.0, 0.0, child) for child in result.get("children", [])]
    while stack:
        dx, dy, node = stack.pop()
        x, y = dx + float(node.get("x", 0)), dy + float(node.get("y", 0))
        out[node["id"]] = (x, y, node)
        stack += [(x, y, child) for child in node.get("children", [])]
    return out


def _axis(graph: Json) -> str:
    """The coordinate along which an operator's operands are ordered, left to right."""
    direction = graph["layoutOptions"]["elk.direction"]
    return "x" if direction in ("DOWN", "UP") else "y"


def reorder_operands(graph: Json, result: Json) -> Json | None:
    """The graph again with each operator's operands on the sides their sources ended up
    on (leftmost source to the left side, rightmost to the right), or None when the first
    layout already has them so. Source order only guesses where ELK puts the sources."""
    axis = _axis(graph)
    extent_of = "width" if axis == "x" else "height"
    centre = {nid: (x if axis == "x" else y) + float(c[extent_of]) / 2
              for nid, (x, y, c) in placed_nodes(result).items()}
    into: dict[str, list[Json]] = {}
    for edge in graph["edges"]:
        target = edge["targets"][0]
        node, _, port = target.rpartition(".")
        if port.startswith("operand"):
            into.setdefault(node, []).append(edge)
    changed = False
    new_targets: dict[str, str] = {}
    for edges in into.values():
        if len(edges) < 2:
            continue
        ordered = sorted(edges, key=lambda e: centre.get(e["sources"][0].rpartition(".")[0],
                                                         0.0))
        ports = sorted((e["targets"][0] for e in edges), key=_port_rank)
        for edge, port in zip(ordered, ports, strict=True):
            if edge["targets"][0] != port:
                changed = True
            new_targets[edge["id"]] = port
    if not changed:
        return None
    edges = [dict(e, targets=[new_targets.get(e["id"], e["targets"][0])])
             for e in graph["edges"]]
    return dict(graph, edges=edges)


def _port_rank(port: str) -> tuple[int, int]:
    """Left side first, then the ports along the top in order, then the right side."""
    name = port.rpartition(".")[2].removeprefix("operand")
    if name == "-left":
        return (0, 0)
    if name == "-right":
        return (2, 0)
    return (1, int(name) if name.isdigit() else 0)


def crossings(result: Json) -> int:
    """How many times the laid-out edges cross each other (segments of one edge aside)."""
    segments: list[tuple[int, float, float, float, float]] = []
    for index, edge in enumerate(result.get("edges", [])):
        for section in edge.get("sections", []):
            pts = [section["startPoint"], *section.get("bendPoints", []), section["endPoint"]]
            for a, b in zip(pts, pts[1:], strict=False):
                segments.append((index, float(a["x"]), float(a["y"]), float(b["x"]),
                                 float(b["y"])))
    count = 0
    for i, (e1, ax, ay, bx, by) in enumerate(segments):
        for e2, cx, cy, dx, dy in segments[i + 1:]:
            if e1 == e2:
                continue
            if ax == bx and cy == dy:  # vertical against horizontal
                count += min(cx, dx) < ax < max(cx, dx) and min(ay, by) < cy < max(ay, by)
            elif ay == by and cx == dx:
                count += min(ax, bx) < cx < max(ax, bx) and min(cy, dy) < ay < max(cy, dy)
    return count


def layout_cost(graph: Json) -> int:
    """How many layers the graph's edges cross in all, under a longest-path layering.

    ELK Layered puts a dummy node on every layer an edge crosses; its time grows with
    them (a complete DAG of 40 values crosses ~2,700 and takes seconds, a chain of 500
    elements ~500 and takes a fraction of one), so this bounds the work before it starts.
    """
    node_of = {e["id"]: e["sources"][0].split(".")[0] for e in graph["edges"]}
    head_of = {e["id"]: e["targets"][0].split(".")[0] for e in graph["edges"]}
    preds: dict[str, list[str]] = {nid: [] for nid in placed_nodes(graph)}
    for eid, tail in node_of.items():
        preds.setdefault(head_of[eid], []).append(tail)
    layer: dict[str, int] = {}
    for start in preds:
        stack = [start]
        while stack:  # iterative depth-first: long chains do not recurse
            node = stack[-1]
            waiting = [p for p in preds.get(node, []) if p not in layer]
            if waiting:
                stack.extend(waiting)
                continue
            stack.pop()
            layer[node] = max((layer[p] + 1 for p in preds.get(node, [])), default=0)
    return sum(max(1, layer[head_of[e]] - layer[node_of[e]]) for e in node_of)

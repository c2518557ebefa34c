"""Checks only this notation can make, and the three-element summary.

Reachability follows data and sample edges; a stop-gradient edge carries data forward but
no gradient back, and a weight-copy edge carries neither. A sample drawn from a module's
output (``~>``) carries a gradient only to a score-function objective (``by score``), a
reparameterised one (``~r>``) to every objective; a non-differentiable operator
(``(argmax/)``) passes none to its operands; a straight-through link carries the gradient
back from its source to its target; a gradient operator (``(∇[d])``) reaches d's weights.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .diagnostics import Diagnostic, literal
from .model import Diagram, Edge, Node, ObjectiveSpec
from .summary import ObjectiveSummary, Summary
from .syntax import Pos

FLOW_KINDS = ("data", "stopgrad", "sample", "draw", "reparam")
GRADIENT_KINDS = ("data", "sample", "reparam")
# what a reachability question may treat as open: "draw" (samples drawn with '~>', open
# for a score-function objective) and "nondiff" (non-differentiable operators)
Opened = frozenset[str]
CLOSED: Opened = frozenset()
SCORE: Opened = frozenset({"draw"})


# a sub/superscript of one character that runs on into letters: Q_target, x_ij, x_10
_UNBRACED = re.compile(r"([_^])([^\s{}_^])([^\W_]+)")
# a script inside a braced script (softmax_{τ_s}): scripts do not nest, it is drawn as text
_NESTED = re.compile(r"[_^]\{([^{}]*[_^][^{}]*)\}")


def _warn(pos: Pos, code: str, message: str, subject: str = "") -> Diagnostic:
    return Diagnostic(pos.line, pos.column, "warning", code, message, subject=subject)


def find_cycle(diagram: Diagram) -> list[str] | None:
    """A list of node keys forming a cycle through data flow, or None."""
    succ: dict[str, list[str]] = {k: [] for k in diagram.nodes}
    for e in diagram.edges:
        if e.kind in FLOW_KINDS:
            succ[e.tail].append(e.head)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(start: str) -> list[str] | None:
        # iterative DFS to stay safe on long chains
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            key, idx = work.pop()
            if idx == 0:
                state[key] = 1
                stack.append(key)
            if idx < len(succ[key]):
                work.append((key, idx + 1))
                nxt = succ[key][idx]
                if state.get(nxt) == 1:
                    return stack[stack.index(nxt):] + [nxt]
                if nxt not in state:
                    work.append((nxt, 0))
            else:
                state[key] = 2
                stack.pop()
        return None

    for key in diagram.nodes:
        if key not in state:
            found = visit(key)
            if found:
                return found
    return None


def _gradient_links(diagram: Diagram, opened: Opened) -> Iterable[tuple[str, str]]:
    """(from, to) pairs along which a gradient flows back, from the objective's side."""
    nodes = diagram.nodes
    for e in diagram.edges:
        if e.kind == "straight":  # the gradient at the tail is copied to the head
            yield e.tail, e.head
        elif e.kind in GRADIENT_KINDS or e.kind in opened:
            if nodes[e.head].nondiff and "nondiff" not in opened:
                continue
            yield e.head, e.tail
    for node in nodes.values():
        if node.grad_of is not None:  # ∇d depends on d's weights
            for box in diagram.boxes(node.grad_of):
                yield node.key, box.key


def _reach(diagram: Diagram, start: Iterable[str], forward: bool,
           kinds: tuple[str, ...] | None = None, opened: Opened = CLOSED) -> set[str]:
    """Nodes reached from ``start`` along gradient-carrying edges (either direction;
    ``opened`` names blockers taken as open, see :data:`SCORE`), or along the edges of
    ``kinds``.

    Memoised on the diagram: checks, summary and layout ask the same questions.
    """
    start = tuple(start)
    key = ("reach", start, forward, kinds, opened)
    if key in diagram.memo:
        return diagram.memo[key]  # type: ignore[return-value]
    adjacency = ("adjacency", forward, kinds, opened)
    nxt: dict[str, list[str]] | None = diagram.memo.get(adjacency)  # type: ignore[assignment]
    if nxt is None:
        nxt = {k: [] for k in diagram.nodes}
        links = (((e.head, e.tail) for e in diagram.edges if e.kind in kinds)
                 if kinds is not None else _gradient_links(diagram, opened))
        for a, b in links:  # the gradient goes from a back to b
            if forward:
                a, b = b, a
            nxt[a].append(b)
        diagram.memo[adjacency] = nxt
    seen: set[str] = set()
    todo = list(start)
    while todo:
        current = todo.pop()
        for other in nxt[current]:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    diagram.memo[key] = seen
    return seen


def trainables(diagram: Diagram, objectives: list[ObjectiveSpec]) -> dict[str, list[Node]]:
    """Trainable elements by name: modules (all their boxes) and trainable data."""
    found: dict[str, list[Node]] = {}
    named = {w for obj in objectives for w in obj.wrt}
    for node in diagram.nodes.values():
        if node.kind == "module" and (node.trainable or node.ident in named):
            found.setdefault(node.ident, []).append(node)
        elif node.kind in ("value", "given") and (node.trainable or node.key in named):
            found.setdefault(node.key, []).append(node)
    return found


def display(diagram: Diagram, name: str) -> str:
    node = diagram.nodes.get(name)
    if node is not None:
        return node.label
    boxes = diagram.boxes(name)
    return boxes[0].label if boxes else name


def _score_samples(diagram: Diagram, obj: ObjectiveSpec) -> list[Edge]:
    """The '~>' samples whose log-probability a score-function objective differentiates:
    each one whose value flows into the objective by any path. The estimator takes the
    objective's value as a constant, so a stop-gradient or a non-differentiable step on
    the way does not matter (REINFORCE's detached advantage)."""
    flow = _reach(diagram, [obj.node], False, kinds=FLOW_KINDS) | {obj.node}
    return [e for e in diagram.edges if e.kind == "draw" and e.head in flow]


def objective_reach(diagram: Diagram, obj: ObjectiveSpec) -> set[str]:
    """What this objective's gradient reaches: back along differentiable paths and, for a
    score-function objective, also through each sampling module's log-probability."""
    reached = _reach(diagram, [obj.node], forward=False, opened=_opened(obj))
    if obj.estimator == "score":
        tails = [e.tail for e in _score_samples(diagram, obj)]
        reached = reached | set(tails) | _reach(diagram, tails, False, opened=SCORE)
    return reached


def updates(diagram: Diagram, obj: ObjectiveSpec, train: dict[str, list[Node]]) -> list[str]:
    """Names of trainable elements this objective's gradient reaches."""
    upstream = objective_reach(diagram, obj)
    names = [name for name, nodes in train.items() if any(n.key in upstream for n in nodes)]
    if obj.wrt:
        names = [n for n in names if n in obj.wrt]
    return names


def cutting_stopgrads(diagram: Diagram, nodes: list[Node]) -> list[tuple[Edge, str]]:
    """The stop-gradient edges (each with an objective beyond it) that data from ``nodes``
    crosses on its way to an objective, in source order: why they are untrained, when
    that is why."""
    keys = [n.key for n in nodes]
    before = set(keys) | _reach(diagram, keys, forward=True)
    objectives = {o.node for o in diagram.objectives}
    cuts = []
    for e in diagram.edges:
        if e.kind == "stopgrad" and e.tail in before:
            beyond = ({e.head} | _reach(diagram, [e.head], True, FLOW_KINDS)) & objectives
            if beyond:
                cuts.append((e.pos, e, diagram.nodes[min(beyond)].label))
    return [(edge, objective) for _, edge, objective in sorted(cuts)]


def unbraced_scripts(diagram: Diagram) -> list[Diagnostic]:
    """``Q_target`` draws Q with the subscript t, then 'arget': say how to write it."""
    out = []
    for node in diagram.nodes.values():
        if node.quoted or node.kind == "prior":
            continue
        nested = _NESTED.search(node.label)
        if nested is not None:
            out.append(_warn(node.pos, "script-braces",
                             f"'{node.label}' has a script inside the script "
                             f"'{nested.group(1)}': scripts do not nest, so its "
                             f"'{'_' if '_' in nested.group(1) else '^'}' is drawn as "
                             "written: write the inner script as plain letters, or quote "
                             "the name to draw it as written",
                             node.ident if node.kind == "module" else node.key))
            continue
        found = _UNBRACED.search(node.label)
        if found is None:
            continue
        mark, first, rest = found.groups()
        script = "subscript" if mark == "_" else "superscript"
        fixed = node.label[:found.start()] + f"{mark}{{{first}{rest}}}" + \
            node.label[found.end():]
        out.append(_warn(node.pos, "script-braces",
                         f"'{node.label}' draws only '{first}' as a {script} and '{rest}' "
                         f"after it: write '{fixed}' to make all of '{first}{rest}' the "
                         f"{script}, or quote the name to draw it as written",
                         node.ident if node.kind == "module" else node.key))
    return out


def _written(node: Node) -> str:
    """A node as a statement names it: a module in brackets."""
    label = literal(node.label)
    return f"[{label}]" if node.kind == "module" else label


def _opened(obj: ObjectiveSpec) -> Opened:
    return SCORE if obj.estimator == "score" else CLOSED


def blocked_path(diagram: Diagram, nodes: list[Node],
                 objectives: list[ObjectiveSpec]) -> tuple[str, str] | None:
    """(why, fix) when an objective would reach these trainable nodes but for a sample
    drawn with '~>' or a non-differentiable operator on the way; else None. Labels are
    escaped: the two parts go into a message template."""
    keys = {n.key for n in nodes}
    for obj in objectives:
        if obj.wrt and nodes[0].ident not in obj.wrt and nodes[0].key not in obj.wrt:
            continue
        label = literal(diagram.nodes[obj.node].label)
        reached = objective_reach(diagram, obj) | {obj.node}
        for blocker in ("draw", "nondiff"):
            opened = _opened(obj) | {blocker}
            if opened == _opened(obj) or not keys & _reach(diagram, [obj.node], False,
                                                               opened=opened):
                continue
            if blocker == "draw":
                edge = next(e for e in diagram.edges if e.kind == "draw" and e.head in reached
                            and keys & (_reach(diagram, [e.tail], False, opened=opened) | {e.tail}))
                sample = (f"'{literal(diagram.nodes[edge.tail].label)} ~> "
                          f"{literal(diagram.nodes[edge.head].label)}'")
                return (f"its only path to '{label}' runs through the sample {sample}, which "
                        "passes no pathwise gradient",
                        "write '~r>' if the sample is reparameterised, or optimise it with a "
                        f"score-function estimator: '{obj.direction} {label} by score'")
            op = next(n for n in diagram.nodes.values() if n.nondiff and n.key in reached
                      and keys & _reach(diagram, [n.key], False, opened=opened))
            preds = diagram.predecessors(op.key)
            # the operand the untrained weights feed: the one the gradient must reach
            feeding = [e for e in preds
                       if keys & (_reach(diagram, [e.tail], False, opened=opened) | {e.tail})]
            ins = [_written(diagram.nodes[e.tail]) for e in feeding or preds]
            outs = [literal(diagram.nodes[e.head].label) for e in diagram.edges
                    if e.tail == op.key and e.kind in FLOW_KINDS]
            return (f"its only path to '{label}' runs through the non-differentiable "
                    f"operator '({literal(op.label)}/)'",
                    "copy the gradient around it with a straight-through estimator, as in "
                    f"'straight-through {outs[0] if outs else 'OUT'} to "
                    f"{ins[0] if ins else 'IN'}', or drop its '/'")
    return None


def _blocked_only(diagram: Diagram, obj: ObjectiveSpec,
                  train: dict[str, list[Node]]) -> bool:
    """Whether trainable weights lie upstream of the objective behind a '~>' sample or a
    non-differentiable operator (and so its gradient reaches none)."""
    upstream = _reach(diagram, [obj.node], False, opened=SCORE | {"nondiff"})
    return any(n.key in upstream for nodes in train.values() for n in nodes)


def score_without_sample(diagram: Diagram) -> list[Diagnostic]:
    """A 'by score' objective with no '~>' sample on its way back: the estimator has
    nothing to differentiate the log-probability of."""
    out = []
    for obj in diagram.objectives:
        if obj.estimator != "score":
            continue
        if _score_samples(diagram, obj):
            continue
        label = diagram.nodes[obj.node].label
        out.append(_warn(obj.pos, "score-without-sample",
                         f"objective '{label}' is optimised 'by score', but no sample drawn "
                         f"with '~>' lies upstream of it: draw one, as in 's -> [π*] ~> a', "
                         "or drop 'by score'", obj.node))
    return out


def check(diagram: Diagram) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    cycle = find_cycle(diagram)
    if cycle:
        labels = " -> ".join(diagram.nodes[k].label for k in cycle)
        edge = next(e for e in diagram.edges if e.tail == cycle[-2] and e.head == cycle[-1])
        out.append(Diagnostic(edge.pos.line, edge.pos.column, "error", "cycle",
                              f"cycle in the graph: {labels}; data flows one way, so remove "
                              "or reverse one of these arrows (a weight update between "
                              "modules is written '..>', a gradient copied back past an "
                              "operator 'straight-through z_q to z_e')"))

    train = trainables(diagram, diagram.objectives)
    objective_keys = [o.node for o in diagram.objectives]
    reached_by: dict[str, list[ObjectiveSpec]] = {}
    for obj in diagram.objectives:
        for name in updates(diagram, obj, train):
            reached_by.setdefault(name, []).append(obj)

    for name, nodes in train.items():
        # a diagram without objectives is the inside of a module (figure 9): no warning
        if name in reached_by or not objective_keys:
            continue
        first = min(nodes, key=lambda n: (n.pos.line, n.pos.column))
        what = "module" if first.kind == "module" else "datum"
        why = "no objective depends on it through a gradient-carrying path"
        fix = "connect it to an objective, or drop its '*' if it is frozen"
        related: tuple[tuple[int, int], ...] = ()
        cuts = cutting_stopgrads(diagram, nodes)[:3]
        blocked = blocked_path(diagram, nodes, diagram.objectives)
        if cuts:
            objective = literal(cuts[0][1])
            related = tuple((edge.pos.line, edge.pos.column) for edge, _ in cuts)
            if len(cuts) == 1:
                why = f"the stop-gradient '-/->' at {{0:col}} cuts its path to '{objective}'"
                fix = ("make that arrow '->' if it should train it, or drop its '*' if it "
                       "is frozen")
            else:
                at = " and ".join(f"{{{i}:col}}" for i in range(len(cuts)))
                why = f"the stop-gradients '-/->' at {at} cut its paths to '{objective}'"
                fix = ("make one of them '->' if it should train it, or drop its '*' if it "
                       "is frozen")
        if blocked:  # a '~>' sample or a non-differentiable operator: the fix is there
            why, fix = (blocked[0] + (f", and {why}" if cuts else ""), blocked[1])
        out.append(Diagnostic.at(first.pos.line, first.pos.column, "warning", "untrained",
                                 f"trainable {what} '{literal(display(diagram, name))}' is "
                                 f"never updated: {why}; {fix}", related, name))

    for obj in diagram.objectives:
        names = updates(diagram, obj, train)
        label = diagram.nodes[obj.node].label
        if not names:
            if obj.wrt:
                names_wrt = ", ".join(display(diagram, w) for w in obj.wrt)
                why = (f"'{label}' does not depend on {names_wrt} through a gradient "
                       "path; connect them to it, or name other weights after 'wrt'")
            elif _blocked_only(diagram, obj, train):
                why = ("its gradient stops at a sample drawn with '~>' or at a "
                       "non-differentiable operator before reaching any trainable weights "
                       "(the 'untrained' warning names it)")
            else:
                why = (f"nothing trainable lies upstream of '{label}'; mark the weights it "
                       "should train with '*', as in [f*]")
            out.append(_warn(obj.pos, "objective-trains-nothing",
                             f"objective '{label}' trains nothing: {why}", obj.node))
        for w in obj.wrt:
            if w not in names and names:
                out.append(_warn(obj.pos, "wrt-unreached",
                                 f"'{label}' does not depend on '{display(diagram, w)}': "
                                 "remove it from 'wrt' or connect it upstream", obj.node))

    out += score_without_sample(diagram)
    for key, node in diagram.nodes.items():
        if node.kind == "operator" and not diagram.predecessors(key):
            out.append(_warn(node.pos, "operator-without-input",
                             f"operator '{node.label}' has no inputs: feed it "
                             f"operands, as in 'a, b -> ({node.label})'", key))
    return out + unbraced_scripts(diagram)


def summarize(diagram: Diagram) -> Summary:
    data = [n.label for n in diagram.nodes.values() if n.kind in ("dataset", "prior", "given")]
    train = trainables(diagram, diagram.objectives)
    trained = [display(diagram, name) for name in train]
    frozen: list[str] = []
    for node in diagram.nodes.values():
        if node.kind == "module" and node.ident not in train and node.label not in frozen:
            frozen.append(node.label)
    objectives = [
        ObjectiveSummary(
            diagram.nodes[o.node].label,
            o.direction,
            tuple(display(diagram, n) for n in updates(diagram, o, train)),
            o.phase,
            o.estimator,
        )
        for o in diagram.objectives
    ]
    return Summary(tuple(data), tuple(trained), tuple(frozen), tuple(objectives))

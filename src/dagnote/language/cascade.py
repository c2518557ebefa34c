"""No echoes of a line that failed to parse.

A line that fails is left out of the diagram, so what it would have connected looks
unconnected: "'loss' is not in the diagram", "objective 'loss' trains nothing", "'f' is
never updated". The parse error already says what is wrong; these warnings would send the
reader to the wrong line. Objectives and notes naming an element the failed line
mentions are skipped where they are looked up (the builder); here the checks that follow
paths through the graph stay quiet for every element joined, by any edge, to one the
failed line mentions.
"""

from __future__ import annotations

from .diagnostics import Diagnostic
from .model import Diagram

#: the checks whose answer depends on how elements are connected
PATH_CHECKS = frozenset({"untrained", "objective-trains-nothing", "wrt-unreached",
                         "operator-without-input"})


def without_cascades(diagram: Diagram, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` without the path checks about elements a failed line touched."""
    if not diagram.failed:
        return diagnostics
    touched = _touched(diagram)
    return [d for d in diagnostics
            if d.code not in PATH_CHECKS or not _keys_of(diagram, d.subject) & touched]


def _keys_of(diagram: Diagram, subject: str) -> set[str]:
    """The node keys a check's subject names (a node key, or a module's name)."""
    if subject in diagram.nodes:
        return {subject}
    return {n.key for n in diagram.boxes(subject)}


def _touched(diagram: Diagram) -> set[str]:
    """Every node in a connected part of the graph that holds a name a failed line
    mentions (union-find over the edges, of any kind)."""
    parent = {key: key for key in diagram.nodes}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for e in diagram.edges:
        parent[root(e.tail)] = root(e.head)
    for obj in diagram.objectives:  # 'wrt' joins an objective to its weights
        for name in obj.wrt:
            for key in _keys_of(diagram, name):
                parent[root(key)] = root(obj.node)
    failed = diagram.failed
    roots = {root(n.key) for n in diagram.nodes.values()
             if n.ident in failed or n.label in failed}
    return {key for key in diagram.nodes if root(key) in roots}

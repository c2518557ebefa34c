"""Frames around elements (``group``): what each frame holds and how frames nest.

The layout draws each frame as a node that holds its members (ELK's hierarchy), so
frames must nest like boxes in boxes: an element in two frames needs one of them inside
the other. Checked here, each at the line and column that causes it: an element the
diagram does not draw, two frames that cross, a frame module that is also drawn as a box.
"""

from __future__ import annotations

from .model import Builder, GroupSpec
from .syntax import Group, Item

#: frames per diagram: each is a level of ELK's hierarchy; a page never needs more
MAX_GROUPS = 50


def add_groups(builder: Builder, statements: list[Group]) -> None:
    """Resolve every ``group`` statement into the diagram's frames, outer frames first."""
    specs: list[GroupSpec] = []
    for stmt in statements:
        if len(specs) >= MAX_GROUPS:
            builder.too_large(stmt.pos, f"diagram has more than {MAX_GROUPS} groups; "
                                        f"the limit is {MAX_GROUPS}")
            break
        members = _members(builder, stmt)
        if not members:
            continue
        spec = GroupSpec(f"grp:{len(specs) + 1}",
                         [*members, *_enclosed(builder, set(members))], stmt.pos,
                         stmt.label, stmt.quoted, stmt.repeat)
        if stmt.module is not None and not _frame_module(builder, stmt.module, spec, specs):
            continue
        if _crosses(builder, spec, members, specs):
            continue
        specs.append(spec)
    for spec in specs:
        spec.parent = _parent(spec, specs)
    depth = {s.key: _depth(s, {t.key: t for t in specs}) for s in specs}
    builder.diagram.groups = sorted(specs, key=lambda s: depth[s.key])


def _lookup(builder: Builder, item: Item) -> str | None:
    """The element a group names (a data set or prior by its name too); reported if
    the diagram does not draw it."""
    if item.kind == "value":
        nodes = builder.diagram.nodes
        if f"val:{item.ident}" not in nodes and f"src:{item.ident}" in nodes:
            return f"src:{item.ident}"
    return builder.lookup(item)


def _members(builder: Builder, stmt: Group) -> dict[str, Item]:
    """Node key -> the item naming it, in written order, each element once."""
    members: dict[str, Item] = {}
    for item in stmt.members:
        key = _lookup(builder, item)
        if key is not None:
            members.setdefault(key, item)
    return members


#: links drawn beside the flow (weight copies, shared weights, straight-through): they
#: do not make a value part of the block it sits in
_SIDE_LINKS = frozenset({"copy", "shared", "straight"})


def _enclosed(builder: Builder, inside: set[str]) -> list[str]:
    """Values that only connect members (``MHA -> a -> (+)`` with both named): they are
    inside the block, so the frame holds them too; left outside, the layout would have
    to lead their edges out of the frame and back in."""
    diagram = builder.diagram
    found: list[str] = []
    for key, node in diagram.nodes.items():
        if key in inside or node.kind != "value" or node.objective is not None:
            continue
        flow = [e for e in diagram.edges if key in (e.tail, e.head)
                and e.kind not in _SIDE_LINKS]
        ends = {e.head if e.tail == key else e.tail for e in flow}
        if (any(e.head == key for e in flow) and any(e.tail == key for e in flow)
                and ends <= inside):
            found.append(key)
    return found


def _frame_module(builder: Builder, item: Item, spec: GroupSpec,
                  specs: list[GroupSpec]) -> bool:
    """Make ``spec`` the frame of module ``item``; False (reported) when it cannot be."""
    boxes = builder.diagram.boxes(item.ident)
    if boxes:
        builder.error(item.pos, "group-module",
                      f"'{item.label}' is drawn as a box on line {boxes[0].pos.line}; a "
                      "module drawn with its inside is the frame around its elements, not "
                      f"a box as well: remove [{item.label}] from the chains or give the "
                      "frame another name")
        return False
    if not builder.claim(item.ident, "module", item.pos):
        return False
    earlier = next((s for s in specs if s.module == item.ident), None)
    if earlier is not None:
        builder.error(item.pos, "group-module",
                      f"module '{item.label}' already frames the group on line "
                      f"{earlier.pos.line}: a module is drawn with its inside once")
        return False
    spec.module, spec.label, spec.trainable = item.ident, item.label, item.star
    return True


def _crosses(builder: Builder, spec: GroupSpec, members: dict[str, Item],
             specs: list[GroupSpec]) -> bool:
    """Whether ``spec`` shares an element with an earlier frame without one holding the
    other (reported at that element)."""
    mine = set(spec.members)
    for other in specs:
        theirs = set(other.members)
        shared = mine & theirs
        if shared and not (mine <= theirs or theirs <= mine):
            key = next(k for k in spec.members if k in shared)  # named ones come first
            item = members.get(key)  # None: a value the frame holds without naming it
            label = builder.diagram.nodes[key].label
            builder.error(item.pos if item else spec.pos, "group-overlap",
                          f"'{label}' is also in the group on line {other.pos.line}, and "
                          "neither group holds all of the other's elements: frames must "
                          "nest, so put one group's elements all in the other or name "
                          f"'{label}' in one group only")
            return True
    return False


def _parent(spec: GroupSpec, specs: list[GroupSpec]) -> str | None:
    """The smallest frame that holds ``spec``; of frames around the same elements, the
    one written just before it (the first written is the outermost)."""
    mine = set(spec.members)
    order = {s.key: i for i, s in enumerate(specs)}
    holders = [s for s in specs if s is not spec and mine <= set(s.members)
               and (len(s.members) > len(mine) or order[s.key] < order[spec.key])]
    if not holders:
        return None
    return min(holders, key=lambda s: (len(set(s.members)), -order[s.key])).key


def _depth(spec: GroupSpec, by_key: dict[str, GroupSpec]) -> int:
    depth = 0
    while spec.parent is not None:
        spec = by_key[spec.parent]
        depth += 1
    return depth

"""The statement tree the parser produces: plain data, positions on every piece."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

ItemKind = Literal["value", "module", "operator"]
# draw: a sample from the distribution the left element outputs (``~>``: no pathwise
# gradient); reparam: a reparameterised one (``~r>``: the gradient passes)
EdgeKind = Literal["data", "stopgrad", "copy", "draw", "reparam"]
Side = Literal["left", "right"]

#: the four layout directions a diagram or a host may ask for
DIRECTIONS: tuple[str, ...] = ("TB", "LR", "BT", "RL")


class Pos(NamedTuple):  # tuples: made for every token, cheap to create
    line: int
    column: int


class Item(NamedTuple):
    """One element written in a chain: ``x``, ``*z'``, ``[f*]``, ``[enc*@2]``, ``(ce)``."""

    kind: ItemKind
    ident: str  # identity: what makes two writings the same element
    label: str  # what is drawn
    pos: Pos
    star: bool = False
    instance: int = 1  # ``@k``: another box of the same module / another operator
    quoted: bool = False
    nondiff: bool = False  # an operator written ``(argmax/)``: no gradient through it
    grad_of: str | None = None  # an operator ``(∇[d])``: the gradient of module d


@dataclass(frozen=True)
class Source:
    """What ``~`` samples from: a data set ``X``/``(X, Y)`` or a prior ``N(0, 1)``."""

    kind: Literal["dataset", "prior"]
    ident: str
    label: str
    pos: Pos


@dataclass(frozen=True)
class Sample:
    targets: tuple[Item, ...]
    source: Source
    pos: Pos


class Hop(NamedTuple):  # one per arrow: a tuple is cheaper to make than a dataclass
    kind: EdgeKind
    pos: Pos
    label: str | None = None


@dataclass(frozen=True)
class Chain:
    groups: tuple[tuple[Item, ...], ...]
    hops: tuple[Hop, ...]
    side: Side | None
    pos: Pos


@dataclass(frozen=True)
class Given:
    items: tuple[Item, ...]
    pos: Pos


@dataclass(frozen=True)
class Seq:
    item: Item
    parent: Item | None
    blank: Literal["start", "end", "both", "none"]
    pos: Pos


@dataclass(frozen=True)
class Objective:
    direction: Literal["min", "max"]
    target: Item
    wrt: tuple[Item, ...]
    pos: Pos
    phase: str | None = None
    # "score": a score-function (REINFORCE / policy-gradient) estimator, written
    # ``by score``: its gradient also reaches what a ``~>`` sample was drawn from
    estimator: Literal["pathwise", "score"] = "pathwise"


@dataclass(frozen=True)
class StraightThrough:
    """``straight-through z_q to z_e``: the gradient arriving at z_q is copied to z_e
    (a straight-through estimator); a backward link, not data flow."""

    source: Item
    target: Item
    pos: Pos


@dataclass(frozen=True)
class Note:
    target: Item
    text: str
    pos: Pos


@dataclass(frozen=True)
class Direction:
    value: str
    pos: Pos


@dataclass(frozen=True)
class Link:
    """``link ITEM: TARGET``: clicking the element opens a URL or a documented object."""

    target: Item
    url: str | None
    xref: str | None  # ``domain:role:target``, resolved by the host (Sphinx)
    pos: Pos


@dataclass(frozen=True)
class Allow:
    """``allow untrained: [head]``: a named check does not report (on these elements)."""

    codes: tuple[tuple[str, Pos], ...]
    items: tuple[Item, ...]
    pos: Pos


@dataclass(frozen=True)
class Show:
    """``show problems``: the figure marks what the checks found."""

    what: str
    pos: Pos


@dataclass(frozen=True)
class Group:
    """``group "Encoder" ×N: a, b`` (a labelled frame) or ``group [enc*]: a, b`` (the
    frame is module ``enc``, drawn with its inside)."""

    members: tuple[Item, ...]
    pos: Pos
    label: str | None = None
    quoted: bool = False
    repeat: str | None = None  # the count after ×: "N", "6"
    module: Item | None = None


Statement = (Sample | Chain | Given | Seq | Objective | Note | Direction | Link | Allow | Show
             | StraightThrough | Group)


@dataclass
class Program:
    statements: list[Statement] = field(default_factory=list)
    # names written on lines that failed to parse: checks about them would only echo
    # that line's error ("'loss' is not in the diagram"), so they stay quiet
    failed: set[str] = field(default_factory=set)

"""A laid-out figure: absolute geometry that every writer (SVG, TikZ) draws as it is.

This is the seam between layout and drawing. The layout step (scene -> ELK -> placement)
fills it; writers never measure text or decide where anything goes. Coordinates are in
points (1/72 in), y grows downwards, the origin is the figure's upper-left corner.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Point = tuple[float, float]
Script = Literal["base", "sub", "sup"]


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of a label: base text, or a sub/superscript drawn smaller and shifted."""

    text: str
    script: Script = "base"


@dataclass(frozen=True, slots=True)
class Text:
    """A label placed with its left end (``anchor="start"``) or centre (``"middle"``) at
    ``x`` and its base line at ``y``; ``width`` is what the font metrics measured."""

    runs: tuple[Run, ...]
    x: float
    y: float
    size: float
    width: float
    anchor: Literal["start", "middle"] = "middle"
    bold: bool = False
    serif: bool = False
    italic: bool = False

    @property
    def plain(self) -> str:
        return "".join(r.text for r in self.runs)

    def moved(self, dx: float, dy: float) -> Text:
        return replace(self, x=self.x + dx, y=self.y + dy)


ShapeKind = Literal[
    "rect",      # data set, module: square corners
    "rounded",   # prior: rounded corners
    "circle",    # analytic operator with a short label
    "ellipse",   # analytic operator with a long label
    "cell",      # one cell of a sequence strip (filled=True: lavender, False: blank)
    "star",      # the trainable mark '*', drawn as six strokes from the centre
    "sample",    # the sampling mark (a '~' turned 90 degrees in TB/BT: '≀'), in its box
    "min",       # '▽' in its box
    "max",       # '△' in its box
    "problem",   # a dashed outline around an element a check warns about (show problems)
    "badge",     # the circle of a problem's number
    "frame",     # a group's frame: a rounded rectangle around its elements, not filled
]


@dataclass(frozen=True, slots=True)
class Shape:
    kind: ShapeKind
    x: float  # upper-left corner of the shape's bounding box
    y: float
    w: float
    h: float
    filled: bool = False  # cells only
    vertical: bool = True  # sampling mark: '≀' (True) or '~' (False)
    dashed: bool = False  # a non-differentiable operator's outline

    def moved(self, dx: float, dy: float) -> Shape:
        return replace(self, x=self.x + dx, y=self.y + dy)


@dataclass(slots=True)
class Element:
    """One element of the diagram, drawn as one group with a readable title.

    ``box`` is the rectangle edges attach to and nothing else may cross (for a value, the
    label's extent; for a data set drawn with its sample, the whole stack).

    ``link``: the URL clicking the element opens (http(s) or relative, checked by the
    language); ``xref``: a cross-reference target ``domain:role:target`` that only a host
    knowing the documented objects (Sphinx) can turn into a URL. Writers link the whole
    element; at most one of the two is set.
    """

    key: str          # the model's node key (stable across runs)
    css: str          # e.g. "dn-module dn-trainable"
    title: str        # readable, for <title> and alt text
    box: tuple[float, float, float, float]  # x, y, w, h
    shapes: list[Shape] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    link: str | None = None
    xref: str | None = None


@dataclass(slots=True)
class Frame:
    """A group's frame around elements (``group``), drawn behind edges and elements.

    ``box`` holds every element in ``members`` (keys, nested frames' too) and nothing
    else; edges cross its outline. Its label sits in the upper-left corner inside, the
    repetition ``×N`` in the lower-right one; a module frame carries its star outside.
    """

    key: str
    css: str  # "dn-frame dn-group" or "dn-frame dn-frame-module ..."
    title: str
    box: tuple[float, float, float, float]
    members: tuple[str, ...]
    shapes: list[Shape] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)


EdgeKind = Literal["data", "sample", "stopgrad", "copy", "shared", "slice", "draw", "reparam",
                   "straight"]


@dataclass(slots=True)
class Path:
    """An edge as an orthogonal polyline (consecutive points differ in x or in y only).

    ``arrow`` says what the last point ends in: a filled arrowhead whose tip is the last
    point, an open one (weight copies), or none (operands, shared links). Writers round
    the corners with a small radius. ``bar_at``: where a stop-gradient bar crosses the
    line (a point on it).
    """

    kind: EdgeKind
    points: list[Point]
    arrow: Literal["filled", "open", "none"] = "filled"
    dashed: bool = False
    label: Text | None = None
    bar_at: Point | None = None
    # a sample drawn from the tail's output (``~>``): the sampling mark on the line, in
    # its box, the line broken under it
    mark: Shape | None = None
    tail: str = ""  # element keys at either end
    head: str = ""


@dataclass(slots=True)
class Figure:
    width: float
    height: float
    elements: list[Element] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    captions: list[Text] = field(default_factory=list)  # phase captions "(a)", "(b)"
    frames: list[Frame] = field(default_factory=list)  # outer frames first

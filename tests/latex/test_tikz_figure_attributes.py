"""Every attribute of a Figure that the SVG writer draws, the TikZ writer draws too: for
each dataclass field in drawing/figure.py, changing it changes the TikZ output (or the
field is listed as not drawn, with the reason). A field added later fails until listed."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable

import pytest

from dagnote.drawing import figure as fig
from dagnote.drawing.figure import Element, Figure, Frame, Path, Run, Shape, Text
from dagnote.drawing.tikz_writer import write_tikz

#: Fields that change no drawing (the SVG keeps them in attributes or <title> only).
NOT_DRAWN = {
    "Text.width": "measured by the layout; the label is placed by its anchor",
    "Element.key": "an identifier (data-key in the SVG)",
    "Element.css": "classes of the SVG's CSS",
    "Element.title": "the SVG's <title> (tooltip)",
    "Frame.key": "an identifier (data-key in the SVG)",
    "Frame.css": "classes of the SVG's CSS",
    "Frame.box": "the layout's box; the outline is the frame's shape",
    "Frame.members": "data-members in the SVG",
    "Path.tail": "data-tail in the SVG",
    "Path.head": "data-head in the SVG",
}


def _text(label: str, **kw: object) -> Text:
    return Text((Run(label),), 20, 30, 15, 30, **kw)  # type: ignore[arg-type]


def base() -> Figure:
    """One of everything: a framed module with a star and a dashed operator, a sequence
    cell, an edge with a sampling mark, a label and a stop-gradient bar, a caption."""
    frame = Frame("g", "dn-frame dn-group", "Encoder", (5, 5, 150, 120), ("m",),
                  [Shape("frame", 5, 5, 150, 120), Shape("star", 0, 0, 8, 8)],
                  [_text("Encoder", anchor="start"), _text("N", anchor="start")])
    element = Element("m", "dn-module", "m", (10, 10, 40, 30),
                      [Shape("rect", 10, 10, 40, 30), Shape("ellipse", 60, 10, 40, 20),
                       Shape("cell", 110, 10, 10, 10, filled=True)],
                      [_text("m")])
    path = Path("sample", [(30, 40), (30, 80), (60, 80)], label=_text("action"),
                bar_at=(30, 60), mark=Shape("sample", 25, 45, 10, 12))
    return Figure(200, 200, [element], [path], [_text("(a)")], [frame])


def _shape(where: Callable[[Figure], list[Shape]], index: int, **kw: object):
    def change(f: Figure) -> None:
        shapes = where(f)
        shapes[index] = dataclasses.replace(shapes[index], **kw)
    return change


def _frame_shape(**kw: object):
    return _shape(lambda f: f.frames[0].shapes, 0, **kw)


def _label(**kw: object):
    def change(f: Figure) -> None:
        f.frames[0].texts[0] = dataclasses.replace(f.frames[0].texts[0], **kw)
    return change


def _path(**kw: object):
    def change(f: Figure) -> None:
        for key, value in kw.items():
            setattr(f.paths[0], key, value)
    return change


def _element(**kw: object):
    def change(f: Figure) -> None:
        for key, value in kw.items():
            setattr(f.elements[0], key, value)
    return change


CHANGES: dict[str, Callable[[Figure], None]] = {
    "Figure.width": lambda f: setattr(f, "width", 300),
    "Figure.height": lambda f: setattr(f, "height", 300),
    "Figure.elements": lambda f: f.elements.clear(),
    "Figure.paths": lambda f: f.paths.clear(),
    "Figure.captions": lambda f: f.captions.clear(),
    "Figure.frames": lambda f: f.frames.clear(),
    "Frame.shapes": lambda f: f.frames[0].shapes.pop(),  # the module frame's star
    "Frame.texts": lambda f: f.frames[0].texts.pop(),  # ×N
    "Frame.title": lambda f: setattr(f.frames[0], "title", "Decoder"),  # a comment
    "Shape.kind": _frame_shape(kind="rect"),  # a module frame: square corners
    "Shape.x": _frame_shape(x=6),
    "Shape.y": _frame_shape(y=6),
    "Shape.w": _frame_shape(w=151),
    "Shape.h": _frame_shape(h=121),
    "Shape.filled": _shape(lambda f: f.elements[0].shapes, 2, filled=False),
    "Shape.vertical": lambda f: setattr(f.paths[0], "mark", dataclasses.replace(
        f.paths[0].mark, vertical=False, w=12, h=10)),
    "Shape.dashed": _shape(lambda f: f.elements[0].shapes, 1, dashed=True),
    "Text.runs": _label(runs=(Run("Decoder"),)),
    "Text.x": _label(x=21),
    "Text.y": _label(y=31),
    "Text.size": _label(size=12),
    "Text.anchor": _label(anchor="middle"),
    "Text.bold": _label(bold=True),
    "Text.serif": _label(serif=True),
    "Text.italic": _label(italic=True),
    "Run.text": _label(runs=(Run("Encodes"),)),
    "Run.script": _label(runs=(Run("Encoder", "sub"),)),
    "Path.kind": _path(kind="straight"),  # dotted, not dashed
    "Path.points": _path(points=[(30, 40), (30, 90), (60, 90)]),
    "Path.arrow": _path(arrow="open"),
    "Path.dashed": _path(dashed=True),
    "Path.label": _path(label=None),
    "Path.bar_at": _path(bar_at=None),
    "Path.mark": _path(mark=None),
    "Element.box": _element(box=(10, 10, 41, 30)),
    "Element.shapes": lambda f: f.elements[0].shapes.pop(0),
    "Element.texts": lambda f: f.elements[0].texts.clear(),
    "Element.link": _element(link="https://example.org"),
    "Element.xref": _element(xref="py:class:pkg.Enc"),
}
#: What the figure needs first for a field to show: a link's area is the element's box,
#: a kind of line shows in its dashes.
PREPARE: dict[str, Callable[[Figure], None]] = {
    "Element.box": _element(link="https://example.org"),
    "Path.kind": _path(dashed=True),
}


def test_every_figure_field_is_checked() -> None:
    classes = [c for c in vars(fig).values()
               if dataclasses.is_dataclass(c) and c.__module__ == fig.__name__]
    fields = {f"{c.__name__}.{f.name}" for c in classes for f in dataclasses.fields(c)}
    assert fields == set(CHANGES) | set(NOT_DRAWN)


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_changing_a_drawn_field_changes_the_tikz(name: str) -> None:
    figure = base()
    if name in PREPARE:
        PREPARE[name](figure)
    changed = copy.deepcopy(figure)
    CHANGES[name](changed)
    assert write_tikz(changed, 15) != write_tikz(figure, 15)

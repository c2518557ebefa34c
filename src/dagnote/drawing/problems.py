"""Lint marks in a figure, on request (``show problems``, or a host's option).

A teaching figure may show a mistake on purpose: every element a path check warns about
gets a dashed outline and a numbered badge, and a legend under the figure says what each
number means. Warnings a diagram allows (``allow untrained: [head]``) are marked too: they
are not reported, as deliberate, and a teaching figure shows them on purpose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..language.diagnostics import Diagnostic
from ..language.model import Diagram
from .figure import Element, Figure, Run, Shape, Text
from .text import extent, place

#: the warnings that are about an element (and so can be marked on it)
MARKED = ("untrained", "objective-trains-nothing", "wrt-unreached", "operator-without-input")
BADGE = 1.05  # badge diameter, in font sizes
OUTLINE_PAD = 0.3  # the dashed outline's distance from the box, in font sizes
LEGEND_SCALE = 0.8  # legend text, in font sizes


@dataclass
class Problems:
    """Which element shows which badge number, and what each number means."""

    numbers: dict[str, int] = field(default_factory=dict)  # node key -> badge number
    lines: list[str] = field(default_factory=list)  # line n-1 explains badge n

    def __bool__(self) -> bool:
        return bool(self.lines)


def find_problems(diagram: Diagram, diagnostics: Sequence[Diagnostic]) -> Problems:
    """Number the warnings about elements; two about one element share its number."""
    found = Problems()
    for d in diagnostics:
        if d.is_error or d.code not in MARKED:
            continue
        keys = [d.subject] if d.subject in diagram.nodes else [
            n.key for n in diagram.boxes(d.subject)]
        if not keys:
            continue
        short = d.message.split(": ", 1)[0]  # "trainable module 'g' is never updated"
        known = next((found.numbers[k] for k in keys if k in found.numbers), None)
        if known is not None:
            found.lines[known - 1] += f"; {short}"
            continue
        found.lines.append(short)
        for key in keys:
            found.numbers[key] = len(found.lines)
    return found


def badge(number: int, size: float) -> tuple[Shape, float, Text]:
    """A circled number at (0, 0): its shape, diameter and text."""
    d = BADGE * size
    text = place((Run(str(number)),), size * 0.7, d / 2, d * 0.2, bold=True)
    return Shape("badge", 0, 0, d, d), d, text


def outline(width: float, height: float, size: float) -> Shape:
    """The dashed outline around a box of this size (relative to its corner)."""
    pad = OUTLINE_PAD * size
    return Shape("problem", -pad, -pad, width + 2 * pad, height + 2 * pad)


def add_legend(figure: Figure, problems: Problems, size: float) -> None:
    """One line per badge under the figure: the badge, then what it means."""
    if not problems:
        return
    text_size = size * LEGEND_SCALE
    d = BADGE * size
    margin = size * 0.5
    row = max(d, text_size * 1.3) + size * 0.25
    top = figure.height + size * 0.3
    shapes: list[Shape] = []
    texts: list[Text] = []
    widest = 0.0
    for index, line in enumerate(problems.lines):
        y = top + index * row
        mark, _, number = badge(index + 1, size)
        shapes.append(mark.moved(margin, y))
        texts.append(number.moved(margin, y))
        parts = (Run(line),)
        width, above, below = extent(parts, text_size)
        x = margin + d + size * 0.4
        texts.append(place(parts, text_size, x + width / 2, y + (d - above - below) / 2))
        widest = max(widest, x + width)
    height = row * len(problems.lines)
    figure.elements.append(Element("legend", "dn-legend", "Problems the checks found",
                                   (margin, top, widest - margin, height), shapes, texts))
    figure.width = max(figure.width, widest + margin)
    figure.height = top + height + size * 0.2

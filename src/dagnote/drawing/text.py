"""Label text to runs of base text and sub/superscripts, measured with the font metrics.

``x_t`` and ``y_{0..n-1}`` become subscripts, ``σ^2`` a superscript; ``N(0, 1)`` is drawn
with a calligraphic 𝒩. Quoted labels are drawn exactly as written.
"""

from __future__ import annotations

import functools
import re

from .figure import Run, Text
from .metrics import SCRIPT_RATIO, ascent, descent, runs_width

_SCRIPT = re.compile(r"([_^])(\{[^{}]*\}|[^\s{}_^])")
_DISTRIBUTIONS = {"N": "𝒩", "U": "𝒰", "Cat": "Cat", "Bern": "Bern"}


@functools.lru_cache(maxsize=8192)
def plain(label: str) -> str:
    """The label as readable plain text (titles, summaries): ``y_{0..n-1}`` -> ``y0..n-1``."""
    return _SCRIPT.sub(lambda m: m.group(2).strip("{}"), label)


def prior_label(label: str) -> tuple[str, str]:
    """(name drawn in calligraphic form, argument text) for a prior like ``N(0, 1)``."""
    m = re.fullmatch(r"(\w+)(\(.*\))", label, flags=re.S)
    if not m:
        return label, ""
    return _DISTRIBUTIONS.get(m.group(1), m.group(1)), m.group(2)


@functools.lru_cache(maxsize=4096)
def runs(label: str, quoted: bool = False) -> tuple[Run, ...]:
    """The label as base and script runs (a quoted label is one base run)."""
    if quoted:
        return (Run(label),)
    out: list[Run] = []
    pos = 0
    for m in _SCRIPT.finditer(label):
        if m.start() > pos:
            out.append(Run(label[pos:m.start()]))
        body = m.group(2)
        if body.startswith("{"):
            body = body[1:-1]
        out.append(Run(body, "sub" if m.group(1) == "_" else "sup"))
        pos = m.end()
    if pos < len(label):
        out.append(Run(label[pos:]))
    return tuple(out) or (Run(""),)


def prior_runs(label: str) -> tuple[Run, ...]:
    """``N(0, 1)`` drawn as ``𝒩(0, 1)``; the name (``p_θ(z)``) and the arguments keep
    their sub/superscripts."""
    name, args = prior_label(label)
    return runs(name) + (runs(args) if args else ())


@functools.lru_cache(maxsize=4096)
def extent(parts: tuple[Run, ...], size: float, bold: bool = False,
           serif: bool = False) -> tuple[float, float, float]:
    """(width, height above the base line, depth below it) of a label in points."""
    width = runs_width(parts, size, bold=bold, serif=serif)
    above = ascent(size)
    below = descent(size)
    if any(r.script == "sup" for r in parts):
        above = max(above, SUP_SHIFT * size + ascent(size * SCRIPT_RATIO))
    if any(r.script == "sub" for r in parts):
        below = max(below, SUB_SHIFT * size + descent(size * SCRIPT_RATIO))
    return width, above, below


# how far scripts move from the base line, as a fraction of the label's size (the SVG
# writer shifts by the same amounts)
SUB_SHIFT = 0.25
SUP_SHIFT = 0.4


def place(parts: tuple[Run, ...], size: float, cx: float, top: float, *, bold: bool = False,
          serif: bool = False, italic: bool = False) -> Text:
    """A label centred on ``cx`` whose ascent starts at ``top``."""
    width, above, _ = extent(parts, size, bold, serif)
    return Text(parts, cx, top + above, size, width, "middle", bold, serif, italic)

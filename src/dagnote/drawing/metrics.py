"""Text measurement from built-in font advance widths, with no font file at run time.

Figures declare ``Arial, 'Liberation Sans', Helvetica, sans-serif`` (priors' labels: Liberation
Serif / Times), and these faces share one set of advance widths. Measuring with the widths
generated into :mod:`dagnote.drawing.metrics_table` (by ``scripts/gen_metrics.py``) lets every
box fit its label exactly in any browser that has Arial, Liberation Sans or Helvetica, the
same on every machine and without fontTools or a font file. Widths are sums of advances,
without kerning: a browser that kerns moves a label's end by a few hundredths of an em, and
mostly inwards (nearly all of these fonts' kerning pairs tighten).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from typing import Protocol

from dagnote.drawing.metrics_table import (
    DEFAULT_WIDTH,
    SANS_ASCENT,
    SANS_DESCENT,
    UNITS_PER_EM,
    WIDTHS,
)

SCRIPT_RATIO = 0.7
"""Size of a sub/superscript relative to the label's size."""

# Where to look for a character, per face: its own table first, then the closest others.
_LOOKUP: dict[str, tuple[dict[int, int], ...]] = {
    "sans": (WIDTHS["sans"], WIDTHS["sans-bold"], WIDTHS["serif"]),
    "sans-bold": (WIDTHS["sans-bold"], WIDTHS["sans"], WIDTHS["serif"]),
    "serif": (WIDTHS["serif"], WIDTHS["sans"], WIDTHS["sans-bold"]),
}
_ZERO_WIDTH_CATEGORIES = frozenset({"Mn", "Me", "Cf"})


class RunLike(Protocol):
    """A piece of a label (:class:`dagnote.drawing.figure.Run` is one)."""

    @property
    def text(self) -> str: ...

    @property
    def script(self) -> str: ...


def _face(bold: bool, serif: bool) -> str:
    # There is no bold serif table: a bold serif label is measured with the serif widths.
    if serif:
        return "serif"
    return "sans-bold" if bold else "sans"


def _char_units(ch: str, face: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in _ZERO_WIDTH_CATEGORIES:
        return 0  # combining marks, zero-width joiners, soft hyphens... add no advance
    cp = ord(ch)
    for table in _LOOKUP[face]:
        width = table.get(cp)
        if width is not None:
            return width
    return DEFAULT_WIDTH[face]  # unknown characters, controls, lone surrogates


@functools.lru_cache(maxsize=8192)
def _units(text: str, face: str) -> int:
    return sum(_char_units(ch, face) for ch in text)


def text_width(text: str, size: float, *, bold: bool = False, serif: bool = False) -> float:
    """Width in points of ``text`` set at ``size`` points (the sum of its advances).

    Characters missing from the face's table are looked up in the other faces' tables, then
    given the face's default width; combining marks and format characters (zero-width
    joiners, soft hyphen) count 0. Never raises, whatever the string holds.
    """
    return _units(text, _face(bold, serif)) * size / UNITS_PER_EM


def runs_width(
    runs: Iterable[RunLike], size: float, *, bold: bool = False, serif: bool = False
) -> float:
    """Width in points of a label's runs; ``"sub"``/``"sup"`` runs are set at
    ``size * SCRIPT_RATIO``."""
    total = 0.0
    for run in runs:
        run_size = size * SCRIPT_RATIO if run.script in ("sub", "sup") else size
        total += text_width(run.text, run_size, bold=bold, serif=serif)
    return total


def ascent(size: float) -> float:
    """Height in points above the base line of the sans face at ``size`` points (hhea
    ascender of Liberation Sans, = Arial's: 0.905 em)."""
    return SANS_ASCENT * size / UNITS_PER_EM


def descent(size: float) -> float:
    """Depth in points below the base line, as a positive number (hhea descender of
    Liberation Sans, = Arial's: 0.212 em)."""
    return SANS_DESCENT * size / UNITS_PER_EM

"""Figure widths an author writes (Sphinx ``:width:``, MkDocs ``width=``), bounded.

A width is a number with an optional CSS unit. ``:width: 99999999999999999999`` would make
a page tens of millions of pixels wide, so a width must come to at most
:data:`MAX_WIDTH_PX` CSS pixels, or at most 100 for ``%`` and ``vw``.
"""

from __future__ import annotations

import math
import re

MAX_WIDTH_PX = 10_000

#: CSS pixels per unit (``em``/``rem`` at a 16 px font, ``ex``/``ch`` at half of it).
_PX_PER_UNIT = {"": 1.0, "px": 1.0, "em": 16.0, "rem": 16.0, "ex": 8.0, "ch": 8.0,
                "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
_PERCENT_UNITS = ("%", "vw")
_WIDTH_RE = re.compile(
    r"^\s*(?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*(?P<unit>[a-zA-Z%]*)\s*$")


def width_problem(value: str, what: str = "width") -> str | None:
    """Why ``value`` cannot be a figure width (or ``what``: height), or None when it can."""
    m = _WIDTH_RE.match(value)
    if not m:
        return f"invalid {what} {value!r}: use a number with px, em, rem or %"
    number = float(m.group("number"))
    unit = m.group("unit").lower()
    if not math.isfinite(number):
        return f"{what} {value!r} is not a finite number"
    if unit in _PERCENT_UNITS:
        if number > 100:
            return f"{what} {value!r} is over 100{unit}"
        return None
    if unit not in _PX_PER_UNIT:
        return f"invalid {what} {value!r}: unknown unit {unit!r}"
    if number * _PX_PER_UNIT[unit] > MAX_WIDTH_PX:
        return (f"{what} {value!r} is over {MAX_WIDTH_PX} px; give the {what} the page "
                "should show, such as 600px or 100%")
    return None


#: ``scale`` (percent of the natural size: labels as large as the text around them)
MAX_SCALE = 1000.0


def scale_problem(value: float) -> str | None:
    """Why ``value`` (a percentage) cannot be a figure's scale, or None when it can."""
    if not (math.isfinite(value) and 0 < value <= MAX_SCALE):
        return f"scale {value:g}% must be more than 0 and at most {MAX_SCALE:g}%"
    return None


#: LaTeX for the CSS units an author may write (a CSS pixel is 0.75 bp, as in Sphinx)
_LATEX_UNITS = {"": ("bp", 0.75), "px": ("bp", 0.75), "pt": ("bp", 1.0), "pc": ("pc", 1.0),
                "in": ("in", 1.0), "cm": ("cm", 1.0), "mm": ("mm", 1.0), "em": ("em", 1.0),
                "rem": ("em", 1.0), "ex": ("ex", 1.0), "ch": ("ex", 1.0)}


def latex_length(value: str, whole: str = "\\linewidth") -> str:
    """A width or height that :func:`width_problem` accepts, as a LaTeX length: a
    percentage is a share of ``whole`` (``\\linewidth``, or ``\\textheight`` for a
    height), a CSS point is a PostScript point (bp)."""
    m = _WIDTH_RE.match(value)
    if not m or width_problem(value):
        raise ValueError(width_problem(value) or f"invalid length {value!r}")
    number = float(m.group("number"))
    unit = m.group("unit").lower()
    if unit in _PERCENT_UNITS:
        return f"{number / 100:.3f}{whole}"
    name, factor = _LATEX_UNITS[unit]
    return f"{number * factor:.4g}{name}"

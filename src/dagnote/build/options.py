"""Render options shared by every host; part of the cache key."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from ..language.syntax import DIRECTIONS as DIRECTIONS  # re-exported for the hosts

Format = Literal["svg", "png", "pdf", "tikz"]
FORMATS: tuple[str, ...] = ("svg", "png", "pdf", "tikz")
#: label fonts of SVG (and PNG/PDF) figures: generic families, because labels are measured
#: with Arial/Liberation Sans widths (a serif face is narrower: its labels fit too); TikZ
#: figures always use the LaTeX document's own font
FONT_FAMILIES: tuple[str, ...] = ("sans-serif", "serif")
#: the longest timeout: a larger one (``inf`` included, meaning "no limit") is this one
MAX_TIMEOUT = 3600.0


def valid_timeout(value: object) -> float:
    """``value`` as a timeout in seconds, at most :data:`MAX_TIMEOUT`.

    Raises ValueError, with a message a host can show as is, when it is not a positive
    number (zero, negative, NaN, text, a bool).
    """
    # value != value: NaN (math.isnan would overflow on an int too large for a float)
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or value != value or value <= 0):
        raise ValueError(f"timeout must be a positive number of seconds, not {value!r}")
    return MAX_TIMEOUT if value >= MAX_TIMEOUT else float(value)


@dataclass(frozen=True)
class RenderOptions:
    """How to turn a diagram into an image.

    ``direction`` overrides the diagram's own ``direction`` statement when set;
    ``default_direction`` applies only to diagrams without one (a site-wide default).
    """

    #: ``"svg"``; ``"png"`` and ``"pdf"`` are converted from the SVG (``rsvg-convert``,
    #: or for PNG the ``png`` extra).
    format: Format = "svg"
    #: ``"TB"``, ``"LR"``, ``"BT"`` or ``"RL"``: every diagram in this direction.
    direction: str | None = None
    #: the direction of diagrams that have no ``direction`` statement of their own.
    default_direction: str | None = None
    #: seconds one layout may take (each panel of a diagram with phases is one layout);
    #: ``inf`` or more than 3600 means 3600; zero, negative or NaN raises ValueError.
    #: Not part of the cache key.
    timeout: float = 30.0  # per ELK graph; capped at MAX_TIMEOUT, ValueError if not > 0
    #: label font size in points.
    font_size: float = 15.0
    # mark in the figure what the checks warn about (as the 'show problems' statement)
    show_problems: bool = False
    font_family: str = "sans-serif"  # one of FONT_FAMILIES

    def __post_init__(self) -> None:
        object.__setattr__(self, "timeout", valid_timeout(self.timeout))
        if self.font_family not in FONT_FAMILIES:
            raise ValueError(f"font family must be one of {', '.join(FONT_FAMILIES)}, "
                             f"not {self.font_family!r}")

    def key(self) -> dict[str, object]:
        """What of these options changes the output (the timeout does not)."""
        data = asdict(self)
        data.pop("timeout")
        if data["font_family"] == "sans-serif":  # the default keeps earlier cache keys
            data.pop("font_family")
        return data


def with_problems_shown(source: str) -> str:
    """``source`` with a last line ``show problems``: how a host's per-diagram option
    (a directive option, a fence attribute) asks for the marks. Appended after the last
    line, so no problem of the diagram moves."""
    if source and not source.endswith(("\n", "\r")):
        source += "\n"
    return source + "show problems\n"

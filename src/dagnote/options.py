"""Render options shared by every host; part of the cache key."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Format = Literal["svg", "png", "pdf"]
FORMATS: tuple[str, ...] = ("svg", "png", "pdf")
DIRECTIONS: tuple[str, ...] = ("TB", "LR", "BT", "RL")


@dataclass(frozen=True)
class RenderOptions:
    """How to turn a diagram into an image.

    ``direction`` overrides the diagram's own ``direction`` statement when set;
    ``default_direction`` applies only to diagrams without one (a site-wide default).
    """

    format: Format = "svg"
    direction: str | None = None
    default_direction: str | None = None
    timeout: float = 30.0
    font_size: float = 15.0

    def key(self) -> dict[str, object]:
        """What of these options changes the output (the timeout does not)."""
        data = asdict(self)
        data.pop("timeout")
        return data

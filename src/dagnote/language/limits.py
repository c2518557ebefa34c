"""Size limits that keep a docs build bounded whatever a page contains."""

from __future__ import annotations

from .diagnostics import Diagnostic
from .positions import split_lines

MAX_SOURCE_BYTES = 64 * 1024
MAX_LINES = 2000
MAX_LINE_LENGTH = 2000
MAX_NODES = 500  # elements drawn, counting every phase panel
MAX_EDGES = 2000  # 'a, b, c -> d, e, f' multiplies: cap it before it costs time

SPLIT_HINT = "split it into smaller diagrams"


def limit_problems(source: str) -> list[Diagnostic]:
    """Errors for a source too large to lay out in bounded time (checked before parsing)."""
    size = len(source.encode("utf-8", "surrogatepass"))  # a lone surrogate: an error later
    if size > MAX_SOURCE_BYTES:
        return [Diagnostic(1, 1, "error", "too-large",
                           f"diagram source is {size} bytes; the limit is {MAX_SOURCE_BYTES}: "
                           + SPLIT_HINT)]
    lines = split_lines(source)
    if len(lines) > MAX_LINES:
        return [Diagnostic(MAX_LINES + 1, 1, "error", "too-large",
                           f"diagram has {len(lines)} lines; the limit is {MAX_LINES}: "
                           + SPLIT_HINT)]
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_LENGTH:
            return [Diagnostic(number, MAX_LINE_LENGTH + 1, "error", "too-large",
                               f"line is {len(line)} characters; the limit is "
                               f"{MAX_LINE_LENGTH}: break it into several statements")]
    return []


def drawn_problems(nodes: int, panels: int, where: tuple[int, int] = (1, 1)) -> list[Diagnostic]:
    """An error when phase panels (each a full copy of the graph) draw too many elements.

    ``where`` is the line and column of the first phase past the limit.
    """
    drawn = nodes * max(1, panels)
    if drawn <= MAX_NODES:
        return []
    return [Diagnostic(where[0], where[1], "error", "too-large",
                       f"diagram draws {drawn} elements ({nodes} in each of {panels} phase "
                       f"panels); the limit is {MAX_NODES}: use fewer phases or "
                       + SPLIT_HINT)]

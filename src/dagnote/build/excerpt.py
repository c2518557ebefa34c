"""The source line of a problem with a caret under its column, as compilers print it.

::

    docs/setup.rst:12:9: warning: trainable module 'g' is never updated: ... [untrained]
       12 |    x -> [g*] -> y
          |         ^
"""

from __future__ import annotations

MAX_WIDTH = 200  # a long line is cut around the column, so the caret stays on screen


def excerpt(text: str, line: int, column: int) -> list[str]:
    """Two lines: ``text`` (line ``line`` of the file) and a caret under ``column``.

    Tabs before the column are repeated in the caret line, so the caret lines up
    whatever the terminal's tab width; a column past the end points just after the text.
    """
    text = text.rstrip("\r\n")
    start = 0
    if len(text) > MAX_WIDTH:  # show a window of the line around the column
        start = max(0, min(column - 1 - MAX_WIDTH // 2, len(text) - MAX_WIDTH))
        text = text[start:start + MAX_WIDTH]
    before = text[:max(0, column - 1 - start)]
    pad = "".join("\t" if ch == "\t" else " " for ch in before)
    number = str(line)
    gutter = " " * len(number)
    return [f" {number} | {text}", f" {gutter} | {pad}^"]

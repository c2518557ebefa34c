"""Lines and columns as an editor counts them, in a diagram and in the file that holds it.

One place for both questions every host asks: where does a line end (only at CR, LF or
CRLF, never at U+2028, a form feed or NEL, which ``str.splitlines`` also breaks at), and
which column of the host file a column of a block is, once the host has taken away the
block's indentation or expanded its tabs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_BREAK = re.compile(r"\r\n|\r|\n")
_VERTICAL = str.maketrans("\v\f", "  ")  # docutils reads these as spaces


def split_lines(text: str) -> list[str]:
    """The lines of ``text``, split at CR, LF and CRLF only (like ``str.splitlines``
    otherwise: no empty last line for a text that ends with a line break)."""
    lines = text.split("\n") if "\r" not in text else _BREAK.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def file_column(raw_line: str, block_line: str, column: int, tab_width: int = 8) -> int:
    """Column in ``raw_line`` (a line of the host file, as written) of ``column`` of
    ``block_line`` (that line as the host handed it to dagnote: indentation taken away,
    perhaps with tabs expanded to ``tab_width`` first).

    Both 1-based; a column just past the end stays just past the end. When the block
    line cannot be found in the raw line (a host rewrote it), the column is returned as is.
    """
    block = block_line.rstrip().translate(_VERTICAL)
    if not block:  # a blank line (an empty diagram's line 1): nothing to find
        return column
    raw = raw_line.rstrip()
    if raw.translate(_VERTICAL).endswith(block):
        return len(raw) - len(block) + column
    wide = raw.expandtabs(tab_width).translate(_VERTICAL)
    if "\t" not in raw or not wide.endswith(block):
        return column
    target = len(wide) - len(block) + column - 1  # 0-based, in the expanded line
    width = 0
    for index, char in enumerate(raw):
        width = (width // tab_width + 1) * tab_width if char == "\t" else width + 1
        if width > target:
            return index + 1
    return len(raw) + 1 + (target - len(wide))


def host_position(block_lines: Sequence[str], host_lines: Sequence[str], first: int,
                  line: int, column: int, tab_width: int = 8) -> tuple[int, int]:
    """Line and column in a host file of ``line`` and ``column`` of a block.

    ``block_lines`` are the block's lines as dagnote got them; its line 1 is line ``first``
    of the host file, whose lines as written are ``host_lines`` (when they are not known,
    or do not hold the block, only the line moves).
    """
    at = first + line - 1
    if 1 <= line <= len(block_lines) and 1 <= at <= len(host_lines):
        column = file_column(host_lines[at - 1], block_lines[line - 1], column, tab_width)
    return at, column

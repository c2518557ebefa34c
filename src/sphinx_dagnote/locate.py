"""Where a line and column of a diagram are in the host file: reST (includes too), MyST,
and a diagram file given as the directive's argument.

docutils hands a directive its content with the indentation taken away and tabs expanded
(``tab_width``, 8 by default), so a column of the diagram is not a column of the file.
The file's own line, read only when there is a problem to report, gives it back
(:func:`dagnote.language.positions.file_column`).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from dagnote.language.positions import host_position, split_lines

if TYPE_CHECKING:
    from docutils.statemachine import StringList
    from sphinx.util.docutils import SphinxDirective

#: diagram (line, column) -> (host file, line, column)
Locator = Callable[[int, int], tuple[str, int, int]]
MYST_TAB_WIDTH = 4  # markdown-it's tab stops


def file_locator(path: str) -> Locator:
    """A diagram file: its lines and columns are the file's own."""
    return lambda line, column: (path, line, column)


def inline_locator(directive: SphinxDirective) -> Locator:
    """The directive's content, in the page (or included file) that holds it."""
    content = directive.content
    encoding = str(directive.config.source_encoding or "utf-8-sig")
    if type(directive.state_machine).__name__ == "MockStateMachine":  # MyST: lineno is
        source = str(directive.state.document["source"])  # the fence's line
        first = directive.lineno + directive.content_offset + 1

        def in_myst(line: int, column: int) -> tuple[str, int, int]:
            at = first + line - 1
            return source, at, _column(source, at, content, line, column, MYST_TAB_WIDTH,
                                       encoding)

        return in_myst
    tab_width = int(getattr(directive.state.document.settings, "tab_width", 8) or 8)

    def in_rst(line: int, column: int) -> tuple[str, int, int]:
        index = min(max(line - 1, 0), len(content) - 1)
        source, offset = content.info(index)  # per-line origin, exact across includes
        at = int(offset) + 1 + (line - 1 - index)
        return str(source), at, _column(str(source), at, content, line, column, tab_width,
                                        encoding)

    return in_rst


def _column(path: str, at: int, content: StringList, line: int, column: int,
            tab_width: int, encoding: str) -> int:
    """Column in line ``at`` of ``path`` of ``column`` of the content's line ``line``."""
    return host_position(content, _file_lines(path, encoding), at - line + 1, line, column,
                         tab_width)[1]


def _file_lines(path: str, encoding: str) -> list[str]:
    try:
        mtime = os.stat(path).st_mtime_ns
    except (OSError, ValueError):
        return []
    return _read_lines(path, mtime, encoding)


@functools.lru_cache(maxsize=8)  # a page with many broken diagrams is read once
def _read_lines(path: str, mtime: int, encoding: str) -> list[str]:
    try:
        if not Path(path).is_file():
            return []
        text = Path(path).read_text(encoding=encoding, errors="replace")
    except (OSError, ValueError, LookupError):
        return []
    return split_lines(text.removeprefix("\ufeff"))

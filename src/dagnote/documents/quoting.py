"""What an error box on a page may quote: a bounded excerpt, never a whole file.

A page's error box shows what is wrong with a diagram. It must stay small whatever the
diagram holds (thousands of broken lines are thousands of messages), and it must not
publish a file that is not a diagram (``.. dagnote:: conf.py``): the hosts list at most
:data:`MAX_LISTED_PROBLEMS` problems and at most :data:`MAX_QUOTED_LINES` lines of source;
the build log keeps every message.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_LISTED_PROBLEMS = 20
MAX_QUOTED_LINES = 40
MAX_QUOTED_LINE_LENGTH = 200


def listed(problems: Sequence[str], limit: int = MAX_LISTED_PROBLEMS) -> list[str]:
    """The first ``limit`` problems, and a last line saying how many more the log has."""
    if len(problems) <= limit:
        return list(problems)
    more = len(problems) - limit
    return [*problems[:limit],
            f"... and {more} more problem{'s' if more != 1 else ''} (see the build log)"]


def _cut(line: str) -> str:
    if len(line) <= MAX_QUOTED_LINE_LENGTH:
        return line
    return line[:MAX_QUOTED_LINE_LENGTH] + f" ... ({len(line) - MAX_QUOTED_LINE_LENGTH} more " \
        "characters)"


def excerpt(source: str, lines: int = MAX_QUOTED_LINES) -> str:
    """The first ``lines`` lines of ``source``, each cut at a bounded length, and a last
    line saying how many more there are."""
    all_lines = source.split("\n")
    shown = [_cut(line) for line in all_lines[:lines]]
    more = len(all_lines) - lines
    if more > 0:
        shown.append(f"... ({more} more line{'s' if more != 1 else ''})")
    return "\n".join(shown)


def withheld(path: str, line: int, column: int, severity: str, code: str) -> str:
    """A problem of a file that is not a diagram source: where and what kind, no text."""
    return f"{path}:{line}:{column}: {severity} [{code}]"


#: The last line of a box whose problems are :func:`withheld`.
WITHHELD_NOTE = ("(messages are not shown here: the file is not a .dag diagram source, "
                 "and only those are quoted on a page; the build log has them)")

"""Whether TikZ code from the cache is code the TikZ writer could have written.

TikZ output runs in the author's LaTeX: a forged cache row could ``\\input`` a file or
write one. A cached picture is used only if it is ASCII and every command it names is one
the writer or its label escaping (pylatexenc's table) emits, with ``\\begin``/``\\end``
only around the ``tikzpicture``, no ``^^`` escapes
and balanced braces; anything else is drawn again.
"""

from __future__ import annotations

import functools
import re

from pylatexenc.latexencode import get_builtin_conversion_rules

from .latex_text import _own_rules

_COMMAND = re.compile(r"\\([A-Za-z@]+|.)", re.S)
_WRITER = frozenset({
    "begingroup", "endgroup", "setbox", "hbox", "the", "wd", "pgfmathsetmacro", "dagnoteu",
    "begin", "end",
    "useasboundingbox", "draw", "fill", "filldraw", "node", "textsubscript",
    "textsuperscript", "textbf", "textit", "textrm", "href", "phantom", "rule", "dimexpr",
    "relax", "ifdefined", "fi",
    "bfseries",  # pylatexenc's replacement of a character LaTeX has no name for: {\bfseries ?}
    " ", "%", "#", "~",
})
_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_ENVIRONMENT = re.compile(r"\\(?:begin|end)(?![A-Za-z@])(?!\s*\{tikzpicture\})")


@functools.cache
def allowed_commands() -> frozenset[str]:
    names = set(_WRITER)
    tables = [rule.rule for rule in get_builtin_conversion_rules("defaults")]
    for table in [*tables, _own_rules()]:
        for value in table.values():
            names.update(_COMMAND.findall(value))
    names.discard("\n")
    return frozenset(names)


def trusted_tikz(code: bytes) -> bool:
    """Whether ``code`` holds only what the TikZ writer writes (see the module docstring)."""
    try:
        text = code.decode("ascii")
    except UnicodeDecodeError:
        return False
    text = _COMMENT.sub("", text)
    if "^^" in text or re.search(r"(?<!\\)\^", text) or _ENVIRONMENT.search(text):
        return False
    depth = 0
    for ch in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    if depth:
        return False
    allowed = allowed_commands()
    return all(name in allowed for name in _COMMAND.findall(text))

"""Find dagnote fences in a Markdown file, with the line each one starts on.

One scanner for every Markdown host: the MkDocs plugin scans every page before any is
converted (one render batch; positions for fences SuperFences hands over without one),
and ``dagnote check page.md`` finds exactly the diagrams the built site shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..language.positions import split_lines

FENCE_NAME = "dagnote"

_OPEN_RE = re.compile(r"^(?P<indent>[ \t>]*?)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>.*?)[ \t]*$")
_LANG_RE = re.compile(r"^\{?\s*\.?(?P<lang>[\w#.+-]+)")


@dataclass(frozen=True)
class Fence:
    """One dagnote fence: ``line`` is the 1-based line of its first content line."""

    line: int
    header: str  # everything after the language name
    source: str  # the diagram, with the fence's indentation removed
    indent: str  # what precedes the opening fence (spaces, ``>`` of quotes)


def fence_language(info: str) -> tuple[str, str]:
    """``'dagnote caption="x"'`` -> (``'dagnote'``, ``'caption="x"'``); also ``{.dagnote …}``."""
    m = _LANG_RE.match(info)
    if not m:
        return "", info
    lang = m.group("lang")
    rest = info[m.end():]
    if info.lstrip().startswith("{"):
        rest = "{" + rest  # keep the brace form so the attribute parser sees it
    return lang, rest.strip()


def _strip_prefix(line: str, indent: str) -> str:
    if line.startswith(indent):
        return line[len(indent):]
    return line.lstrip(" \t>") if indent.strip(" \t") else line.lstrip(" \t")


def scan(text: str, name: str = FENCE_NAME) -> list[Fence]:
    """All ``name`` fences in ``text``; fences nested in other code fences are skipped."""
    lines = split_lines(text)  # a file's lines: U+2028 or a form feed ends none
    found: list[Fence] = []
    i = 0
    while i < len(lines):
        m = _OPEN_RE.match(lines[i])
        if not m or (m.group("fence")[0] == "`" and "`" in m.group("info")):
            i += 1
            continue
        fence, indent = m.group("fence"), m.group("indent")
        lang, header = fence_language(m.group("info"))
        close = re.compile(rf"^[ \t>]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        if lang == name:
            body = [_strip_prefix(line, indent) for line in lines[i + 1 : j]]
            found.append(Fence(i + 2, header, "\n".join(body), indent))
        i = j + 1
    return found

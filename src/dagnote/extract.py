"""Find dagnote blocks inside reST and Markdown files, with their line offsets.

The CLI checks and renders these so a document's diagrams can be linted in CI without
building the whole site; lines are reported in the host file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RST_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+dagnote::\s*(.*)$")
_MD_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*\{?\s*\.?dagnote\s*\}?(.*)$")


@dataclass(frozen=True)
class Block:
    """One diagram in a host file; ``offset`` + diagnostic line = line in the host file."""

    source: str
    offset: int
    argument: str = ""  # a file argument (reST) or the fence's attribute text (Markdown)


def rst_blocks(text: str) -> list[Block]:
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _RST_DIRECTIVE.match(lines[i])
        if not m:
            i += 1
            continue
        indent = len(m.group(1))
        argument = m.group(2).strip()
        i += 1
        # options (:name: value) then a blank line, then the indented content
        while i < len(lines) and re.match(r"^\s+:[\w-]+:", lines[i]) and _indent(lines[i]) > indent:
            i += 1
        content: list[str] = []
        start = None
        while i < len(lines):
            line = lines[i]
            if line.strip() and _indent(line) <= indent:
                break
            if start is None and line.strip():
                start = i
            if start is not None:
                content.append(line)
            i += 1
        while content and not content[-1].strip():
            content.pop()
        if start is None:
            blocks.append(Block("", i, argument))
            continue
        body_indent = min(_indent(line) for line in content if line.strip())
        source = "\n".join(line[body_indent:] for line in content)
        blocks.append(Block(source, start, argument))
    return blocks


def md_blocks(text: str) -> list[Block]:
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _MD_FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, rest = len(m.group(1)), m.group(2), m.group(3).strip()
        start = i + 1
        i += 1
        content: list[str] = []
        while i < len(lines) and not lines[i].strip().startswith(fence):
            content.append(lines[i][indent:] if lines[i][:indent].isspace() else lines[i])
            i += 1
        i += 1
        # MyST directive options at the top of the fence (":caption: ...")
        while content and re.match(r"^:[\w-]+:", content[0]):
            content.pop(0)
            start += 1
        blocks.append(Block("\n".join(content), start, rest))
    return blocks


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def blocks_in(path: str, text: str) -> list[Block]:
    """The dagnote blocks of a file by kind (.rst, .md; anything else is one diagram)."""
    lower = path.lower()
    if lower.endswith((".rst", ".rest", ".txt")):
        return rst_blocks(text)
    if lower.endswith((".md", ".markdown")):
        return md_blocks(text)
    return [Block(text, 0)]

"""Find dagnote blocks inside reST and Markdown files, with their line offsets.

The CLI checks and renders these so a document's diagrams can be linted in CI without
building the whole site; lines are reported in the host file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..language.positions import host_position, split_lines
from .fences import scan

_RST_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+dagnote::\s*(.*)$")
_FILE_ATTR = re.compile(r"""(?:^|[\s{])file=(?:"([^"]*)"|'([^']*)'|([^\s}]+))""")


@dataclass(frozen=True)
class Block:
    """One diagram in a host file; ``offset`` + diagnostic line = line in the host file."""

    source: str
    offset: int
    argument: str = ""  # an included file: reST argument, MyST argument or ``file=``
    line: int = 1  # the directive's or fence's own line, for problems with the block
    lines: tuple[str, ...] = ()  # the host file's lines that hold the source, as written

    def locate(self, line: int, column: int) -> tuple[int, int]:
        """Line and column in the host file of a line and column of ``source``."""
        at, column = host_position(split_lines(self.source), self.lines, 1, line, column)
        return at + self.offset, column


def rst_blocks(text: str) -> list[Block]:
    lines = split_lines(text)
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _RST_DIRECTIVE.match(lines[i])
        if not m:
            i += 1
            continue
        directive_line = i + 1
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
            blocks.append(Block("", i, argument, directive_line))
            continue
        body_indent = min(_indent(line) for line in content if line.strip())
        source = "\n".join(line[body_indent:] for line in content)
        blocks.append(Block(source, start, argument, directive_line, tuple(content)))
    return blocks


def md_blocks(text: str) -> list[Block]:
    """The fences the MkDocs plugin renders (same scanner), plus MyST ``{dagnote}`` ones."""
    blocks: list[Block] = []
    lines = split_lines(text)
    for fence in scan(text):
        content = fence.source.split("\n")
        offset = fence.line - 1
        while content and re.match(r"^:[\w-]+:", content[0]):  # MyST options (":caption:")
            content.pop(0)
            offset += 1
        header = fence.header
        if header.startswith("{}"):  # MyST: ```{dagnote} path.dag
            argument = header[2:].strip()
        else:
            m = _FILE_ATTR.search(header)
            argument = next((g for g in m.groups() if g is not None), "") if m else ""
        blocks.append(Block("\n".join(content), offset, argument, fence.line - 1,
                            tuple(lines[offset : offset + len(content)])))
    return blocks


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def blocks_in(path: str, text: str) -> list[Block]:
    """The dagnote blocks of a file by kind (.rst, .md; anything else is one diagram).

    A byte order mark is dropped, as Sphinx and MkDocs drop it when they read a page.
    """
    text = text.removeprefix("\ufeff")
    lower = path.lower()
    if lower.endswith((".rst", ".rest", ".txt")):
        return rst_blocks(text)
    if lower.endswith((".md", ".markdown")):
        return md_blocks(text)
    return [Block(text, 0)]

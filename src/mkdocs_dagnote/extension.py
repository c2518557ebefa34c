"""``markdown_extensions: [dagnote]``: dagnote fences without SuperFences.

A preprocessor that runs just before Python-Markdown's ``fenced_code`` and replaces each
top-level ```` ```dagnote ```` fence with the figure, so the standard extension never
sees it. Used on its own, or installed by the plugin with the plugin's shared renderer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

import dagnote
from dagnote.documents.fences import fence_language

from . import FENCE_NAME
from .fence import FenceError, parse_header, validate
from .renderer import Settings, SiteRenderer

_OPEN_RE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")

#: ``fenced_code`` is registered at 25; run first so dagnote fences never become code.
PRIORITY = 27


class DagnotePreprocessor(Preprocessor):
    """Replaces top-level dagnote fences with stashed figure HTML."""

    def __init__(self, md: Markdown, extension: DagnoteExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        found = list(self._fences(lines))
        # one job for the whole document (the plugin has already started the whole site's)
        by_direction: dict[str | None, list[str]] = {}
        for _, _, source, header in found:
            try:
                opts = validate(*parse_header(header))
            except FenceError:
                continue
            if opts.render and not opts.file:  # render="false": shown as source only
                by_direction.setdefault(opts.direction, []).append(source)
        for direction, sources in by_direction.items():
            self.extension.renderer.prefetch(sources, direction)
        out: list[str] = []
        done = 0
        for start, end, source, header in found:
            out.extend(lines[done:start])
            html = self.extension.fence_html(source, header, md_line=start + 2)
            out.extend(["", self.md.htmlStash.store(html), ""])
            done = end + 1
        out.extend(lines[done:])
        self.extension.renderer.settle()
        return out

    @staticmethod
    def _fences(lines: list[str]) -> Iterator[tuple[int, int, str, str]]:
        """(opening line, closing line, content, header) of each top-level dagnote fence."""
        i = 0
        while i < len(lines):
            m = _OPEN_RE.match(lines[i])
            lang, header = fence_language(m.group("info")) if m else ("", "")
            if not m or lang != FENCE_NAME:
                i += 1
                continue
            fence = m.group("fence")
            close = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            yield i, j, "\n".join(lines[i + 1 : j]), header
            i = j + 1


class DagnoteExtension(Extension):
    """Python-Markdown extension; config mirrors the plugin's for standalone use."""

    def __init__(self, renderer: SiteRenderer | None = None, **kwargs: Any) -> None:
        # ``renderer`` is an object, not a config value (Markdown would coerce it to bool)
        self.config = {
            "cache_dir": [".dagnote-cache", "Cache directory ('' disables the cache)"],
            # no default directory: a Markdown converter outside MkDocs may run anywhere
            "base_dir": ["", "Directory file= paths are confined to ('': file= is disabled)"],
            "summary": [False, "Show the three-element summary under every figure"],
            "show_source": [False, "Show the highlighted source under every figure"],
            "fences": [True, "Handle ```dagnote fences (False when SuperFences does it)"],
        }
        super().__init__(**kwargs)
        self._renderer = renderer

    @property
    def renderer(self) -> SiteRenderer:
        """The plugin's renderer, or one built from this extension's own config."""
        if self._renderer is None:
            cache_dir = self.getConfig("cache_dir")
            base_dir = self.getConfig("base_dir")
            self._renderer = SiteRenderer(
                Settings(
                    cache_dir=Path(cache_dir) if cache_dir else None,
                    base_dir=Path(base_dir) if base_dir else None,
                    summary=bool(self.getConfig("summary")),
                    show_source=bool(self.getConfig("show_source")),
                    options=dagnote.RenderOptions(),
                )
            )
        return self._renderer

    def fence_html(self, source: str, header: str, md_line: int | None = None) -> str:
        """The figure (or error box) for one fence with its raw header text."""
        try:
            values, classes, ident = parse_header(header)
            opts = validate(values, classes, ident)
        except FenceError as exc:
            return self.renderer.html(source, exc, md_line)
        return self.renderer.html(source, opts, md_line)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.registerExtension(self)
        md.dagnote_renderer = self.renderer  # type: ignore[attr-defined] - SuperFences fence
        if self.getConfig("fences"):
            md.preprocessors.register(DagnotePreprocessor(md, self), "dagnote_fence", PRIORITY)


def makeExtension(**kwargs: Any) -> DagnoteExtension:  # noqa: N802 - Python-Markdown's API
    """Entry point for ``markdown.Markdown(extensions=["mkdocs_dagnote.extension"])``."""
    return DagnoteExtension(**kwargs)

"""One build's diagrams: batch rendering, lookup, reporting and the HTML of each fence.

Shared by the Markdown extension, the SuperFences fence and the plugin so that all three
render, cache, locate errors and escape exactly the same way.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from markupsafe import Markup
from mkdocs.exceptions import PluginError

import dagnote
from dagnote.build.progress import Tally
from dagnote.documents.fences import Fence
from dagnote.documents.includes import IncludeError, is_diagram_file, read_include
from dagnote.documents.page import natural_width
from dagnote.documents.quoting import WITHHELD_NOTE, excerpt, listed, withheld
from dagnote.language.positions import host_position, split_lines

from .fence import FenceError, FenceOptions
from .formatter import error_html, figure_html, img_tag, inline_svg, object_tag, source_html

log = logging.getLogger("mkdocs.plugins.dagnote")

Output = Literal["inline", "file"]
OnError = Literal["box", "raise"]
TAB_LENGTH = 4  # Python-Markdown expands a page's tabs to these stops before any extension


class DiagramFailure(PluginError):
    """Raised instead of drawing an error box when ``on_error`` is ``"raise"``.

    A ``PluginError`` so MkDocs stops with the message, not a traceback.
    """


def xref_warnings(source: str, result: dagnote.Rendered) -> list[dagnote.Diagnostic]:
    """Cross-reference link targets are Sphinx's (its domains and inventories): here each
    is a located warning, and the element is drawn without a link."""
    if result.output is None or not dagnote.has_links(result.output.decode("utf-8")):
        return []
    return [dagnote.Diagnostic(line, column, "warning", "link",
                               f"link target '{xref.lstrip(':')}' is a cross-reference, "
                               "which only Sphinx resolves: the element is drawn without "
                               "a link (write a URL)")
            for xref, (line, column) in dagnote.check(source).xrefs.items()]


def normalized(source: str) -> str:
    """A diagram's text the same however a host hands it over.

    Tabs expanded as Python-Markdown does, no trailing blanks or blank lines; leading blank
    lines are kept so diagnostic lines still count from the fence's first content line.
    """
    lines = [line.rstrip() for line in split_lines(source.expandtabs(TAB_LENGTH))]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


@dataclass
class Settings:
    """How the site wants its diagrams (from the plugin or extension config)."""

    cache_dir: Path | None = None
    output: Output = "inline"
    summary: bool = False
    show_source: bool = False  # the source, highlighted, under every figure
    on_error: OnError = "box"
    base_dir: Path | None = None  # file= stays inside it (docs_dir); None: file= refused
    project_dir: Path = field(default_factory=Path.cwd)  # paths in messages are relative to it
    options: dagnote.RenderOptions = field(default_factory=dagnote.RenderOptions)
    assets_dir: str = "assets/dagnote"


@dataclass
class PageContext:
    """The page being converted: where its fences are in the host file."""

    path: str  # shown in messages, e.g. ``docs/bad.md``
    fences: list[Fence] = field(default_factory=list)
    url: str | None = None  # page URL, for relative links to diagram files
    # a figure's relative URLs as seen from the page (MkDocs: ``api.md`` -> ``../api/``)
    link_url: Callable[[str], str] | None = None
    offset: int = 0  # host-file lines before the Markdown the converter sees (front matter)
    lines: list[str] = field(default_factory=list)  # the page file's lines, as written
    directory: Path | None = None  # the page's folder: file= paths are relative to it
    _taken: set[int] = field(default_factory=set)
    svg_ids: dict[str, int] = field(default_factory=dict)  # repeated diagrams on this page
    # built on first use: each fence's text normalised once, so locating every fence of a
    # page is linear in its fences (10,000 tiny fences were a quadratic 20 s)
    _keys: list[str] | None = field(default=None, repr=False)
    _by_text: dict[str, deque[int]] = field(default_factory=dict, repr=False)
    _by_line: dict[int, int] = field(default_factory=dict, repr=False)

    def _index(self) -> list[str]:
        if self._keys is None:
            self._keys = [normalized(f.source) for f in self.fences]
            for i, (f, key) in enumerate(zip(self.fences, self._keys, strict=True)):
                self._by_text.setdefault(key, deque()).append(i)
                self._by_line.setdefault(f.line, i)
        return self._keys

    def locate(self, source: str, md_line: int | None = None) -> int | None:
        """Host-file line of the fence's first content line, or None if unknown.

        Matches the scanned fences by text (first unused one wins), so it works even when
        SuperFences gives no position; falls back to the converter's own line count.
        """
        keys = self._index()
        key = normalized(source)
        if md_line is not None:
            i = self._by_line.get(md_line + self.offset)
            if i is not None and i not in self._taken and keys[i] == key:
                self._taken.add(i)
                return self.fences[i].line
        free = self._by_text.get(key)
        while free and free[0] in self._taken:
            free.popleft()
        if free:
            i = free.popleft()
            self._taken.add(i)
            return self.fences[i].line
        return None if md_line is None else md_line + self.offset


class SiteRenderer:
    """Renders diagrams for one build and turns each fence into HTML."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cache = dagnote.Cache(settings.cache_dir) if settings.cache_dir else None
        # (a fence's direction, the diagram) -> its rendering
        self.results: dict[tuple[str | None, str], dagnote.Rendered] = {}
        self.pending: dict[tuple[str | None, str], tuple[dagnote.RenderJob, int]] = {}
        self.tally = Tally()  # the build's summary line
        self.looked_up = self.to_draw = 0  # by prefetch (the plugin's debug line)
        self.jobs: list[dagnote.RenderJob] = []
        self.assets: dict[str, bytes] = {}
        self.page: PageContext | None = None
        # every page's fences (display path -> fences, the file's lines), so a fence
        # converted outside its page (Material blog's excerpts) is still located
        self.site_pages: dict[str, tuple[list[Fence], list[str]]] = {}
        self._site_index: dict[str, tuple[str, Fence, list[str]]] | None = None
        self._reported: set[str] = set()  # a message of this build is reported once

    # -- rendering -------------------------------------------------------------------
    def options(self, direction: str | None = None) -> dagnote.RenderOptions:
        """The site's options; a fence's own ``direction`` overrides the diagram's."""
        base = self.settings.options
        return replace(base, direction=direction) if direction else base

    def warm_up(self, sources: Iterable[str], direction: str | None = None) -> bool:
        """Start the layout workers in the background if one of ``sources`` is not in the
        cache (V8 and ELK load while the rest of the site is scanned); whether it did."""
        try:
            return dagnote.warm_up([normalized(s) for s in sources], self.options(direction),
                                   self.cache)
        except Exception:  # noqa: BLE001 - only an early start; the build draws anyway
            return False

    def prefetch(self, sources: Iterable[str], direction: str | None = None) -> int:
        """Start drawing every not-yet-known diagram in ONE core job; returns how many.

        Returns once the diagrams are checked and the engine has started: pages are
        converted while the engine lays out their diagrams, and each fence waits only
        for its own batch (see :meth:`rendered`). Cache hits are counted here too: the
        summary line (:attr:`tally`) says how many were drawn.
        """
        todo = list(dict.fromkeys(normalized(s) for s in sources))
        todo = [s for s in todo
                if (direction, s) not in self.results and (direction, s) not in self.pending]
        if not todo:
            return 0
        try:
            job = dagnote.start_render(todo, self.options(direction), self.cache)
        except Exception as exc:  # the core promises not to raise; do not lose a build if it does
            log.warning("dagnote: batch rendering failed (%s); rendering one by one", exc)
            return 0
        self.pending.update(((direction, s), (job, i)) for i, s in enumerate(todo))
        self.jobs.append(job)
        self.looked_up += len(todo)
        self.to_draw += sum(job.drawing(i) for i in range(len(todo)))
        return len(todo)

    def rendered(self, source: str, direction: str | None = None) -> dagnote.Rendered:
        """The rendering of ``source``: from the job, or rendered now if it was missed."""
        key = (direction, normalized(source))
        if key not in self.results:
            waiting = self.pending.pop(key, None)
            if waiting is not None:
                job, index = waiting
                self.results[key] = job.result(index)
            else:
                self.results[key] = dagnote.render_many(
                    [key[1]], self.options(direction), self.cache)[0]
            self.tally.count(self.results[key])
        return self.results[key]

    def settle(self) -> None:
        """Wait for the cache writes of every job whose images have all been taken (its
        writer thread then ends: a long Markdown session must not collect idle threads)."""
        live = {id(job) for job, _ in self.pending.values()}
        for job in [j for j in self.jobs if id(j) not in live]:
            job.flush()
            self.tally.timed(job)
            self.jobs.remove(job)

    def finish(self) -> None:
        """Draw what no page asked for (a page another plugin dropped) and wait until
        the cache holds every new drawing."""
        for direction, source in list(self.pending):
            self.rendered(source, direction)
        for job in self.jobs:
            job.flush()
            self.tally.timed(job)
        self.jobs.clear()

    @property
    def engine_failed(self) -> bool:
        """Whether the engine failed for some diagram (then the cache saw no lookups).

        Complete only after :meth:`finish` (the plugin calls it first in on_post_build).
        """
        return any(r.engine_error for r in self.results.values())

    # -- locating --------------------------------------------------------------------
    def add_page(self, path: str, fences: list[Fence], lines: list[str]) -> None:
        """Remember a page's fences (file lines) to locate them from anywhere."""
        if fences:
            self.site_pages[path] = (fences, lines)
            self._site_index = None

    def _page_of(self, source: str) -> PageContext | None:
        """The page that holds this diagram, for a fence converted outside any page (the
        blog plugin renders each post again as an excerpt, in a converter of its own)."""
        if self._site_index is None:
            self._site_index = {}
            for path, (fences, lines) in self.site_pages.items():
                for fence in fences:
                    self._site_index.setdefault(normalized(fence.source), (path, fence, lines))
        found = self._site_index.get(normalized(source))
        if found is None:
            return None
        path, fence, lines = found
        folder = self.settings.project_dir / Path(path).parent
        return PageContext(path=path, fences=[fence], lines=lines, directory=folder)

    def display_path(self, path: Path) -> str:
        """``docs/page.md`` style: relative to the project, with forward slashes."""
        try:
            rel = os.path.relpath(path, self.settings.project_dir)
        except ValueError:
            rel = str(path)
        return rel.replace(os.sep, "/")

    def include(self, opts: FenceOptions, page_dir: Path | None = None) -> tuple[str, Path]:
        """Read a ``file=`` diagram: relative to the page (``/x.dag``: to the docs
        directory), confined to the docs directory."""
        assert opts.file is not None
        if self.settings.base_dir is None:
            raise IncludeError(f"file={opts.file!r}", "file= is disabled: no docs directory "
                               "is configured (the extension's base_dir option)")
        path, text = read_include(opts.file, self.settings.base_dir, page_dir)
        return text, path

    # -- the HTML of one fence --------------------------------------------------------
    def html(
        self,
        source: str,
        opts: FenceOptions | FenceError,
        md_line: int | None = None,
    ) -> str:
        """Figure (or error box) for one fence; problems go to the MkDocs log."""
        page = self.page or self._page_of(source)
        page_path = page.path if page else "<markdown>"
        line = page.locate(source, md_line) if page else md_line
        # fence-level problems (attributes, file=) point at the opening fence line
        where = f"{page_path}:{line - 1}" if line is not None else page_path
        if isinstance(opts, FenceError):
            return self._fail([f"{where}: error: {opts}"], source)
        diag_path, offset, suffix = page_path, (line - 1) if line is not None else None, ""
        host_lines: list[str] = page.lines if page else []  # for columns of the file
        if opts.file:
            if source.strip():
                return self._fail(
                    [f"{where}: error: a fence with file= must be empty (use one or the other)"],
                    source,
                )
            try:
                source, path = self.include(opts, page.directory if page else None)
            except IncludeError as exc:
                return self._fail([f"{where}: error: {exc}"], None)
            host_lines = split_lines(source)
            diag_path, offset, suffix = self.display_path(path), 0, f" (included from {where})"
            # a file that is not a diagram source (notes.txt) is located on the page, not quoted
            quoted = is_diagram_file(path)
        else:
            quoted = True
        if not opts.render:  # render="false": the source only, neither checked nor drawn
            if not quoted:
                return self._fail([f"{where}: error: render=\"false\" shows only .dag "
                                   f"files, not {opts.file!r}"], None)
            return source_html(source)
        if opts.show_problems:  # as if the diagram said so: its lines stay put
            source = dagnote.with_problems_shown(source)
        source = normalized(source)
        result = self.rendered(source, opts.direction)
        messages, shown = [], []
        block_lines = source.split("\n")
        for d in [*result.diagnostics, *xref_warnings(source, result)]:
            if offset is None:
                text = (f"{diag_path}: dagnote fence line {d.line}:{d.column}: "
                        f"{d.severity}: {d.message} [{d.code}]")
            else:  # the line and column of the file: indentation and tab expansion undone
                first = offset + 1
                d = d.relocated(lambda at, col, first=first: host_position(
                    block_lines, host_lines, first, at, col, TAB_LENGTH))
                text = d.format(diag_path)
            messages.append(text + suffix)
            shown.append(text + suffix if quoted else withheld(
                diag_path, d.line, d.column, d.severity, d.code) + suffix)
        if result.engine_error:
            messages.append(f"{where}: error: the engine failed: {result.engine_error}")
            shown.append(messages[-1])
        if result.output is None:
            if not messages:
                messages.append(f"{where}: error: the diagram produced no image")
                shown.append(messages[-1])
            if not quoted:
                return self._fail(messages, None, [*listed(shown), WITHHELD_NOTE])
            return self._fail(messages, source)
        for text in messages:  # warnings of a drawn diagram (lint): report, still draw
            self._report(text)
        figure = self._figure(result, opts)
        show = self.settings.show_source if opts.show_source is None else opts.show_source
        return figure + source_html(source) if show and quoted else figure

    def _figure(self, result: dagnote.Rendered, opts: FenceOptions) -> str:
        assert result.output is not None
        summary = result.summary.lines()
        show = self.settings.summary if opts.summary is None else opts.summary
        if self.settings.output == "file":
            output, linked = self._file_links(result.output)
            name = hashlib.sha256(output).hexdigest()[:20] + ".svg"
            rel = f"{self.settings.assets_dir.strip('/')}/{name}"
            self.assets[rel] = output
            alt = opts.alt or result.summary.text()
            image: Markup = (object_tag if linked else img_tag)(self._url(rel), alt)
        else:
            svg = dagnote.with_links(result.output.decode("utf-8"),  # URLs only
                                     rebase=self.page.link_url if self.page else None)
            image = inline_svg(dagnote.for_page(svg, opts.alt, self._copy_number(svg)))
        if opts.scale and not opts.width:  # a share of the drawing's own width
            natural = natural_width(result.output.decode("utf-8"))
            if natural:
                opts = replace(opts, width=f"{natural * opts.scale / 100:.2f}pt")
        return figure_html(image, opts, summary, show)

    def _file_links(self, output: bytes) -> tuple[bytes, bool]:
        """A linked figure written to a file: its links relative to the file, opened in
        the page (an ``<object>``: links in an ``<img>`` cannot be clicked)."""
        svg = output.decode("utf-8")
        if not dagnote.has_links(svg):
            return output, False
        page = self.page.url if self.page and self.page.url else ""
        where = self.settings.assets_dir.strip("/")
        to_page = self.page.link_url if self.page and self.page.link_url else str
        svg = dagnote.with_links(
            svg, rebase=lambda url: dagnote.rebase(to_page(url), page, where), top=True)
        return svg.encode("utf-8"), dagnote.has_links(svg)

    def _copy_number(self, svg: str) -> int:
        """How many times this diagram has appeared on the page so far (ids must not repeat)."""
        prefix = dagnote.root_id(svg)
        if prefix is None or self.page is None:
            return 1
        self.page.svg_ids[prefix] = self.page.svg_ids.get(prefix, 0) + 1
        return self.page.svg_ids[prefix]

    def _url(self, rel: str) -> str:
        from mkdocs.utils import get_relative_url  # only needed for file output in MkDocs

        page_url = self.page.url if self.page and self.page.url is not None else ""
        return get_relative_url(rel, page_url) if page_url else rel

    def _report(self, message: str) -> None:
        """Log a problem; one located on a page is logged once a build, however often
        its fence is converted (a blog post and each of its excerpts)."""
        if not message.startswith("<markdown>"):
            if message in self._reported:
                return
            self._reported.add(message)
        log.warning(message)

    def _fail(self, messages: list[str], source: str | None,
              shown: list[str] | None = None) -> str:
        """Report every message; the page's box gets a bounded list (``shown``, by default
        the messages) and a bounded excerpt of the source (see dagnote.documents.quoting)."""
        if self.settings.on_error == "raise":
            raise DiagramFailure("\n".join(messages))
        for text in messages:
            self._report(text)
        box = shown if shown is not None else listed(messages)
        return error_html(box, excerpt(source) if source else None)

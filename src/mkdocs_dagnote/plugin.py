"""``plugins: [dagnote]``: the whole MkDocs integration in one line of ``mkdocs.yml``.

Registers the fence (SuperFences custom fence when the site uses SuperFences, the plain
extension otherwise), renders every page's diagrams in one batch before any page is
converted, keeps the cache in the project, writes diagrams inline or as files, adds the
stylesheet, prunes unused cache entries and reports problems as ``docs/page.md:LINE``.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import replace
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

import dagnote
from dagnote.build.options import DIRECTIONS, FONT_FAMILIES, RenderOptions
from dagnote.documents.fences import Fence, scan
from dagnote.documents.includes import IncludeError, read_include
from dagnote.language.positions import split_lines

from . import FENCE_NAME
from .extension import DagnoteExtension
from .fence import FenceError, parse_header, validate
from .links import markdown_links
from .renderer import PageContext, Settings, SiteRenderer
from .settings import Timeout

log = logging.getLogger("mkdocs.plugins.dagnote")

SUPERFENCES = "pymdownx.superfences"
_INLINE_SVG_START = re.compile(r'<svg\b[^>]*\bclass="dagnote"[^>]*>')
CORE_CSS = "assets/dagnote/dagnote.css"
SITE_CSS = "assets/dagnote/mkdocs-dagnote.css"


class DagnotePluginConfig(base.Config):
    """``plugins: - dagnote: {…}`` options."""

    cache_dir = c.Type(str, default=".dagnote-cache")
    output = c.Choice(("inline", "file"), default="inline")
    summary = c.Type(bool, default=False)
    show_source = c.Type(bool, default=False)
    show_problems = c.Type(bool, default=False)
    direction = c.Optional(c.Choice(DIRECTIONS))
    font_size = c.Type((int, float), default=RenderOptions().font_size)
    font_family = c.Choice(FONT_FAMILIES, default="sans-serif")
    timeout = Timeout()
    on_error = c.Choice(("warn", "raise"), default="warn")
    prune_cache = c.Type(bool, default=True)
    css = c.Type(bool, default=True)


def park_svgs(html: str, tag: str) -> tuple[str, list[str]]:
    """The page with each dagnote SVG replaced by a numbered comment, and the SVGs.

    The comments carry ``tag``, a random word the page cannot know (:func:`unpark_svgs`
    only restores comments with it): a page that holds ``<!--dagnote-svg-0-->`` keeps it.
    Each SVG's end is found with ``str.find`` (the core's SVGs hold no nested ``<svg>``):
    a lazy ``.*?</svg>`` pattern costs ~2.5 ms on a page of ten diagrams.
    """
    parts: list[str] = []
    parked: list[str] = []
    pos = 0
    while (start := _INLINE_SVG_START.search(html, pos)) is not None:
        end = html.find("</svg>", start.end())
        if end < 0:
            break
        end += len("</svg>")
        parts.append(html[pos : start.start()])
        parts.append(f"<!--dagnote-svg-{tag}-{len(parked)}-->")
        parked.append(html[start.start() : end])
        pos = end
    if not parked:
        return html, parked
    parts.append(html[pos:])
    return "".join(parts), parked


def unpark_svgs(html: str, tag: str, parked: list[str]) -> str:
    """Put each parked SVG back at its comment, once; other text is left as it is."""
    placeholder = re.compile(rf"<!--dagnote-svg-{re.escape(tag)}-(\d+)-->")
    left = set(range(len(parked)))

    def back(m: re.Match[str]) -> str:
        index = int(m.group(1))
        if index not in left:
            return m.group(0)
        left.discard(index)
        return parked[index]

    return placeholder.sub(back, html)


class DagnotePlugin(BasePlugin[DagnotePluginConfig]):
    """Batch-renders dagnote fences for the whole site."""

    def __init__(self) -> None:
        self.renderer: SiteRenderer | None = None
        self.fences: dict[str, list[Fence]] = {}
        self.dirty = False
        self.superfences = False
        self.parked: dict[str, list[str]] = {}  # page -> inline SVGs kept out of search
        self.tag = secrets.token_hex(8)  # in the parking comments: no page can forge them

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this instance across `mkdocs serve` rebuilds.
        self.dirty = dirty

    # -- configuration ------------------------------------------------------------------
    @event_priority(-50)  # after other plugins have added their extensions
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        project = Path(config.config_file_path or ".").resolve().parent
        cache_dir = self.config.cache_dir
        settings = Settings(
            cache_dir=(project / cache_dir) if cache_dir else None,
            output=self.config.output,
            summary=self.config.summary,
            show_source=self.config.show_source,
            on_error="raise" if self.config.on_error == "raise" else "box",
            base_dir=Path(config.docs_dir).resolve(),
            project_dir=project,
            options=dagnote.RenderOptions(
                default_direction=self.config.direction,  # a diagram's own beats it
                font_size=float(self.config.font_size),
                font_family=self.config.font_family,
                timeout=float(self.config.timeout),
                show_problems=self.config.show_problems,
            ),
        )
        self.renderer = SiteRenderer(settings)
        self.fences = {}
        self._register_fence(config)
        if self.config.css:
            config.extra_css.extend(css for css in (CORE_CSS, SITE_CSS)
                                    if css not in config.extra_css)
        return config

    def _register_fence(self, config: MkDocsConfig) -> None:
        """SuperFences custom fence if the site uses SuperFences, else our extension."""
        exts = config.markdown_extensions
        # a `- dagnote` entry is replaced by the plugin's own instance (shared renderer)
        exts[:] = [e for e in exts if not (isinstance(e, str) and e == FENCE_NAME)]
        config.mdx_configs.pop(FENCE_NAME, None)
        uses_superfences = self.superfences = SUPERFENCES in exts
        if uses_superfences:
            # imported only here: sites without SuperFences do not pay for pymdownx
            from .superfences import fence_format, fence_validator

            sf = config.mdx_configs.setdefault(SUPERFENCES, {})
            fences = sf.setdefault("custom_fences", [])
            fences[:] = [f for f in fences if f.get("name") != FENCE_NAME]
            fences.append({"name": FENCE_NAME, "class": FENCE_NAME,
                           "validator": fence_validator, "format": fence_format})
        exts.append(DagnoteExtension(renderer=self.renderer, fences=not uses_superfences))

    # -- one batch before any page is converted -------------------------------------------
    @event_priority(-50)  # after plugins that add pages in on_files/on_nav
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        # MkDocs converts every page's Markdown before on_env: on_nav is the last moment
        # at which all pages are known and none is converted yet.
        assert self.renderer is not None
        every: dict[str | None, list[str]] = {}
        warm = False  # layout workers started (the first page with a diagram to draw)
        for file in files.documentation_pages():
            try:
                text = file.content_string
            except (OSError, UnicodeDecodeError):
                continue  # MkDocs reports unreadable pages itself
            found = scan(text)
            self.fences[file.src_uri] = found
            self.renderer.add_page(self._display(file, config), found, split_lines(text))
            for direction, sources in self._sources(found, self._folder(file, config)).items():
                every.setdefault(direction, []).extend(sources)
                warm = warm or self.renderer.warm_up(sources, direction)
        for direction, sources in every.items():  # ONE job for the site (per direction)
            self.renderer.prefetch(sources, direction)
        log.debug("dagnote: %d diagram(s) looked up, %d to draw (the others: from the "
                  "cache, or with errors)", self.renderer.looked_up, self.renderer.to_draw)
        return nav

    def _sources(self, found: list[Fence], folder: Path) -> dict[str | None, list[str]]:
        """Each fence's diagram by the fence's direction, reading file= diagrams too
        (relative to the page's folder; errors are reported when the page is converted)."""
        assert self.renderer is not None
        by_direction: dict[str | None, list[str]] = {}
        for fence in found:
            try:
                opts = validate(*parse_header(fence.header))
            except FenceError:
                opts = validate({})
            if not opts.render:
                continue  # shown as source, never drawn
            sources = by_direction.setdefault(opts.direction, [])
            if opts.file and self.renderer.settings.base_dir:
                try:
                    sources.append(read_include(opts.file, self.renderer.settings.base_dir,
                                                folder)[1])
                except IncludeError:
                    pass
            elif fence.source.strip():
                sources.append(fence.source)
        return by_direction

    @staticmethod
    def _folder(file: File, config: MkDocsConfig) -> Path:
        """The page's folder on disk (file= paths are relative to it)."""
        return (Path(config.docs_dir) / file.src_uri).parent.resolve()

    # -- each page ----------------------------------------------------------------------
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        assert self.renderer is not None
        file = page.file
        offset = 0
        lines: list[str] = []
        try:
            raw = file.content_string
            if raw.endswith(markdown) and markdown:  # front matter, read off already
                offset = raw[: len(raw) - len(markdown)].count("\n")
            lines = split_lines(raw)  # to report columns of the file, as written
        except (OSError, UnicodeDecodeError):
            pass
        display = self._display(file, config)
        found = self.fences.get(file.src_uri)
        if found is None:  # a page another plugin added after on_nav (blog posts): scan
            # it now, its lines counted in the file (after the front matter)
            found = [replace(f, line=f.line + offset) for f in scan(markdown)]
            self.fences[file.src_uri] = found
            self.renderer.add_page(display, found, lines)
            for direction, sources in self._sources(found, self._folder(file, config)).items():
                self.renderer.prefetch(sources, direction)
        self.renderer.page = PageContext(
            path=display, fences=list(found), url=page.url, offset=offset, lines=lines,
            link_url=markdown_links(file, files), directory=self._folder(file, config),
        )
        if self.superfences:
            from .superfences import readable_headers

            markdown, rewritten = readable_headers(markdown)
            for line, header, quoted in rewritten:
                log.warning(
                    "%s:%d: warning: SuperFences cannot read this dagnote fence header (%s) "
                    "and would show the fence, and every fence after it, as text; %s",
                    self.renderer.page.path, line + offset, header,
                    f"write it as {quoted}" if quoted else
                    "its attributes are dropped: quote every value (width=\"300\")")
        return markdown

    def _display(self, file: File, config: MkDocsConfig) -> str:
        """How messages name a page: ``docs/page.md`` (generated pages: in docs_dir)."""
        assert self.renderer is not None
        path = Path(file.abs_src_path or Path(config.docs_dir) / file.src_uri)
        return self.renderer.display_path(path)

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Park inline SVGs behind placeholders until the page is written.

        The search plugin parses every page's HTML after this event; 200 inline diagrams
        are ~27,000 SVG tags of path data and cost it ~0.5 s on every build, warm ones
        included. Captions and summaries stay in the page, so search still finds them.
        """
        if self.renderer is not None:
            self.renderer.page = None
        html, parked = park_svgs(html, self.tag)
        if parked:
            self.parked[page.file.src_uri] = parked
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Put the parked SVGs back into the written page."""
        parked = self.parked.pop(page.file.src_uri, None)
        if not parked:
            return output
        return unpark_svgs(output, self.tag, parked)

    # -- after the build ------------------------------------------------------------------
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.config.css:
            for uri, path in ((CORE_CSS, dagnote.stylesheet_path()), (SITE_CSS, _site_css())):
                if files.get_file_from_path(uri) is None:
                    files.append(File.generated(config, uri, abs_src_path=str(path)))
        return files

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.renderer is not None
        self.renderer.finish()
        if self.renderer.tally.diagrams:
            log.info(self.renderer.tally.line())
        site = Path(config.site_dir)
        for rel, data in self.renderer.assets.items():
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists() or target.read_bytes() != data:
                target.write_bytes(data)
        cache = self.renderer.cache
        # prune only after a build that looked every diagram up: a missing engine means no
        # lookups at all, and pruning then would empty the whole cache
        if (self.config.prune_cache and not self.dirty and cache is not None
                and not self.renderer.engine_failed):
            removed = cache.prune()  # keeps what this build looked up
            if removed:
                log.info("dagnote: pruned %d unused cache entr%s", removed,
                         "y" if removed == 1 else "ies")


def _site_css() -> Path:
    return Path(__file__).with_name("mkdocs-dagnote.css")

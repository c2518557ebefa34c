"""Collect every diagram at read time; render the missing ones in one batch before writing.

sphinx.ext.graphviz runs the engine once per diagram while pages are written. Here the
directive only notes (source, direction) in the environment; when the first page is
resolved for writing, all of them go to ``dagnote.render_many`` (one call per render-option
set, normally one), and the writers (forked workers under ``-j`` included) only look
results up. A rebuild that writes no page draws nothing.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

import dagnote as core

from .config import cache_dir
from .nodes import dagnote

logger = logging.getLogger(__name__)

Locator = Callable[[int], tuple[str, int]]
ENV_KEY = "dagnote_diagrams"


@dataclass(frozen=True)
class Entry:
    """One diagram occurrence: what to render and where to report engine failures."""

    source: str
    direction: str | None
    location: str


def _registry(env: BuildEnvironment) -> dict[str, list[Entry]]:
    if not hasattr(env, ENV_KEY):
        setattr(env, ENV_KEY, {})
    return getattr(env, ENV_KEY)


def note(env: BuildEnvironment, node: dagnote) -> None:
    """Remember a checked diagram of the current document for the batch render."""
    entry = Entry(node["source"], node["direction"], node["location"])
    _registry(env).setdefault(env.docname, []).append(entry)


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """Forget a document's diagrams before it is read again."""
    _registry(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: Set[str],
          other: BuildEnvironment) -> None:
    """Take the diagrams read by a parallel worker (``-j``)."""
    theirs = _registry(other)
    ours = _registry(env)
    for docname in docnames:
        if docname in theirs:
            ours[docname] = theirs[docname]


def image_format(builder: Builder) -> str | None:
    """Which image a builder embeds: SVG for HTML-like, PDF for LaTeX, none otherwise."""
    if builder.format == "html":
        return "svg"
    if builder.format == "latex":
        return "pdf"
    return None


def options(builder: Builder, fmt: str, direction: str | None) -> core.RenderOptions:
    config = builder.config
    return core.RenderOptions(engine=config.dagnote_engine, format=fmt,  # type: ignore[arg-type]
                              direction=direction, timeout=float(config.dagnote_timeout),
                              default_direction=config.dagnote_direction,
                              font_size=float(config.dagnote_font_size))


Key = tuple[str, "str | None", str]
_RESULTS: weakref.WeakKeyDictionary[Builder, dict[Key, core.Rendered]] = (
    weakref.WeakKeyDictionary())


_PENDING: weakref.WeakSet[Builder] = weakref.WeakSet()


def start_writing(app: Sphinx, builder: Builder) -> None:
    """``write-started``: forget last build's images; draw when the first page needs them.

    A rebuild that writes no page (nothing changed) then draws, reads and imports nothing.
    """
    _RESULTS.pop(builder, None)
    _PENDING.add(builder)


def render_pending(app: Sphinx, doctree: object, docname: str) -> None:
    """``doctree-resolved`` (main process, before any page is written or a writer forked):
    render the whole project's diagrams in one batch, once per build."""
    builder = app.builder
    if builder in _PENDING:
        _PENDING.discard(builder)
        render_all(app, builder)


def render_all(app: Sphinx, builder: Builder) -> None:
    """Render every diagram of the project that the cache lacks, in one batch."""
    fmt = image_format(builder)
    results = _RESULTS.setdefault(builder, {})
    if fmt is None:
        return
    entries = [e for doc in sorted(_registry(app.env)) for e in _registry(app.env)[doc]]
    groups: dict[str | None, list[str]] = {}
    for e in entries:
        sources = groups.setdefault(e.direction, [])
        if (e.source, e.direction, fmt) not in results and e.source not in sources:
            sources.append(e.source)
    cache = core.Cache(cache_dir(builder))
    for direction, sources in groups.items():
        if not sources:
            continue
        rendered = _safe_render_many(sources, options(builder, fmt, direction), cache)
        for source, result in zip(sources, rendered, strict=True):
            results[(source, direction, fmt)] = result
    _report_engine_errors(entries, results, fmt)


def _safe_render_many(sources: list[str], opts: core.RenderOptions,
                      cache: core.Cache) -> list[core.Rendered]:
    try:
        return core.render_many(sources, opts, cache)
    except Exception as exc:  # the core promises none; never crash a build
        message = f"{type(exc).__name__}: {exc}"
        return [core.Rendered(source=s, diagnostics=[], summary=core.Summary(),
                              engine_error=message) for s in sources]


def _report_engine_errors(entries: Iterable[Entry], results: dict[Key, core.Rendered],
                          fmt: str) -> None:
    for e in entries:
        result = results.get((e.source, e.direction, fmt))
        if result is not None and result.output is None and result.engine_error:
            logger.warning("could not render the diagram as %s: %s", fmt.upper(),
                           result.engine_error, type="dagnote", subtype="engine",
                           location=e.location)


def rendered(builder: Builder, node: dagnote, fmt: str) -> core.Rendered:
    """The image of a node; renders it alone only if the batch somehow missed it."""
    key = (node["source"], node["direction"], fmt)
    results = _RESULTS.setdefault(builder, {})
    if key not in results:
        cache = core.Cache(cache_dir(builder))
        results[key] = _safe_render_many([node["source"]],
                                         options(builder, fmt, node["direction"]), cache)[0]
    return results[key]

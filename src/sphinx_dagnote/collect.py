"""Collect every diagram at read time and draw them in one job while the build goes on.

sphinx.ext.graphviz runs the engine once per diagram while pages are written. Here the
directive notes (source, direction) in the environment, and each page's diagrams go to the
build's render job as soon as the page is read (one job per direction, normally one), so
layout workers draw them while Sphinx reads the rest; when the first page is resolved for
writing, the diagrams of pages not read in this process join the job, and the writers
(forked workers under ``-j`` included) only take results. A rebuild that reads and writes
no page draws nothing.
"""

from __future__ import annotations

import contextlib
import os
import weakref
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.display import status_iterator

import dagnote as core
from dagnote.build.progress import Tally

from .config import cache_dir
from .nodes import dagnote

logger = logging.getLogger(__name__)

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
    """Which image a builder embeds: SVG for HTML-like, TikZ for LaTeX, none otherwise."""
    if builder.format == "html":
        return "svg"
    if builder.format == "latex":
        return "tikz"
    return None


def options(builder: Builder, fmt: str, direction: str | None) -> core.RenderOptions:
    config = builder.config
    return core.RenderOptions(format=fmt,  # type: ignore[arg-type]
                              direction=direction, timeout=float(config.dagnote_timeout),
                              default_direction=config.dagnote_direction,
                              font_size=float(config.dagnote_font_size),
                              show_problems=bool(config.dagnote_show_problems),
                              font_family=config.dagnote_font_family)


Key = tuple[str, "str | None", str]
_RESULTS: weakref.WeakKeyDictionary[Builder, dict[Key, core.Rendered]] = (
    weakref.WeakKeyDictionary())
# diagrams being drawn: taken (and then forgotten) when their page is written
_JOBS: weakref.WeakKeyDictionary[Builder, dict[Key, tuple[core.RenderJob, int]]] = (
    weakref.WeakKeyDictionary())


_PENDING: weakref.WeakSet[Builder] = weakref.WeakSet()

# the build's render jobs, one per direction: pages read hand their diagrams to them
# (and the build waits for their cache writes at its end) ...
_BUILD_JOBS: weakref.WeakKeyDictionary[Builder, dict[str | None, core.RenderJob | _Failed]] = (
    weakref.WeakKeyDictionary())
# ... and where each diagram handed over at read time waits, until writing takes it over
_READ: weakref.WeakKeyDictionary[Builder, dict[Key, tuple[core.RenderJob | _Failed, int]]] = (
    weakref.WeakKeyDictionary())

# diagrams of this build that could not be drawn; their documents are read and written
# again by the next build (a failure is never served from the environment)
_FAILED: weakref.WeakKeyDictionary[Builder, set[Key]] = weakref.WeakKeyDictionary()
FAILED_FILE = "dagnote-failed.txt"  # in the doctree directory: one docname a line


_WARMED: weakref.WeakSet[Builder] = weakref.WeakSet()  # layout workers asked to start

# this build's diagrams, counted as each is taken, for the summary line at the end
_TALLY: weakref.WeakKeyDictionary[Builder, Tally] = weakref.WeakKeyDictionary()


def draw_while_reading(app: Sphinx, doctree: object) -> None:
    """``doctree-read``: hand this document's diagrams to the build's job at once, so the
    layout workers draw them while Sphinx reads the rest (the first diagram not in the
    cache starts the workers in the background). Not in the processes ``-j`` forks to
    read (they end with their share of the documents): there drawing starts at writing."""
    builder = app.builder
    fmt = image_format(builder)
    if fmt is None or getattr(app, "parallel", 0) > 1:
        return
    entries = _registry(app.env).get(app.env.docname)
    if not entries:
        return
    if builder not in _WARMED:
        cache = core.Cache(cache_dir(builder))
        try:
            if any(core.warm_up([e.source], options(builder, fmt, e.direction), cache)
                   for e in entries):
                _WARMED.add(builder)
        finally:
            cache.close()
    queued = _READ.setdefault(builder, {})
    _queue(builder, fmt, _new_sources(entries, fmt, queued), queued, more=True)


def _new_sources(entries: list[Entry], fmt: str,
                 *known: dict[Key, object]) -> dict[str | None, list[str]]:
    """The diagrams of ``entries`` not in any of ``known``, each once, by direction."""
    groups: dict[str | None, list[str]] = {}
    for e in entries:
        sources = groups.setdefault(e.direction, [])
        key = (e.source, e.direction, fmt)
        if not any(key in k for k in known) and e.source not in sources:
            sources.append(e.source)
    return groups


def _queue(builder: Builder, fmt: str, groups: dict[str | None, list[str]],
           into: dict[Key, tuple[core.RenderJob | _Failed, int]], more: bool) -> None:
    """Hand ``groups`` (sources by direction) to the build's jobs and note in ``into``
    where each one waits. ``more`` (while reading): a batch not yet full waits for the
    next pages' diagrams; without it, every job sends what waits."""
    jobs = _BUILD_JOBS.setdefault(builder, {})
    directions = list(groups) if more else list(dict.fromkeys([*groups, *jobs]))
    for direction in directions:
        sources = groups.get(direction, [])
        if not sources and direction not in jobs:
            continue
        job = jobs.get(direction)
        if job is None:
            # one cache (one SQLite connection) for all of the build's jobs, as two
            # connections creating the database at once can fail to store an entry
            cache = next((j.cache for j in jobs.values() if isinstance(j, core.RenderJob)),
                         None) or core.Cache(cache_dir(builder))
            job = jobs[direction] = _safe_start([], options(builder, fmt, direction), cache)
        try:
            first = job.add(sources, more)
        except Exception as exc:  # noqa: BLE001 - the core promises none
            job, first = _Failed(sources, f"{type(exc).__name__}: {exc}"), 0
        for index, source in enumerate(sources, first):
            into[(source, direction, fmt)] = (job, index)


def _failed_file(app: Sphinx) -> Path:
    return Path(app.doctreedir) / FAILED_FILE


def outdated(app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str],
             removed: Set[str]) -> list[str]:
    """``env-get-outdated``: documents with a diagram the last build could not draw."""
    try:
        names = _failed_file(app).read_text(encoding="utf-8").split("\n")
    except OSError:  # none failed (no file): the common case costs one stat
        return []
    return [name for name in names if name in env.found_docs]


def _remember_failures(app: Sphinx) -> None:
    """Write the documents whose diagrams failed in this build (or remove the file)."""
    failed = _FAILED.pop(app.builder, set())
    docs = sorted(doc for doc, entries in _registry(app.env).items()
                  if any((e.source, e.direction, fmt) in failed
                         for e in entries for fmt in ("svg", "tikz")))
    path = _failed_file(app)
    with contextlib.suppress(OSError):
        if docs:
            path.write_text("\n".join(docs), encoding="utf-8")
        elif path.exists():
            path.unlink()


def start_writing(app: Sphinx, builder: Builder) -> None:
    """``write-started``: forget last build's images; draw when the first page needs them.

    A rebuild that writes no page (nothing changed) then draws, reads and imports nothing.
    """
    _RESULTS.pop(builder, None)
    _JOBS.pop(builder, None)
    _TALLY.pop(builder, None)
    _PENDING.add(builder)


def render_pending(app: Sphinx, doctree: object, docname: str) -> None:
    """``doctree-resolved`` (main process, before any page is written or a writer forked):
    start drawing the whole project's diagrams in one job, once per build."""
    builder = app.builder
    if builder in _PENDING:
        _PENDING.discard(builder)
        render_all(app, builder)


def render_all(app: Sphinx, builder: Builder) -> None:
    """Start one job for every diagram of the project (cache hits answer at once).

    Pages written in this process take their images as they are written, so the engine
    lays out later pages' diagrams meanwhile, and each image is dropped once its page is
    out. Forked writers (``-j``) cannot wait for this process's engine threads: then
    every image is taken before the first fork.
    """
    fmt = image_format(builder)
    results = _RESULTS.setdefault(builder, {})
    jobs = _JOBS.setdefault(builder, {})
    if fmt is None:
        return
    jobs.update(_READ.pop(builder, {}))  # handed over while their pages were read
    entries = [e for doc in sorted(_registry(app.env)) for e in _registry(app.env)[doc]]
    _queue(builder, fmt, _new_sources(entries, fmt, results, jobs), jobs, more=False)
    _TALLY[builder] = Tally()
    if getattr(builder, "parallel_ok", False) or builder.format == "latex":
        # every image is needed before the first page is written (forked writers; one
        # LaTeX document holds them all): draw them now, with Sphinx's progress display
        _take_all(app, builder, entries, fmt)


def _take_all(app: Sphinx, builder: Builder, entries: list[Entry], fmt: str) -> None:
    """Take every diagram from its job, showing progress over those still to be drawn."""
    jobs = _JOBS.setdefault(builder, {})
    drawing: dict[Key, Entry] = {}
    for e in entries:
        key = (e.source, e.direction, fmt)
        job, index = jobs.get(key, (None, 0))
        if isinstance(job, core.RenderJob) and job.drawing(index):
            drawing.setdefault(key, e)
    shown = status_iterator(drawing.items(), "drawing dagnote diagrams... ", "darkgreen",
                            len(drawing), app.verbosity,
                            lambda item: os.path.relpath(item[1].location, app.srcdir))
    for key, e in shown:
        _take(builder, key, e.location)
    for e in entries:
        _take(builder, (e.source, e.direction, fmt), e.location)


def _failed(source: str, message: str) -> core.Rendered:
    """A diagram the core could not draw for a reason outside the diagram."""
    return core.Rendered(source=source, diagnostics=[], summary=core.Summary(),
                         engine_error=message)


class _Failed:
    """Stands in for a job that could not start: every diagram carries the reason."""

    def __init__(self, sources: list[str], message: str) -> None:
        self.sources = list(sources)
        self.message = message

    def add(self, sources: list[str], more: bool = False) -> int:
        first = len(self.sources)
        self.sources += sources
        return first

    def result(self, index: int) -> core.Rendered:
        return _failed(self.sources[index], self.message)

    take = result

    def results(self) -> list[core.Rendered]:
        return [self.result(i) for i in range(len(self.sources))]


def _safe_start(sources: list[str], opts: core.RenderOptions,
                cache: core.Cache) -> core.RenderJob | _Failed:
    try:
        return core.start_render(sources, opts, cache)
    except Exception as exc:  # the core promises none; never crash a build
        return _Failed(sources, f"{type(exc).__name__}: {exc}")


def _take(builder: Builder, key: Key, location: str) -> core.Rendered | None:
    """Move a diagram from its job to the results, reporting an engine failure once."""
    waiting = _JOBS.setdefault(builder, {}).pop(key, None)
    if waiting is None:
        return None
    job, index = waiting
    try:
        result = job.take(index)
    except Exception as exc:  # noqa: BLE001 - the core promises none; never crash a build
        result = _failed(key[0], f"{type(exc).__name__}: {exc}")
    _count(builder, result)
    if result.output is None and result.engine_error:
        logger.warning("could not render the diagram as %s: %s", key[2].upper(),
                       result.engine_error, type="dagnote", subtype="engine",
                       location=location)
        _FAILED.setdefault(builder, set()).add(key)
    _RESULTS.setdefault(builder, {})[key] = result
    return result


def _count(builder: Builder, result: core.Rendered) -> None:
    tally = _TALLY.get(builder)
    if tally is not None:
        tally.count(result)


def finish_writing(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: draw what no written page took, wait for the cache and say
    what this build drew (``dagnote: 37 diagrams, 35 from cache, 2 drawn in 0.4 s``)."""
    for job, index in _JOBS.pop(app.builder, {}).values():
        try:
            _count(app.builder, job.result(index))
        except Exception:  # noqa: BLE001, S112 - the core promises none; the build is over
            continue
    _READ.pop(app.builder, None)
    tally = _TALLY.pop(app.builder, None)
    for job in _BUILD_JOBS.pop(app.builder, {}).values():
        if isinstance(job, _Failed):
            continue
        job.flush()
        if tally is not None:
            tally.timed(job)
    if tally is not None and exception is None:
        logger.info(tally.line())
    if image_format(app.builder) is not None:
        _remember_failures(app)


def rendered(builder: Builder, node: dagnote, fmt: str) -> core.Rendered:
    """The image of a node: from the build's job, else from the cache (or drawn alone)."""
    key = (node["source"], node["direction"], fmt)
    results = _RESULTS.setdefault(builder, {})
    result = results.get(key) or _take(builder, key, node["location"])
    if result is None:
        result = _safe_start([node["source"]], options(builder, fmt, node["direction"]),
                             core.Cache(cache_dir(builder))).results()[0]
        results[key] = result  # a repeat of a diagram taken already: counted then
        if result.output is None and result.engine_error:
            _FAILED.setdefault(builder, set()).add(key)
    if result.output is not None and not getattr(builder, "parallel_ok", False):
        # written once: a repeat of this diagram reads the cache instead of memory
        results.pop(key, None)
    return result

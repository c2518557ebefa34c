"""One render path for every host: check, cache lookup, batched engine runs, SVG post-process.

Performance notes (see bench/README.md):

* a cache entry holds the image *and* the diagram's diagnostics and summary, so a warm
  build answers every diagram from the cache without parsing it (a hit costs one file
  read and a hash, tens of microseconds);
* :func:`check` and :func:`render_many` share a small memo of compiled diagrams, so a host
  that checks at read time and renders later (Sphinx) parses each diagram once;
* misses are compiled, laid out and post-processed in a pipeline: each batch of graphs goes
  to an engine process as soon as its DOT is ready, up to one engine process per core,
  while this thread prepares the next batch and post-processes finished ones;
* the layout modules (DOT, SVG, XML) are imported only when something must be drawn.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from . import engine as engines
from .cache import Cache, cache_key
from .diagnostics import Diagnostic, EngineError
from .options import RenderOptions
from .result import Checked, ObjectiveSummary, Rendered, Summary

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .compile import Compiled
    from .layout import Layout

BATCH_SIZE = 25  # at most this many graphs per graphviz-pure process (starts in ~2 ms)
SYSTEM_BATCH_SIZE = 50  # system dot starts in 20-60 ms (plugins, fonts): fewer, larger runs
MIN_BATCH = 8  # a few diagrams always share one process
MEMO_SIZE = 256  # compiled diagrams kept between check() and render_many()
META = b"dagnote-meta-1 "  # cache entry body: META + JSON + b"\n" + image

_memo: OrderedDict[str, Compiled] = OrderedDict()
_memo_lock = threading.Lock()


def _compiled(source: str) -> Compiled:
    """compile_source with a small LRU memo (a Compiled is never mutated afterwards)."""
    with _memo_lock:
        hit = _memo.get(source)
        if hit is not None:
            _memo.move_to_end(source)
            return hit
    from .compile import compile_source

    compiled = compile_source(source)
    with _memo_lock:
        _memo[source] = compiled
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return compiled


def clear_memo() -> None:
    """Forget compiled diagrams (benchmarks and tests that measure cold work)."""
    with _memo_lock:
        _memo.clear()


def check(source: str) -> Checked:
    """Parse and check a diagram without rendering it."""
    compiled = _compiled(source)
    return Checked(source, list(compiled.diagnostics), compiled.summary)


def render(source: str, options: RenderOptions | None = None,
           cache: Cache | None = None) -> Rendered:
    """Render one diagram (see :func:`render_many`, which hosts should prefer)."""
    return render_many([source], options, cache)[0]


# -- cache entries: image plus diagnostics and summary -------------------------------------


def _source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()


def _pack(source: str, compiled: Compiled, output: bytes) -> bytes:
    meta = {"source": _source_hash(source),
            "diagnostics": [asdict(d) for d in compiled.diagnostics],
            "summary": asdict(compiled.summary)}
    return META + json.dumps(meta, ensure_ascii=True).encode("ascii") + b"\n" + output


def _unpack(source: str, body: bytes) -> tuple[bytes, tuple[list[Diagnostic], Summary] | None]:
    """The image and, when recorded for exactly this source, its diagnostics and summary."""
    if not body.startswith(META):
        return body, None  # an entry without metadata: the image alone
    head, _, output = body.partition(b"\n")
    try:
        meta: dict[str, Any] = json.loads(head[len(META):])
        if meta.get("source") != _source_hash(source):
            return output, None  # same drawing, different text (lines may differ)
        diagnostics = [Diagnostic(**d) for d in meta["diagnostics"]]
        s = meta["summary"]
        summary = Summary(tuple(s["data"]), tuple(s["trained"]), tuple(s["frozen"]),
                          tuple(ObjectiveSummary(o["name"], o["direction"],
                                                 tuple(o["updates"]), o.get("phase"))
                                for o in s["objectives"]))
    except (ValueError, KeyError, TypeError):
        return output, None
    return output, (diagnostics, summary)


# -- rendering ------------------------------------------------------------------------------


def render_many(sources: Sequence[str], options: RenderOptions | None = None,
                cache: Cache | None = None) -> list[Rendered]:
    """Render every diagram of a build: cache hits first, then few batched engine runs."""
    options = options or RenderOptions()
    results: list[Rendered | None] = [None] * len(sources)
    engine: engines.Engine | None = None
    engine_error: str | None = None
    try:
        engine = engines.resolve(options.engine,
                                 memo_dir=cache.directory if cache is not None else None)
    except EngineError as exc:
        engine_error = str(exc)
    keys: dict[int, str] = {}
    if engine is not None:
        keys = {i: cache_key(s, options, engine.name, engine.version)
                for i, s in enumerate(sources)}
    if cache is not None and engine is not None:
        for i, source in enumerate(sources):
            body = cache.get(keys[i])
            if body is None:
                continue
            output, meta = _unpack(source, body)
            if meta is None:
                known = _compiled(source)
                meta = (list(known.diagnostics), known.summary)
            results[i] = Rendered(source, meta[0], meta[1], output=output, from_cache=True,
                                  extra={"cache_key": keys[i]})
    missing: list[int] = []
    compiled: dict[int, Compiled] = {}
    for i, source in enumerate(sources):
        if results[i] is not None:
            continue
        c = _compiled(source)
        results[i] = Rendered(source, list(c.diagnostics), c.summary)
        if c.has_errors:
            continue
        if engine is None:
            results[i].engine_error = engine_error  # type: ignore[union-attr]
            continue
        compiled[i] = c
        missing.append(i)
        results[i].extra["cache_key"] = keys[i]  # type: ignore[union-attr]
    done: list[Rendered] = [r for r in results if r is not None]
    if not missing or engine is None:
        return done
    # identical diagrams render once
    unique: dict[str, int] = {}
    for i in missing:
        unique.setdefault(keys[i], i)
    firsts = list(unique.values())
    outputs = _render_uncached([compiled[i] for i in firsts], [keys[i] for i in firsts],
                               engine, options)
    by_key: dict[str, bytes | str] = {keys[i]: out for i, out in zip(firsts, outputs, strict=True)}
    for i in missing:
        out = by_key[keys[i]]
        if isinstance(out, bytes):
            done[i].output = out
        else:
            done[i].engine_error = out
    if cache is not None:
        for i in firsts:
            out = by_key[keys[i]]
            if isinstance(out, bytes):
                cache.put(keys[i], _pack(sources[i], compiled[i], out))
    _forget([sources[i] for i in firsts])
    return done


def _forget(sources: Sequence[str]) -> None:
    """Drop drawn diagrams from the memo: their models are not needed again, and a large
    build should not hold every model while its pages are written."""
    with _memo_lock:
        for source in sources:
            _memo.pop(source, None)


def batches(count: int, workers: int, limit: int = BATCH_SIZE) -> list[range]:
    """Split ``count`` graphs into engine runs: one per core for small sets, at most
    ``limit`` graphs each, never fewer than ``MIN_BATCH`` per run."""
    if count <= 0:
        return []
    size = min(limit, max(MIN_BATCH, -(-count // max(1, workers))))
    return [range(i, min(i + size, count)) for i in range(0, count, size)]


def _render_uncached(items: list[Compiled], keys: list[str], engine: engines.Engine,
                     options: RenderOptions) -> list[bytes | str]:
    """Outputs (bytes) or engine error messages (str), in order."""
    if not items:
        return []
    from .layout import to_dot

    fmt = "svg" if options.format == "pdf" and "pdf" not in engine.formats else options.format
    cores = os.cpu_count() or 1
    limit = BATCH_SIZE if engine.name == engines.EMBEDDED else SYSTEM_BATCH_SIZE
    chunks = batches(len(items), cores, limit)
    layouts: list[Layout] = []

    def run_chunk(dots: list[str]) -> list[bytes | str]:
        try:
            return list(engines.run(engine, dots, fmt, options.timeout))
        except EngineError as exc:
            if len(dots) == 1:
                return [str(exc)]
            return [out for d in dots for out in run_chunk([d])]  # find the failing one

    raw: list[bytes | str] = []
    workers = min(len(chunks), cores)
    if workers <= 1:
        for chunk in chunks:
            layouts += [to_dot(items[i].diagram, options.font_size, options.direction,
                               options.default_direction) for i in chunk]
            raw += run_chunk([layouts[i].dot for i in chunk])
        return _finish(items, keys, layouts, raw, fmt, options)
    from concurrent.futures import ThreadPoolExecutor

    # each batch starts in an engine process as soon as its DOT exists
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dagnote-engine") as pool:
        futures: list[Future[list[bytes | str]]] = []
        for chunk in chunks:
            layouts += [to_dot(items[i].diagram, options.font_size, options.direction,
                               options.default_direction) for i in chunk]
            futures.append(pool.submit(run_chunk, [layouts[i].dot for i in chunk]))
        results: list[bytes | str] = []
        for chunk, future in zip(chunks, futures, strict=True):
            part = future.result()
            results += _finish([items[i] for i in chunk], [keys[i] for i in chunk],
                               [layouts[i] for i in chunk], part, fmt, options)
    return results


def _finish(items: list[Compiled], keys: list[str], layouts: list[Layout],
            raw: list[bytes | str], fmt: str, options: RenderOptions) -> list[bytes | str]:
    """Post-process engine SVG into the inline-ready image (or PDF)."""
    from .svg import postprocess

    results: list[bytes | str] = []
    for index, out in enumerate(raw):
        if isinstance(out, str) or fmt != "svg":
            results.append(out)
            continue
        summary = items[index].summary
        expected = len(layouts[index].titles)
        if out.count(b'class="node') < expected:  # valid SVG, but not this diagram's
            results.append(f"the engine wrote an SVG without the diagram's {expected} elements")
            continue
        try:
            svg = postprocess(out, f"dagnote-{keys[index][:12]}", _title(items[index]),
                              summary.text(), layouts[index].titles)
            if options.format == "pdf":
                svg = engines.svg_to_pdf(svg, options.timeout)
            results.append(svg)
        except EngineError as exc:
            results.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - engine output we cannot parse
            results.append(f"the engine wrote SVG that cannot be read: {exc}")
    return results


def _title(compiled: Compiled) -> str:
    s = compiled.summary
    if not s.objectives:
        return "Diagram: " + (", ".join(s.trained + s.frozen) or "values")
    objs = ", ".join(("minimise " if o.direction == "min" else "maximise ") + o.name
                     for o in s.objectives)
    return f"Training setup: {objs}"

"""One render path for every host: check, cache lookup, batched engine runs, SVG post-process."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from . import engine as engines
from .cache import Cache, cache_key
from .compile import Compiled, compile_source
from .diagnostics import Diagnostic, EngineError
from .layout import to_dot
from .limits import MAX_NODES
from .options import RenderOptions
from .result import Checked, Rendered
from .svg import postprocess

BATCH_SIZE = 25  # graphs per engine process; several processes run when cores allow


def check(source: str) -> Checked:
    """Parse and check a diagram without rendering it."""
    compiled = compile_source(source)
    return Checked(source, compiled.diagnostics, compiled.summary)


def render(source: str, options: RenderOptions | None = None,
           cache: Cache | None = None) -> Rendered:
    """Render one diagram (see :func:`render_many`, which hosts should prefer)."""
    return render_many([source], options, cache)[0]


def _node_limit(compiled: Compiled) -> Compiled:
    if len(compiled.diagram.nodes) > MAX_NODES:
        first = Diagnostic(1, 1, "error", "too-large",
                           f"diagram has {len(compiled.diagram.nodes)} elements; "
                           f"the limit is {MAX_NODES}")
        compiled.diagnostics = sorted([*compiled.diagnostics, first])
    return compiled


def render_many(sources: Sequence[str], options: RenderOptions | None = None,
                cache: Cache | None = None) -> list[Rendered]:
    """Render every diagram of a build: cache hits first, then few batched engine runs."""
    options = options or RenderOptions()
    compiled = [_node_limit(compile_source(s)) for s in sources]
    results = [Rendered(s, c.diagnostics, c.summary)
               for s, c in zip(sources, compiled, strict=True)]
    todo = [i for i, c in enumerate(compiled) if not c.has_errors]
    if not todo:
        return results
    try:
        engine = engines.resolve(options.engine)
    except EngineError as exc:
        for i in todo:
            results[i].engine_error = str(exc)
        return results
    keys = {i: cache_key(sources[i], options, engine.name, engine.version) for i in todo}
    missing: list[int] = []
    for i in todo:
        hit = cache.get(keys[i]) if cache is not None else None
        if hit is not None:
            results[i].output = hit
            results[i].from_cache = True
        else:
            missing.append(i)
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
            results[i].output = out
        else:
            results[i].engine_error = out
    if cache is not None:
        for i in firsts:
            out = by_key[keys[i]]
            if isinstance(out, bytes):
                cache.put(keys[i], out)
    return results


def _render_uncached(items: list[Compiled], keys: list[str], engine: engines.Engine,
                     options: RenderOptions) -> list[bytes | str]:
    """Outputs (bytes) or engine error messages (str), in order."""
    if not items:
        return []
    layouts = [to_dot(c.diagram, options.font_size, options.direction) for c in items]
    fmt = "svg" if options.format == "pdf" and "pdf" not in engine.formats else options.format
    chunks = [list(range(i, min(i + BATCH_SIZE, len(items))))
              for i in range(0, len(items), BATCH_SIZE)]

    def run_chunk(chunk: list[int]) -> list[bytes | str]:
        dots = [layouts[i].dot for i in chunk]
        try:
            return list(engines.run(engine, dots, fmt, options.timeout))
        except EngineError as exc:
            if len(chunk) == 1:
                return [str(exc)]
            return [out for i in chunk for out in run_chunk([i])]  # find the failing one

    workers = max(1, min(len(chunks), os.cpu_count() or 1))
    if workers == 1:
        raw = [out for chunk in chunks for out in run_chunk(chunk)]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            raw = [out for outs in pool.map(run_chunk, chunks) for out in outs]
    results: list[bytes | str] = []
    for index, out in enumerate(raw):
        if isinstance(out, str) or fmt != "svg":
            results.append(out)
            continue
        summary = items[index].summary
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

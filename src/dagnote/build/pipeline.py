"""One render path for every host: check, cache lookup, batched ELK layouts, SVG drawing.

Performance notes (see bench/README.md):

* a cache entry holds the image *and* the diagram's diagnostics and summary, so a warm
  build answers every diagram from the cache without parsing it (a hit costs one database
  row and a hash, tens of microseconds);
* :func:`check` and :func:`render_many` share a small memo of compiled diagrams, so a host
  that checks at read time and renders later (Sphinx) parses each diagram once;
* misses are checked on the caller's thread and queued in batches; a few waiting threads
  (one per core) each prepare a batch's ELK graphs, send them to a layout worker process
  (V8 running ELK, kept warm for the life of this process) and draw the images, so only
  the batches in flight hold scenes and layouts, and the host meanwhile reads and writes
  its pages;
* the drawing modules (scene, ELK graph, SVG writer, XML) are imported only when something
  must be drawn.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ..language.diagnostics import Diagnostic, EngineError
from .cache import Cache, cache_key
from .layout_memo import LayoutMemo, graph_key
from .options import RenderOptions
from .result import Checked, ObjectiveSummary, Rendered, Summary

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from ..drawing.problems import Problems
    from ..drawing.scene import Scene
    from ..language.compile import Compiled

# diagrams per request to a layout worker. A batch's scenes, ELK graphs and parsed layouts
# are held until it is drawn, so smaller batches keep the build's peak memory down (25 ->
# 8: 87.6 -> ~84 MiB in a 200-diagram Sphinx build) while the pipes cost well under a
# millisecond a request
BATCH_SIZE = 8
ENGINE = "elk"
# part of every cache key: a new ELK bundle or a change to the drawing code redraws all
DRAWING_VERSION = "elkjs-0.12.1/drawing-2"
MEMO_SIZE = 256  # compiled diagrams kept between check() and render_many()
META = b"dagnote-meta-1 "  # cache entry body: META + JSON + b"\n" + image
# a cache entry saying the layout did not finish within TIMEOUT seconds (then the number):
# later builds report it at once instead of waiting again, unless given more time
TIMEOUT_ENTRY = b"dagnote-timed-out-1 "
# layouts stopped at their timeout in one job before the rest of its diagrams are no longer
# tried: a build spends at most about this many timeouts per worker on layouts that hang
HUNG_BUDGET = 2
# ELK's work grows with the layers its edges cross (one dummy node each); past this a
# layout takes seconds (measured: 2,500 -> 2.5 s, 4,300 -> 5.7 s, 7,000 -> 17 s)
MAX_LAYOUT_COST = 3000

_memo: OrderedDict[str, Compiled] = OrderedDict()
_memo_lock = threading.Lock()
_runs = 0
_runs_lock = threading.Lock()


def engine_runs() -> int:
    """How many layout requests this process has sent to its workers (tests, benchmarks)."""
    return _runs


def _compiled(source: str) -> Compiled:
    """compile_source with a small LRU memo (a Compiled is never mutated afterwards)."""
    with _memo_lock:
        hit = _memo.get(source)
        if hit is not None:
            _memo.move_to_end(source)
            return hit
    from ..language.compile import compile_source

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
    """Parse and check a diagram without drawing it: fast, and no layout worker starts.

    :param source: the diagram's text (the content of a ``dagnote`` block or ``.dag`` file).
    :returns: its diagnostics (errors and warnings, each with line and column) and its
        three-element summary; ``.ok`` is false when there is an error.
    """
    compiled = _compiled(source)
    xrefs = {x: (p.line, p.column) for x, p in compiled.diagram.xrefs.items()}
    return Checked(source, list(compiled.diagnostics), compiled.summary, xrefs)


def warm_up(sources: Sequence[str], options: RenderOptions | None = None,
            cache: Cache | None = None) -> bool:
    """Start the layout workers in the background if one of ``sources`` is not in the
    cache, and say whether it did. A host calls it while it reads its pages, so V8 and ELK
    load (about half a second a worker) before the first drawing is asked for; a rebuild
    whose diagrams are all cached starts nothing.

    :param sources: diagram texts about to be rendered.
    :param options: the options they will be rendered with (they are part of the cache key).
    :param cache: the cache they will be rendered with; ``None`` counts every one a miss.
    :returns: whether workers were started.
    """
    options = options or RenderOptions()
    for source in sources:
        key = cache_key(source, options, ENGINE, DRAWING_VERSION)
        if cache is None or cache.get(key) is None:
            from ..drawing.elk_runner import pool

            pool().warm()
            return True
    return False


def render(source: str, options: RenderOptions | None = None,
           cache: Cache | None = None) -> Rendered:
    """Check, lay out and draw one diagram.

    Rendering many diagrams one by one pays a round trip to a layout worker for each: a
    build should hand them all to :func:`render_many` or :func:`start_render` at once.

    :param source: the diagram's text.
    :param options: format, direction, font size and timeout (default:
        ``RenderOptions()``, SVG).
    :param cache: where drawings are kept between runs; ``None`` draws every time.
    :returns: the image in :attr:`Rendered.output`, or ``None`` there with the reason in
        :attr:`Rendered.diagnostics` or :attr:`Rendered.engine_error`. Never raises for a
        bad diagram.
    """
    return render_many([source], options, cache)[0]


# -- cache entries: image plus diagnostics and summary -------------------------------------


def _source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()


def _pack(source: str, diagnostics: Sequence[Diagnostic], summary: Summary,
          output: bytes) -> bytes:
    meta = {"source": _source_hash(source),
            "diagnostics": [asdict(d) for d in diagnostics],
            "summary": asdict(summary)}
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
        diagnostics = [Diagnostic(**{**d, "related": tuple(map(tuple, d.get("related", ())))})
                       for d in meta["diagnostics"]]
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
    """Render every diagram of a build: cache hits first, then few batched engine runs.

    :param sources: the diagram texts; identical ones are drawn once.
    :param options: as for :func:`render`, the same for every diagram.
    :param cache: as for :func:`render`.
    :returns: one :class:`Rendered` per source, in the order given.
    """
    return start_render(sources, options, cache).results()


def start_render(sources: Sequence[str], options: RenderOptions | None = None,
                 cache: Cache | None = None) -> RenderJob:
    """Start rendering a build's diagrams and return at once (see :class:`RenderJob`).

    A host that asks for each image only when it writes that image's page lets the engine
    processes lay out later diagrams while it converts earlier pages.

    :param sources: the diagram texts, as for :func:`render_many`.
    :param options: as for :func:`render`.
    :param cache: as for :func:`render`.
    :returns: a job whose :meth:`RenderJob.result` gives diagram ``i`` when it is drawn;
        diagnostics and cache hits are known at once.
    """
    return RenderJob(sources, options or RenderOptions(), cache)


@dataclass(frozen=True)
class _Drawing:
    """What drawing needs of one diagram once it is laid out."""

    title: str
    desc: str
    scenes: list[Scene]  # one per panel; each is one ELK graph
    problems: Problems  # marked in the figure, explained under it (show problems)


@dataclass
class _Batch:
    """One layout request: its diagrams and, once a waiting thread has laid them out and
    drawn them, each one's image or error message."""

    indices: list[int]
    future: Future[list[bytes | str]]


class RenderJob:
    """A build's diagrams: diagnostics and cache hits at once, drawings as batches finish.

    The constructor (and each :meth:`add`) answers cache hits, then checks the misses and
    queues them in batches for a few waiting threads (one per core). Each thread prepares
    its batch's ELK graphs, has a layout worker process lay them out (holding no lock
    while V8 works) and draws the images, so a build holds the scenes and layouts of the
    batches in flight only, and finished images as SVG bytes: its memory does not grow
    with its diagrams' layouts. Equal ELK graphs (diagrams that differ only in short
    labels, colours, links or comments) are laid out once per job. :meth:`result` waits
    only for the batch holding that diagram; cache entries are written by a writer thread
    (:meth:`flush` waits for it).
    Call it from one thread; the waiting threads do not survive a fork, so a host that
    forks takes every result first. Made by :func:`start_render`.
    """

    def __init__(self, sources: Sequence[str], options: RenderOptions,
                 cache: Cache | None) -> None:
        self.options = options
        self.cache = cache
        self.sources: list[str] = []
        self.started = time.perf_counter()  # for the build's summary line (progress.py)
        self.finished: float | None = None  # when the last batch was drawn; None: none was
        self._results: list[Rendered | None] = []  # None: taken by the host
        self._first: dict[int, int] = {}  # a waiting diagram -> the identical one drawn
        self._copies: dict[int, list[int]] = {}  # a diagram drawn -> identical ones waiting
        self._batch_of: dict[int, _Batch] = {}
        self._hung = _Budget(HUNG_BUDGET)
        self._layouts = LayoutMemo()  # equal ELK graphs of different diagrams
        self._writer: ThreadPoolExecutor | None = None
        self._keys: dict[int, str] = {}
        self._drawn: dict[str, int] = {}  # cache key -> the diagram that draws it
        self._ready: list[int] = []  # checked, waiting for a batch to fill
        self._threads: ThreadPoolExecutor | None = None
        self.add(sources)

    def add(self, sources: Sequence[str], more: bool = False) -> int:
        """Queue more diagrams: a host that reads its pages one at a time hands over each
        page's diagrams as it reads them, so layouts run while it reads the rest. Their
        results are got as for the first ones; returns the index of the first added.

        ``more`` says more diagrams follow soon: a batch not yet full then waits for them
        (layout requests stay large), until an ``add`` without it or a :meth:`result` of
        one of its diagrams sends it.
        """
        first = len(self.sources)
        todo: list[int] = []
        for i, source in enumerate(sources, first):
            self.sources.append(source)
            self._keys[i] = cache_key(source, self.options, ENGINE, DRAWING_VERSION)
            hit = self._from_cache(i, source)
            self._results.append(hit)
            if hit is None:
                todo.append(i)
        self._check_and_start(todo, more)
        return first

    # -- setting up -----------------------------------------------------------------------
    def _from_cache(self, i: int, source: str) -> Rendered | None:
        if self.cache is None:
            return None
        body = self.cache.get(self._keys[i])
        if body is None:
            return None
        if body.startswith(TIMEOUT_ENTRY):
            return self._timed_out_before(i, source, body)
        output, meta = _unpack(source, body)
        if not _trusted(output, self.options.format):
            return None  # not what the writer writes: drawn again, and the row replaced
        if meta is None:
            known = _compiled(source)
            meta = (list(known.diagnostics), known.summary)
        return Rendered(source, meta[0], meta[1], output=output, from_cache=True,
                        extra={"cache_key": self._keys[i]})

    def _timed_out_before(self, i: int, source: str, body: bytes) -> Rendered | None:
        """A diagram whose layout an earlier build stopped at its timeout: reported at
        once, unless this build allows more time (then it is tried again)."""
        try:
            seconds = float(body[len(TIMEOUT_ENTRY):])
        except ValueError:
            return None
        if not self.options.timeout <= seconds:
            return None
        known = _compiled(source)
        return Rendered(source, list(known.diagnostics), known.summary, from_cache=True,
                        engine_error=f"the layout did not finish within {seconds:g} s in an "
                        "earlier build: simplify the diagram, split it, or allow more "
                        "time (the timeout setting)",
                        extra={"cache_key": self._keys[i]})

    def _check_and_start(self, todo: list[int], more: bool = False) -> None:
        """Check every diagram the cache did not answer and queue the ones to draw, a
        batch at a time, so layout starts after the first batch is checked, not after the
        whole build's diagrams are. With ``more``, a batch not yet full waits for the
        diagrams to come (see :meth:`add`)."""
        for i in todo:
            source = self.sources[i]
            c = _compiled(source)
            result = Rendered(source, list(c.diagnostics), c.summary)
            self._results[i] = result
            if c.has_errors:
                continue
            result.extra["cache_key"] = self._keys[i]
            first = self._drawn.get(self._keys[i])
            if first is None or self._first.get(first) != first:
                first = self._drawn[self._keys[i]] = i  # none, or handed out already
            self._first[i] = first
            if first != i:
                self._copies.setdefault(first, []).append(i)
                continue
            self._ready.append(i)
            if len(self._ready) == BATCH_SIZE:
                self._submit()
        if not more:
            self._send_waiting()

    def _submit(self) -> None:
        """Send the diagrams ready as one batch to a waiting thread (one per core)."""
        if self._threads is None:
            from concurrent.futures import ThreadPoolExecutor

            self._threads = ThreadPoolExecutor(max_workers=os.cpu_count() or 1,
                                               thread_name_prefix="dagnote-layout")
        ready, self._ready = self._ready, []
        batch = _Batch(ready, self._threads.submit(self._lay_out, ready))
        for i in ready:
            self._batch_of[i] = batch

    def _send_waiting(self) -> None:
        """Send a batch that waited for more diagrams; the threads end with their last
        batch (a later :meth:`add` starts new ones)."""
        if self._ready:
            self._submit()
        if self._threads is not None:
            self._threads.shutdown(wait=False)
            self._threads = None

    def _lay_out(self, indices: list[int]) -> list[bytes | str]:
        """One batch, on a waiting thread: ELK graphs, one layout request, the images."""
        o = self.options
        graphs: list[dict[str, Any]] = []
        drawings: dict[int, _Drawing] = {}
        outputs: dict[int, bytes | str] = {}
        for i in indices:
            prepared = _prepare(self.sources[i], o)
            if isinstance(prepared, str):
                outputs[i] = prepared
            else:
                drawings[i], elk = prepared
                graphs += elk
        # the models are not needed again: a large build does not hold them
        _forget([self.sources[i] for i in indices])
        laid_out: list[dict[str, Any] | str | None] = (
            list(_run_batch(graphs, o.timeout, self._hung, self._layouts)) if graphs else [])
        del graphs
        start = 0
        for i in list(drawings):
            # each diagram's scenes and parsed layout are let go once it is drawn, so a
            # batch's memory shrinks as it is drawn instead of staying until its end
            drawing = drawings.pop(i)
            count = len(drawing.scenes)
            mine = laid_out[start:start + count]
            laid_out[start:start + count] = [None] * count
            outputs[i] = _finish(drawing, self._keys[i], mine, o)  # type: ignore[arg-type]
            del drawing, mine
            start += count
        self.finished = max(self.finished or 0.0, time.perf_counter())
        return [outputs[i] for i in indices]

    # -- results --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._results)

    def result(self, index: int) -> Rendered:
        """Diagram ``index``, waiting for its engine batch if it is still being drawn."""
        result = self._results[index]
        if result is None:
            raise ValueError(f"diagram {index} was already taken from this job")
        if self._ready:
            self._send_waiting()  # its batch may be one still waiting to fill
        first = self._first.pop(index, None)
        if first is None:
            return result  # a hit, a diagram with errors, or already finished
        if first != index:
            self._finish_drawing(first)  # sets this copy's output too
            return result
        self._finish_drawing(index)
        return result

    def drawing(self, index: int) -> bool:
        """Whether diagram ``index`` is still to be drawn (a host's progress display)."""
        return index in self._first

    def take(self, index: int) -> Rendered:
        """Like :meth:`result`, but the job forgets the diagram: a host that takes each
        image once, as it writes its page, does not keep every image of a build alive."""
        result = self.result(index)
        self._results[index] = None
        return result

    def _finish_drawing(self, index: int) -> None:
        """Give diagram ``index`` (the first of identical ones) its image once its batch
        is drawn, and every identical diagram still waiting."""
        from ..drawing.elk_runner import TIMED_OUT as LAYOUT_TIMED_OUT

        self._first.pop(index, None)
        batch = self._batch_of.pop(index, None)
        if batch is None:
            return  # finished already (through an identical diagram)
        try:
            out = batch.future.result()[batch.indices.index(index)]
        except Exception as exc:  # noqa: BLE001 - a waiting thread must not lose the build
            out = f"the layout failed: {exc}"
        self._hand_out(index, out)
        if (isinstance(out, str) and out.startswith(LAYOUT_TIMED_OUT)
                and self.cache is not None):
            seconds = str(self.options.timeout).encode("ascii")
            self._write(lambda cache: cache.put(self._keys[index], TIMEOUT_ENTRY + seconds))

    def _hand_out(self, index: int, out: bytes | str) -> None:
        """Diagram ``index``'s image (or error) to it and every identical diagram waiting;
        an image is cached."""
        result = self._results[index]
        copies = [result] + [self._results[d] for d in self._copies.pop(index, ())]
        for copy in copies:
            if copy is None:
                continue
            if isinstance(out, bytes):
                copy.output = out
            else:
                copy.engine_error = out
        if isinstance(out, bytes) and self.cache is not None:
            assert result is not None
            self._store(self._keys[index], result, out)

    def results(self) -> list[Rendered]:
        """Every diagram, in the order given (waits for all engine batches and for the
        cache to hold every new drawing)."""
        done = [self.result(i) for i in range(len(self._results))]
        self.flush()
        return done

    def _store(self, key: str, result: Rendered, output: bytes) -> None:
        """Cache a drawing on a writer thread: an SQLite insert (~0.16 ms, more when
        another build holds the database) runs with the GIL released, so the host's thread
        need not wait for it."""
        meta = (result.source, list(result.diagnostics), result.summary)
        self._write(lambda cache: cache.put(key, _pack(*meta, output)))

    def _write(self, put: Callable[[Cache], None]) -> None:
        """Run a cache write on the writer thread."""
        if self._writer is None:
            from concurrent.futures import ThreadPoolExecutor

            self._writer = ThreadPoolExecutor(max_workers=1,
                                              thread_name_prefix="dagnote-cache")
        cache = self.cache
        assert cache is not None
        self._writer.submit(put, cache)

    def flush(self) -> None:
        """Wait until every drawing taken so far is in the cache."""
        self._send_waiting()
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None


def _prepare(source: str, options: RenderOptions) -> tuple[_Drawing, list[dict[str, Any]]] | str:
    """A diagram's scenes and ELK graphs, or why it cannot be laid out."""
    from ..drawing.elk_graph import layout_cost, to_elk
    from ..drawing.problems import Problems, find_problems
    from ..drawing.scene import build_scenes

    try:
        compiled = _compiled(source)
        d = compiled.diagram
        direction = options.direction or d.direction or options.default_direction or "TB"
        shown = options.show_problems or d.show_problems
        # a deliberate (allowed) mistake is still marked: the figure is there to show it
        problems = (find_problems(d, sorted(compiled.diagnostics + compiled.allowed))
                    if shown else Problems())
        scenes = build_scenes(d, options.font_size, direction, problems)
        graphs = [to_elk(scene) for scene in scenes]
        cost = max(layout_cost(graph) for graph in graphs)
    except Exception as exc:  # noqa: BLE001 - one diagram must not stop the build
        return f"the diagram could not be prepared for layout: {exc!r}"
    if cost > MAX_LAYOUT_COST:
        return (f"too large to lay out: its connections cross {cost} layers in all (the "
                f"limit is {MAX_LAYOUT_COST}; layout time grows faster than that count): "
                "split it into smaller diagrams, or join fewer elements with each other")
    desc = compiled.summary.text()
    if problems:
        desc += " Problems: " + "; ".join(f"({n}) {line}"
                                          for n, line in enumerate(problems.lines, 1)) + "."
    return _Drawing(_title(compiled), desc, scenes, problems), graphs


class _Budget:
    """How many more layouts of a job may be stopped at their timeout (shared by the
    threads that wait for its batches): once none, the rest are not tried."""

    def __init__(self, count: int) -> None:
        self._left = count
        self._lock = threading.Lock()

    def left(self) -> int:
        with self._lock:
            return self._left

    def spend(self, count: int) -> None:
        with self._lock:
            self._left = max(0, self._left - count)


def _trusted(output: bytes, fmt: str) -> bool:
    """Whether a cached SVG may go into a page (see :mod:`dagnote.drawing.trusted`) or
    cached TikZ into a LaTeX document (:mod:`dagnote.drawing.tikz_trusted`)."""
    if fmt == "svg":
        from ..drawing.trusted import trusted

        return trusted(output)
    if fmt == "tikz":
        from ..drawing.tikz_trusted import trusted_tikz

        return trusted_tikz(output)
    return True


def _run_batch(graphs: list[dict[str, Any]], timeout: float,
               hung: _Budget | None = None,
               memo: LayoutMemo | None = None) -> list[dict[str, Any] | str]:
    """ELK results (dicts) or error messages (str) for one batch, in order.

    Runs on a waiting thread: a layout worker process does the work while it sleeps.
    ``hung`` bounds the build's time on layouts that do not finish: after its count of
    timeouts, the rest of the job's graphs are answered without being tried. Equal
    graphs are laid out once: within the batch (the panels of a diagram with phases), and
    with the job's ``memo`` across its batches. The batch's own layouts come first, then
    it waits for the ones another batch is making, so two batches waiting for each
    other's graphs cannot stall.
    """
    memo = memo if memo is not None else LayoutMemo()
    results: list[dict[str, Any] | str | None] = [None] * len(graphs)
    keys = [graph_key(graph) for graph in graphs]
    first: dict[str, int] = {}  # an equal graph of this batch shares its outcome, errors too
    which = [j if key is None else first.setdefault(key, j) for j, key in enumerate(keys)]
    todo = sorted(set(which))
    while todo:
        mine: list[int] = []
        waiting: list[tuple[int, threading.Event]] = []
        for j in todo:
            key = keys[j]
            got = memo.claim(key) if key is not None else None
            if got is None:
                mine.append(j)
            elif isinstance(got, threading.Event):
                waiting.append((j, got))  # being laid out by another batch
            else:
                results[j] = got
        laid_out: list[dict[str, Any] | str] = []
        try:
            laid_out = _run_unique([graphs[j] for j in mine], timeout, hung) if mine else []
        finally:  # settled even when something fails, so no other batch waits forever
            for n, j in enumerate(mine):
                results[j] = laid_out[n] if n < len(laid_out) else None
                if (key := keys[j]) is not None:
                    memo.settle(key, results[j])
        for _, event in waiting:
            event.wait()
        todo = [j for j, _ in waiting]  # claimed again: a failed layout is tried here
    return [results[j] for j in which]  # type: ignore[misc]


def _run_unique(graphs: list[dict[str, Any]], timeout: float,
                hung: _Budget | None) -> list[dict[str, Any] | str]:
    """:func:`_run_batch` for graphs that differ from each other: one layout request,
    and a second for the operand orders worth trying again."""
    global _runs
    from ..drawing.elk_graph import crossings, reorder_operands
    from ..drawing.elk_runner import SKIPPED, TIMED_OUT, pool

    left = hung.left() if hung is not None else None
    if left == 0:
        return [SKIPPED] * len(graphs)
    with _runs_lock:
        _runs += 1
    try:
        results = list(pool().layout(graphs, timeout, left))
    except EngineError as exc:
        return [str(exc)] * len(graphs)
    if hung is not None:
        hung.spend(sum(isinstance(r, str) and r.startswith(TIMED_OUT) for r in results))
    # a second layout only for graphs whose operands enter an operator from the side
    # away from their source; kept when its edges cross less, so never tried when the
    # first one's do not cross. It is an improvement only: when it cannot be made, the
    # first layout stands
    again: dict[int, dict[str, Any]] = {}
    for i, (graph, r) in enumerate(zip(graphs, results, strict=True)):
        if isinstance(r, dict):
            with contextlib.suppress(Exception):
                if crossings(r) and (g := reorder_operands(graph, r)) is not None:
                    again[i] = g
    if not again:
        return results
    try:
        second = pool().layout(list(again.values()), timeout)
    except EngineError:
        return results
    for i, r in zip(again, second, strict=True):
        first = results[i]
        if isinstance(r, dict) and isinstance(first, dict):
            with contextlib.suppress(Exception):
                if crossings(r) < crossings(first):
                    results[i] = r
    return results


def _forget(sources: Sequence[str]) -> None:
    """Drop drawn diagrams from the memo: their models are not needed again, and a large
    build should not hold every model while its pages are written."""
    with _memo_lock:
        for source in sources:
            _memo.pop(source, None)


def _finish(drawing: _Drawing, key: str, laid_out: list[dict[str, Any] | str],
            options: RenderOptions) -> bytes | str:
    """Draw one laid-out diagram as SVG (or PNG/PDF from it) or TikZ; a message if it
    failed."""
    failed = next((r for r in laid_out if isinstance(r, str)), None)
    if failed is not None:
        return failed
    from ..drawing.convert import convert
    from ..drawing.place import assemble
    from ..drawing.problems import add_legend
    from ..drawing.svg_writer import write_svg

    try:
        figure = assemble(drawing.scenes, laid_out)  # type: ignore[arg-type]
        add_legend(figure, drawing.problems, options.font_size)
        if options.format == "tikz":
            from ..drawing.tikz_writer import write_tikz

            return write_tikz(figure, options.font_size, drawing.title)
        root_id = f"dagnote-{key[:12]}"
        serif = options.font_family == "serif"
        svg = write_svg(figure, root_id, drawing.title, drawing.desc, serif=serif)
        if options.format != "svg":
            return convert(svg, options.format, options.timeout,
                           lambda: write_svg(figure, root_id, drawing.title, drawing.desc,
                                             themed=False, serif=serif))
    except EngineError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - a result or drawing bug: this diagram only
        return f"the layout could not be drawn: {exc!r}"
    return svg


def _title(compiled: Compiled) -> str:
    s = compiled.summary
    if not s.objectives:
        return "Diagram: " + (", ".join(s.trained + s.frozen) or "values")
    objs = ", ".join(("minimise " if o.direction == "min" else "maximise ") + o.name
                     for o in s.objectives)
    return f"Training setup: {objs}"

"""Benchmark dagnote against sphinx.ext.graphviz and plain code blocks (issue 6).

Builds, in one run and from the same generated figures:

* Sphinx: (a) ``sphinx_dagnote``, (b) the same figures as DOT (dagnote's former DOT
  generator, ``graphviz_dot.py``) under ``sphinx.ext.graphviz`` with the system ``dot``,
  one process per figure (Debian: ``apt-get install graphviz``; the benchmark's own
  requirement, not dagnote's), (c) the same pages with plain code blocks (the floor);
  cold (fresh output and cache), warm with no change, one page touched, one diagram edited;
* MkDocs: the ``dagnote`` plugin against the same site with plain fences;
* in-process: ``dagnote.render_many`` over all diagrams (a few layout requests to warm
  ELK workers) against one ``render_many``, so one request, per diagram, and
  parse + check + ELK graph of a 20-node diagram.

Every build is a subprocess (argument lists, never a shell); times are medians over
``--repeats`` runs, peak memory is the build process's max RSS from ``os.wait4`` (which
covers the layout workers it reaped). The last line printed is one JSON object (see
bench/README.md).

Run: ``.venv/bin/python bench/run.py`` (about 3 minutes) or ``--quick`` (under a minute).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import bench_diagrams as gen  # noqa: E402
from graphviz_dot import to_dot  # noqa: E402

import dagnote  # noqa: E402
from dagnote.drawing import elk_runner  # noqa: E402
from dagnote.drawing.elk_graph import to_elk  # noqa: E402
from dagnote.drawing.scene import build_scenes  # noqa: E402
from dagnote.language.compile import compile_source  # noqa: E402

core_render = importlib.import_module("dagnote.build.pipeline")  # the render pipeline module

SYSTEM_DOT = shutil.which("dot") or "/usr/bin/dot"
TARGETS = {  # issue 14
    "cold_vs_graphviz": 0.5,  # ratio, at most
    "warm_vs_floor": 1.05,  # ratio, at most
    "edit_rendered": 1,  # exactly
    "parse_check_graph_median_ms": 1.0,  # below
    "elk_ms_median": 10.0,  # one 20-element layout on a warm worker, at most
    "mkdocs_cold_vs_floor": 2.5,  # seconds above the floor, at most
    "peak_mem_vs_floor": 1.2,  # the build process alone, ratio, at most
    "worker_peak_rss_mib": 250.0,  # each layout worker, at most
}


# -- generated projects ----------------------------------------------------------------------


def dot_of(source: str) -> str:
    """dagnote's former DOT for a diagram (what sphinx.ext.graphviz gets)."""
    return to_dot(compile_source(source).diagram).dot


def _indent(text: str, prefix: str = "   ") -> str:
    return textwrap.indent(text.strip("\n"), prefix, lambda line: True)


def _prose(page: int, figure: int) -> str:
    return (f"Figure {figure} of page {page} shows one training setup: the data on the top "
            "row, the trained modules marked with a star, and the objective at the bottom. "
            "The text around it is ordinary documentation prose.")


def pages_of(sources: Sequence[str], pages: int) -> list[list[int]]:
    """Indices of the diagrams on each page (as even as possible)."""
    return [list(range(p, len(sources), pages)) for p in range(pages)]


def rst_page(page: int, sources: Sequence[str], indices: Sequence[int], kind: str) -> str:
    """A reST page with the given figures as ``dagnote``, ``graphviz`` or code blocks."""
    title = f"Page {page}"
    out = [title, "=" * len(title), "", "Some setups drawn with the notation.", ""]
    for n, i in enumerate(indices):
        out += [f"Setup {i}", "-" * len(f"Setup {i}"), "", _prose(page, n), ""]
        if kind == "dagnote":
            out += [".. dagnote::", f"   :caption: Setup {i}", "", _indent(sources[i]), ""]
        elif kind == "graphviz":
            out += [".. graphviz::", f"   :caption: Setup {i}", "", _indent(dot_of(sources[i])),
                    ""]
        else:
            out += [".. code-block:: text", f"   :caption: Setup {i}", "",
                    _indent(sources[i]), ""]
    return "\n".join(out)


def md_page(page: int, sources: Sequence[str], indices: Sequence[int], fence: str) -> str:
    """A Markdown page with the given figures in ``fence`` fences."""
    out = [f"# Page {page}", "", "Some setups drawn with the notation.", ""]
    for n, i in enumerate(indices):
        out += [f"## Setup {i}", "", _prose(page, n), "", f"```{fence}", sources[i].strip("\n"),
                "```", ""]
    return "\n".join(out)


SPHINX_CONF = {
    "dagnote": ('extensions = ["sphinx_dagnote"]\n'
                'dagnote_cache_dir = ".dagnote-cache"\n'),
    "graphviz": ('extensions = ["sphinx.ext.graphviz"]\n'
                 'graphviz_output_format = "svg"\n'
                 f'graphviz_dot = {SYSTEM_DOT!r}\n'),
    "floor": "extensions = []\n",
}


def write_sphinx(root: Path, kind: str, sources: Sequence[str], pages: int) -> Path:
    """A Sphinx project (``kind`` is ``dagnote``, ``graphviz`` or ``floor``)."""
    root.mkdir(parents=True, exist_ok=True)
    conf = f'project = "bench-{kind}"\n' + SPHINX_CONF[kind] + 'html_theme = "alabaster"\n'
    (root / "conf.py").write_text(conf, encoding="utf-8")
    names = [f"page{p:02d}" for p in range(pages)]
    index = ["Benchmark", "=========", "", ".. toctree::", "", *[f"   {n}" for n in names], ""]
    (root / "index.rst").write_text("\n".join(index), encoding="utf-8")
    for p, indices in enumerate(pages_of(sources, pages)):
        (root / f"{names[p]}.rst").write_text(rst_page(p, sources, indices, kind),
                                              encoding="utf-8")
    return root


def write_mkdocs(root: Path, kind: str, sources: Sequence[str], pages: int) -> Path:
    """An MkDocs site: ``kind`` ``dagnote`` (the plugin) or ``floor`` (plain fences)."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    yml = [f"site_name: bench-{kind}", "theme:", "  name: mkdocs", "plugins:", "  - search"]
    if kind == "dagnote":
        yml += ["  - dagnote:", "      cache_dir: .dagnote-cache"]
    (root / "mkdocs.yml").write_text("\n".join(yml) + "\n", encoding="utf-8")
    (docs / "index.md").write_text("# Benchmark\n\nGenerated pages.\n", encoding="utf-8")
    fence = "dagnote" if kind == "dagnote" else "text"
    for p, indices in enumerate(pages_of(sources, pages)):
        (docs / f"page{p:02d}.md").write_text(md_page(p, sources, indices, fence),
                                              encoding="utf-8")
    return root


# -- running builds ---------------------------------------------------------------------------


@dataclass
class Run:
    """One build: wall and CPU seconds (its layout worker processes included), the build
    process's own max RSS and its layout workers' largest, in MiB, exit status, stderr."""

    seconds: float
    cpu_s: float
    rss_mb: float
    status: int
    stderr: str
    worker_rss_mb: float = 0.0


#: Starts one build and reports it: a child's max RSS from wait4 includes the RSS of the
#: process that forked it, so builds are forked from this small launcher (``python -S``,
#: ~8 MiB), not from the benchmark process (which holds drawings and, after imports, more
#: than a small build's own peak).
_LAUNCHER = """
import json, os, sys, time
start = time.perf_counter()
out = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=out)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
print(json.dumps([seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
                  os.waitstatus_to_exitcode(status)]))
"""

#: Runs a build's module (``sphinx``, ``mkdocs``) as ``python -m`` would, and at exit
#: writes the build process's own peak RSS (wait4 would fold its layout workers' into it)
#: and the largest its workers reported, to the file named by DAGNOTE_BENCH_RSS.
_MEASURED = """
import atexit, json, os, resource, runpy, sys
def report():
    elk = sys.modules.get("dagnote.drawing.elk_runner")
    workers = elk.peak_worker_rss_mib() if elk else 0.0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open(os.environ["DAGNOTE_BENCH_RSS"], "w") as f:
        json.dump([own, workers], f)
atexit.register(report)
module = sys.argv[1]
sys.argv = [module] + sys.argv[2:]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


def run_build(argv: Sequence[str], cwd: Path) -> Run:
    """Run one build process and measure it: wall seconds, CPU of the build and every
    descendant it waited for (its layout workers, reaped as it exits), the build process's
    own max RSS and its workers' largest, exit status and stderr.

    A ``[python, "-m", module, args...]`` build runs under :data:`_MEASURED`; any other
    command is measured by wait4 alone."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss.json"
        env = dict(os.environ, DAGNOTE_BENCH_RSS=str(rss_file))
        if len(argv) > 2 and argv[1] == "-m":
            argv = [argv[0], "-c", _MEASURED, *argv[2:]]
        proc = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, *argv], cwd=cwd,
                              stdout=subprocess.PIPE, stderr=err, check=False, env=env)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
        if proc.returncode != 0:
            return Run(0.0, 0.0, 0.0, proc.returncode, text)
        seconds, cpu, rss_kib, status = json.loads(proc.stdout)
        own, workers = (json.loads(rss_file.read_text()) if rss_file.exists()
                        else (rss_kib / 1024, 0.0))
    return Run(seconds, cpu, own, status, text, workers)


def sphinx_argv(src: Path, out: Path) -> list[str]:
    """sphinx-build, HTML, quiet (doctrees inside ``out``)."""
    return [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(src), str(out)]


def mkdocs_argv(root: Path, site: Path) -> list[str]:
    """mkdocs build, quiet."""
    return [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"),
            "-d", str(site)]


def checked(run: Run, what: str) -> Run:
    """Fail loudly on a broken build (a fast failing build is not a fast build)."""
    if run.status != 0:
        raise SystemExit(f"{what} failed with status {run.status}:\n{run.stderr[-3000:]}")
    return run


def cache_entries(directory: Path) -> set[str]:
    """Rendered diagrams in a dagnote cache directory."""
    from dagnote import Cache

    cache = Cache(directory)
    try:
        return set(cache.keys())
    finally:
        cache.close()


def count_svgs(out: Path) -> int:
    """Inline ``<svg`` elements in HTML plus SVG image files under ``out``."""
    inline = sum(p.read_text("utf-8", "replace").count("<svg")
                 for p in out.rglob("*.html"))
    files = sum(1 for _ in out.rglob("*.svg"))
    return inline + files


def edited(source: str) -> str:
    """The same diagram with one visible change (a renamed loss)."""
    return source.replace("loss", "total loss") if "loss" in source else source + "x' -> [extra]\n"


@dataclass
class Series:
    """Repeated measurements of one scenario."""

    runs: list[Run] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def best(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def cpu_s(self) -> float:
        return statistics.median(r.cpu_s for r in self.runs)

    @property
    def rss_mb(self) -> float:
        return statistics.median(r.rss_mb for r in self.runs)

    @property
    def worker_rss_mb(self) -> float:
        return max(r.worker_rss_mb for r in self.runs)


class Bench:
    """All projects of one run and the builds over them."""

    def __init__(self, work: Path, sources: Sequence[str], pages: int,
                 log: Callable[[str], None]) -> None:
        self.work = work
        self.sources = list(sources)
        self.pages = pages
        self.log = log
        self.sphinx = {k: write_sphinx(work / f"sphinx-{k}", k, sources, pages)
                       for k in ("dagnote", "graphviz", "floor")}
        self.mkdocs = {k: write_mkdocs(work / f"mkdocs-{k}", k, sources, pages)
                       for k in ("dagnote", "floor")}
        self.results: dict[str, Series] = {}

    def series(self, name: str) -> Series:
        return self.results.setdefault(name, Series())

    # Sphinx ---------------------------------------------------------------------------------
    def sphinx_cold(self, kind: str) -> Path:
        """Fresh output and cache; returns the output dir (left for the warm builds)."""
        src = self.sphinx[kind]
        out = src / "_build"
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(src / ".dagnote-cache", ignore_errors=True)
        run = checked(run_build(sphinx_argv(src, out), src), f"sphinx {kind} cold")
        self.series(f"sphinx-{kind}-cold").runs.append(run)
        return out

    def sphinx_warm(self, kind: str, change: str) -> None:
        """Rebuild after ``change``: ``none``, ``touch`` (one page) or ``edit`` (one diagram)."""
        src = self.sphinx[kind]
        page = src / "page00.rst"
        before = cache_entries(src / ".dagnote-cache")
        if change == "touch":
            now = time.time()
            os.utime(page, (now, now))
        elif change == "edit":
            self._edit_first(page, kind)
        run = checked(run_build(sphinx_argv(src, src / "_build"), src),
                      f"sphinx {kind} warm ({change})")
        series = self.series(f"sphinx-{kind}-{change}")
        series.runs.append(run)
        series.extra.append(len(cache_entries(src / ".dagnote-cache") - before))

    def _edit_first(self, page: Path, kind: str) -> None:
        first = pages_of(self.sources, self.pages)[0][0]
        self.sources[first] = edited(self.sources[first])
        indices = pages_of(self.sources, self.pages)[0]
        page.write_text(rst_page(0, self.sources, indices, kind), encoding="utf-8")

    def restore(self, sources: Sequence[str]) -> None:
        """Undo edits: rewrite page 0 of every Sphinx project."""
        self.sources = list(sources)
        indices = pages_of(self.sources, self.pages)[0]
        for kind, src in self.sphinx.items():
            (src / "page00.rst").write_text(rst_page(0, self.sources, indices, kind),
                                            encoding="utf-8")

    # MkDocs ---------------------------------------------------------------------------------
    def mkdocs_build(self, kind: str, cold: bool) -> None:
        root = self.mkdocs[kind]
        site = root / "site"
        shutil.rmtree(site, ignore_errors=True)
        if cold:
            shutil.rmtree(root / ".dagnote-cache", ignore_errors=True)
        run = checked(run_build(mkdocs_argv(root, site), root), f"mkdocs {kind}")
        self.series(f"mkdocs-{kind}-{'cold' if cold else 'warm'}").runs.append(run)


def run_builds(bench: Bench, repeats: int, with_graphviz: bool = True) -> dict[str, int]:
    """Every build scenario ``repeats`` times, interleaved so drift hits all equally."""
    original = list(bench.sources)
    counts: dict[str, int] = {}
    kinds = ["floor", "dagnote"] + (["graphviz"] if with_graphviz else [])
    for r in range(repeats):
        for kind in kinds:
            bench.log(f"  round {r + 1}/{repeats}: sphinx {kind}")
            out = bench.sphinx_cold(kind)
            if r == 0:
                counts[f"sphinx-{kind}"] = count_svgs(out)
            bench.sphinx_warm(kind, "none")
            bench.sphinx_warm(kind, "touch")
            bench.sphinx_warm(kind, "edit")
            bench.restore(original)
        for kind in ("floor", "dagnote"):
            bench.log(f"  round {r + 1}/{repeats}: mkdocs {kind}")
            bench.mkdocs_build(kind, cold=True)
            if r == 0:
                counts[f"mkdocs-{kind}"] = count_svgs(bench.mkdocs[kind] / "site")
            bench.mkdocs_build(kind, cold=False)
    return counts


# -- in-process measurements -----------------------------------------------------------------


def cpu_now() -> float:
    """CPU seconds of this process, its finished children and its running layout workers
    (long-lived: their CPU reaches RUSAGE_CHILDREN only once they have exited)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime + workers_cpu()


def workers_cpu() -> float:
    """User + system CPU seconds of this process's running layout workers (Linux /proc;
    elsewhere 0, and the in-process CPU numbers leave the workers out)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    for pid in elk_runner.pool().worker_pids():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def warm_workers() -> None:
    """Start every worker of the pool before a measurement (one request per worker at
    once, so each finds the others busy), as a long build or ``mkdocs serve`` has them."""
    import threading

    graph = {"id": "warm", "layoutOptions": {"elk.algorithm": "layered"},
             "children": [{"id": "a", "width": 10, "height": 10}], "edges": []}
    current = elk_runner.pool()
    barrier = threading.Barrier(current.size)

    def one() -> None:
        barrier.wait()
        current.layout([graph], 30)

    threads = [threading.Thread(target=one) for _ in range(current.size)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def batch_vs_single(sources: Sequence[str]) -> dict[str, Any]:
    """``render_many`` over all sources (a few layout requests) vs one ``render_many``
    (one request) per diagram, both on warm layout workers."""
    options = dagnote.RenderOptions()
    warm_workers()  # worker start-up (V8 and the ELK bundle) outside the measurement
    starts = elk_runner.worker_starts()
    core_render.clear_memo()
    start_runs, cpu = dagnote.engine_runs(), cpu_now()
    start = time.perf_counter()
    batch = dagnote.render_many(list(sources), options)
    batch_s = time.perf_counter() - start
    batch_cpu = cpu_now() - cpu
    batch_runs = dagnote.engine_runs() - start_runs
    core_render.clear_memo()
    start_runs, cpu = dagnote.engine_runs(), cpu_now()
    start = time.perf_counter()
    single = [dagnote.render_many([s], options)[0] for s in sources]
    single_s = time.perf_counter() - start
    single_cpu = cpu_now() - cpu
    single_runs = dagnote.engine_runs() - start_runs
    return {
        "diagrams": len(sources),
        "batch_s": round(batch_s, 4),
        "single_s": round(single_s, 4),
        "speedup": round(single_s / batch_s, 2) if batch_s else None,
        "batch_cpu_s": round(batch_cpu, 4),
        "single_cpu_s": round(single_cpu, 4),
        "batch_runs": batch_runs,
        "single_runs": single_runs,
        "batch_ok": sum(r.ok for r in batch),
        "single_ok": sum(r.ok for r in single),
        "workers": elk_runner.pool().size,
        "worker_starts": elk_runner.worker_starts() - starts,  # 0: all were warm
        "peak_worker_rss_mib": round(elk_runner.peak_worker_rss_mib(), 1),
    }


def parse_check_graph(repeats: int = 300, nodes: int = 20) -> dict[str, Any]:
    """Median and p90 milliseconds of parse + check + scene + ELK graph for a
    ``nodes``-element diagram: what a build's own thread does before a layout request."""
    source = gen.sized(nodes)
    count = len(compile_source(source).diagram.nodes)
    size = dagnote.RenderOptions().font_size
    times: list[float] = []
    for _ in range(repeats):
        start = time.perf_counter()
        diagram = compile_source(source).diagram
        for scene in build_scenes(diagram, size, diagram.direction or "TB"):
            to_elk(scene)
        times.append(time.perf_counter() - start)
    times.sort()
    return {"nodes": count, "repeats": repeats,
            "median_ms": round(statistics.median(times) * 1000, 3),
            "p90_ms": round(times[int(len(times) * 0.9)] * 1000, 3)}


def elk_layout(repeats: int = 200, nodes: int = 20) -> dict[str, Any]:
    """Median and p90 milliseconds of one ELK layout of a ``nodes``-element diagram on a
    warm worker, measured around the request: what a build waits for one diagram, the
    pipes and the JSON on both sides included (1.5-3.5 ms more than the worker's own
    layout call timed in one process; bench/RESULTS.md)."""
    source = gen.sized(nodes)
    diagram = compile_source(source).diagram
    graph = to_elk(build_scenes(diagram, dagnote.RenderOptions().font_size, "TB")[0])
    warm_workers()
    for _ in range(20):  # V8 compiles ELK's hot functions over the first layouts
        elk_runner.pool().layout([graph], 30)
    times: list[float] = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = elk_runner.pool().layout([graph], 30)[0]
        times.append(time.perf_counter() - start)
        assert isinstance(result, dict), result
    times.sort()
    return {"nodes": len(diagram.nodes), "repeats": repeats,
            "median_ms": round(statistics.median(times) * 1000, 3),
            "p90_ms": round(times[int(len(times) * 0.9)] * 1000, 3)}


# -- report -----------------------------------------------------------------------------------


def _version_of(module: str) -> str:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # noqa: BLE001 - a missing tool is reported as such
        return "missing"


def dot_version() -> str:
    """The system dot's version line (the baseline's engine)."""
    try:
        proc = subprocess.run([SYSTEM_DOT, "-V"], capture_output=True, text=True, timeout=30,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable ({exc})"
    return (proc.stderr or proc.stdout).strip() or f"unavailable (status {proc.returncode})"


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    worker = elk_runner.ElkWorker()
    try:
        worker.layout([{"id": "probe", "children": [], "edges": []}], 30)
        v8 = str(worker.ready_info.get("v8", "unknown"))
    except dagnote.EngineError as exc:
        v8 = f"unavailable ({exc})"
    finally:
        worker.close()
    return {
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sphinx": _version_of("sphinx"),
        "mkdocs": _version_of("mkdocs"),
        "dagnote": dagnote.__version__,
        "elkjs": elk_runner.ELK_VERSION,
        "mini-racer": _version_of("mini-racer"),
        "v8": v8,
        "dot": dot_version(),
    }


def summarise(results: dict[str, Series], counts: dict[str, int], bvs: dict[str, Any],
              pcd: dict[str, Any], elk: dict[str, Any], diagrams: int) -> dict[str, Any]:
    """The JSON summary (ratios and absolute seconds above the floor)."""
    out: dict[str, Any] = {"diagrams": diagrams, "layout": f"elkjs {elk_runner.ELK_VERSION}"}

    def med(name: str, cpu: bool = False) -> float:
        return results[name].cpu_s if cpu else results[name].seconds

    def vs(a: str, b: str) -> dict[str, float]:
        # the two builds of a round run back to back, so the median of per-round ratios
        # cancels the machine's drift between rounds (reported beside, never instead)
        pairs = list(zip(results[a].runs, results[b].runs, strict=True))
        return {"ratio": round(med(a) / med(b), 3), "above_s": round(med(a) - med(b), 3),
                "seconds": round(med(a), 3), "baseline_s": round(med(b), 3),
                "cpu_ratio": round(med(a, True) / med(b, True), 3),
                "cpu_above_s": round(med(a, True) - med(b, True), 3),
                "paired_ratio": round(statistics.median(x.seconds / y.seconds
                                                        for x, y in pairs), 3),
                "paired_above_s": round(statistics.median(x.seconds - y.seconds
                                                          for x, y in pairs), 3)}

    if results:
        r = results
        if "sphinx-graphviz-cold" in r:
            out["cold_vs_graphviz"] = vs("sphinx-dagnote-cold", "sphinx-graphviz-cold")
        out["cold_vs_floor"] = vs("sphinx-dagnote-cold", "sphinx-floor-cold")
        out["warm_vs_floor"] = vs("sphinx-dagnote-none", "sphinx-floor-none")
        out["touch_vs_floor"] = vs("sphinx-dagnote-touch", "sphinx-floor-touch")
        out["edit_vs_floor"] = vs("sphinx-dagnote-edit", "sphinx-floor-edit")
        out["mkdocs_cold_vs_floor"] = vs("mkdocs-dagnote-cold", "mkdocs-floor-cold")
        out["mkdocs_warm_vs_floor"] = vs("mkdocs-dagnote-warm", "mkdocs-floor-warm")
        out["edit_rendered"] = max(r["sphinx-dagnote-edit"].extra)
        out["touch_rendered"] = max(r["sphinx-dagnote-touch"].extra)
        out["warm_rendered"] = max(r["sphinx-dagnote-none"].extra)
        dag, floor = r["sphinx-dagnote-cold"].rss_mb, r["sphinx-floor-cold"].rss_mb
        out["peak_mem_vs_floor"] = {"ratio": round(dag / floor, 3), "dagnote_mb": round(dag, 1),
                                    "floor_mb": round(floor, 1)}
        out["worker_peak_rss_mib"] = round(max(r["sphinx-dagnote-cold"].worker_rss_mb,
                                               r["mkdocs-dagnote-cold"].worker_rss_mb,
                                               bvs.get("peak_worker_rss_mib", 0.0)), 1)
        out["mkdocs_cold_above_floor_s"] = out["mkdocs_cold_vs_floor"]["above_s"]
        out["figures_in_output"] = counts
    out["batch_vs_single"] = bvs
    out["parse_check_graph_median_ms"] = pcd["median_ms"]
    out["parse_check_graph"] = pcd
    out["elk_ms_median"] = elk["median_ms"]
    out["elk_layout"] = elk
    out.setdefault("worker_peak_rss_mib", bvs.get("peak_worker_rss_mib"))
    out["targets"] = targets_met(out)
    return out


def targets_met(out: dict[str, Any]) -> dict[str, bool | None]:
    """Which issue-6 targets the numbers meet (None: not measured)."""

    def get(key: str, sub: str) -> float | None:
        value = out.get(key)
        return value.get(sub) if isinstance(value, dict) else None

    checks: dict[str, bool | None] = {}
    cold = get("cold_vs_graphviz", "ratio")
    checks["cold_vs_graphviz"] = None if cold is None else cold <= TARGETS["cold_vs_graphviz"]
    warm = get("warm_vs_floor", "ratio")
    checks["warm_vs_floor"] = None if warm is None else warm <= TARGETS["warm_vs_floor"]
    edit = out.get("edit_rendered")
    checks["edit_rendered"] = None if edit is None else edit == TARGETS["edit_rendered"]
    checks["parse_check_graph_median_ms"] = (out["parse_check_graph_median_ms"]
                                             < TARGETS["parse_check_graph_median_ms"])
    mk = get("mkdocs_cold_vs_floor", "above_s")
    checks["mkdocs_cold_vs_floor"] = None if mk is None else mk <= TARGETS["mkdocs_cold_vs_floor"]
    mem = get("peak_mem_vs_floor", "ratio")
    checks["peak_mem_vs_floor"] = None if mem is None else mem <= TARGETS["peak_mem_vs_floor"]
    checks["elk_ms_median"] = out["elk_ms_median"] <= TARGETS["elk_ms_median"]
    workers = out.get("worker_peak_rss_mib")
    checks["worker_peak_rss_mib"] = (None if not workers
                                     else workers <= TARGETS["worker_peak_rss_mib"])
    return checks


def table(bench: Bench) -> str:
    """Markdown table of medians (seconds, MiB, diagrams rendered)."""
    rows = ["| build | median wall s | best wall s | median CPU s | max RSS MiB "
            "| worker max RSS MiB | diagrams rendered | runs |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, s in bench.results.items():
        extra = str(max(s.extra)) if s.extra else ""
        workers = f"{s.worker_rss_mb:.0f}" if s.worker_rss_mb else ""
        rows.append(f"| {name} | {s.seconds:.3f} | {s.best:.3f} | {s.cpu_s:.3f} "
                    f"| {s.rss_mb:.0f} | {workers} | {extra} | {len(s.runs)} |")
    return "\n".join(rows)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--diagrams", type=int, default=200)
    p.add_argument("--pages", type=int, default=20)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--quick", action="store_true",
                   help="30 diagrams on 3 pages, 1 repeat (under a minute)")
    p.add_argument("--no-builds", action="store_true", help="in-process measurements only")
    p.add_argument("--pcd-repeats", type=int, default=500,
                   help="repetitions of parse + check + ELK graph (--quick: 100)")
    p.add_argument("--no-graphviz", action="store_true",
                   help="skip sphinx.ext.graphviz (which needs Graphviz's dot)")
    p.add_argument("--workdir", type=Path, help="keep the generated projects here")
    return p.parse_args(argv)


def precompile() -> None:
    """Byte-compile dagnote's three packages, as installing them does.

    Run from a checkout with ``PYTHONDONTWRITEBYTECODE`` set (as some shells and CI
    images do), every build would compile their source anew: ~50 ms in a cold build and
    ~15 ms in a warm one that an installed package never pays, while the floor's Sphinx and
    MkDocs are installed and compiled. The packages are found without importing them: this
    process stays as small as before (a forked build's max RSS can include its parent's).
    """
    import compileall
    import importlib.util

    for name in ("dagnote", "sphinx_dagnote", "mkdocs_dagnote"):
        spec = importlib.util.find_spec(name)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=1)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    precompile()
    if args.quick:
        args.diagrams, args.pages, args.repeats = 30, 3, 1

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if not args.no_builds and not args.no_graphviz and shutil.which(SYSTEM_DOT) is None:
        raise SystemExit("the sphinx.ext.graphviz baseline needs Graphviz's dot "
                         "(Debian/Ubuntu: apt-get install graphviz), or pass --no-graphviz")
    sources = gen.diagrams(args.diagrams)
    info = machine()
    log("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    bvs = batch_vs_single(sources)
    pcd = parse_check_graph(min(args.pcd_repeats, 100) if args.quick else args.pcd_repeats)
    elk = elk_layout(min(args.pcd_repeats, 50 if args.quick else 200))
    bench: Bench | None = None
    counts: dict[str, int] = {}
    if not args.no_builds:
        work = args.workdir or Path(tempfile.mkdtemp(prefix="dagnote-bench-"))
        bench = Bench(work, sources, args.pages, log)
        log(f"projects in {work}")
        counts = run_builds(bench, args.repeats, with_graphviz=not args.no_graphviz)
        print(table(bench))
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    result = summarise(bench.results if bench else {}, counts, bvs, pcd, elk, args.diagrams)
    result["machine"] = info
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()

"""The benchmark script works: structure and layout-request counts, never timings."""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

import dagnote

BENCH = Path(__file__).resolve().parents[2] / "bench"
REQUIRED = ("cold_vs_graphviz", "warm_vs_floor", "mkdocs_cold_vs_floor", "diagrams",
            "edit_rendered", "peak_mem_vs_floor", "batch_vs_single",
            "parse_check_graph_median_ms")


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dagnote_bench_run", BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _load()
core_render = importlib.import_module("dagnote.build.pipeline")


def test_generated_diagrams_are_clean_distinct_and_5_to_25_elements() -> None:
    sources = bench.gen.diagrams(28)
    assert len({bench.gen.drawing(s) for s in sources}) == 28  # distinct drawings
    for source in sources:
        checked = dagnote.check(source)
        assert checked.ok and not checked.diagnostics, checked.diagnostics
        assert 5 <= bench.gen.node_count(source) <= 25
    assert bench.gen.node_count(bench.gen.sized(20)) == 20


def test_batch_vs_single_counts_layout_requests() -> None:
    sources = bench.gen.diagrams(10)
    result = bench.batch_vs_single(sources)
    assert result["single_runs"] == 10  # one layout request per diagram
    size = core_render.BATCH_SIZE
    assert result["batch_runs"] == -(-10 // size)  # ten diagrams in requests of `size`
    assert result["batch_runs"] < result["single_runs"]
    assert result["batch_ok"] == result["single_ok"] == 10
    assert result["workers"] >= 1 and result["peak_worker_rss_mib"] > 0


def test_parse_check_graph_reports_a_median_for_twenty_elements() -> None:
    result = bench.parse_check_graph(repeats=5)
    assert result["nodes"] == 20 and result["repeats"] == 5
    assert set(result) >= {"median_ms", "p90_ms"}


def test_the_graphviz_baseline_gets_dot_for_every_figure() -> None:
    """sphinx.ext.graphviz is given dagnote's former DOT (bench/graphviz_dot.py)."""
    for source in bench.gen.diagrams(7):  # one of each family
        dot = bench.dot_of(source)
        assert dot.startswith("digraph dagnote {") and dot.rstrip().endswith("}")
    page = bench.rst_page(0, [bench.gen.diagrams(1)[0]], [0], "graphviz")
    assert ".. graphviz::" in page and "digraph dagnote" in page


def test_in_process_run_prints_one_json_line_last(capsys: pytest.CaptureFixture[str]) -> None:
    bench.main(["--no-builds", "--diagrams", "4", "--pcd-repeats", "3"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    result = json.loads(last)
    assert result["diagrams"] == 4
    assert result["batch_vs_single"]["single_runs"] == 4
    assert "parse_check_graph_median_ms" in result and "machine" in result
    assert result["elk_ms_median"] > 0 and result["worker_peak_rss_mib"] > 0
    assert result["machine"]["elkjs"] == result["layout"].split()[-1]


def test_summary_of_build_series_has_every_required_key() -> None:
    names = [f"sphinx-{k}-{c}" for k in ("dagnote", "graphviz", "floor")
             for c in ("cold", "none", "touch", "edit")]
    names += [f"mkdocs-{k}-{c}" for k in ("dagnote", "floor") for c in ("cold", "warm")]
    results = {}
    for name in names:
        series = bench.Series(runs=[bench.Run(1.0, 1.0, 60.0, 0, "")])
        series.extra = [1 if name == "sphinx-dagnote-edit" else 0]
        results[name] = series
    out = bench.summarise(results, {}, {"peak_worker_rss_mib": 150.0}, {"median_ms": 0.5},
                          {"median_ms": 9.0}, 200)
    assert set(REQUIRED) <= set(out)
    assert {"elk_ms_median", "worker_peak_rss_mib", "mkdocs_cold_above_floor_s"} <= set(out)
    assert out["targets"]["elk_ms_median"] and out["targets"]["worker_peak_rss_mib"]
    assert out["edit_rendered"] == 1
    for key in ("warm_vs_floor", "mkdocs_cold_vs_floor"):
        assert {"ratio", "above_s"} <= set(out[key])
    assert set(out["targets"]) >= {"cold_vs_graphviz", "warm_vs_floor", "edit_rendered"}
    json.dumps(out)


def test_a_build_is_measured_apart_from_the_benchmark_process(tmp_path: Path) -> None:
    """A child's max RSS from wait4 includes its parent's RSS at the fork: a build
    started from a large benchmark process must still report only its own peak."""
    ballast = bytearray(200 * 1024 * 1024)  # the benchmark process, grown
    ballast[::4096] = b"x" * len(ballast[::4096])  # touched, so it is resident
    script = "import sys; print('to the void'); sys.stderr.write('kept'); b = bytearray(2**25)"
    run = bench.run_build([sys.executable, "-c", script], tmp_path)
    assert run.status == 0 and run.stderr == "kept"
    assert 32 <= run.rss_mb < 120, run.rss_mb  # its own 32 MiB and an interpreter, not 200
    assert run.seconds > 0 and run.cpu_s > 0
    failed = bench.run_build([sys.executable, "-c", "raise SystemExit(3)"], tmp_path)
    assert failed.status == 3
    del ballast

"""Layout time is bounded: by the diagram's size before any layout, by a per-diagram
timeout, by a budget for layouts that hang in one build, and across builds."""

from __future__ import annotations

import time
from pathlib import Path

import dagnote
from dagnote.build import pipeline
from dagnote.drawing.elk_runner import SKIPPED, TIMED_OUT


def complete(n: int, tag: str = "v") -> str:
    """Every value feeds every later module: the worst case for a layered layout."""
    names = [f"{tag}{i}" for i in range(n)]
    lines = [f"{tag}0 ~ X"]
    lines += [", ".join(names[:i]) + f" -> [m{i}*] -> {tag}{i}" for i in range(1, n)]
    return "\n".join(lines + [f"min {tag}{n - 1}"])


def test_a_diagram_too_costly_to_lay_out_is_refused_before_any_layout() -> None:
    source = complete(28)  # ~7,000 layers crossed: ~17 s of ELK
    assert dagnote.check(source).ok
    before = dagnote.engine_runs()
    start = time.perf_counter()
    result = dagnote.render(source)
    assert result.output is None
    assert "too large to lay out" in (result.engine_error or "")
    assert f"limit is {pipeline.MAX_LAYOUT_COST}" in (result.engine_error or "")
    assert dagnote.engine_runs() == before
    assert time.perf_counter() - start < 5


def test_a_timed_out_layout_is_remembered_until_more_time_is_allowed(tmp_path: Path) -> None:
    source = complete(16)  # ~1 s of ELK
    cache = dagnote.Cache(tmp_path / "cache")
    quick = dagnote.RenderOptions(timeout=0.05)
    first = dagnote.render(source, quick, cache)
    assert (first.engine_error or "").startswith(TIMED_OUT), first.engine_error
    before = dagnote.engine_runs()
    again = dagnote.render(source, quick, cache)
    assert dagnote.engine_runs() == before  # answered from the cache, no layout
    assert "earlier build" in (again.engine_error or "") and again.output is None
    patient = dagnote.render(source, dagnote.RenderOptions(timeout=60), cache)
    assert patient.output is not None and patient.engine_error is None


def test_layouts_that_hang_use_up_a_build_budget_then_the_rest_are_not_tried() -> None:
    # tags of six lengths: six different ELK graphs (equal graphs are laid out once)
    sources = [complete(16, "t" * length) for length in range(1, 7)]
    start = time.perf_counter()
    results = dagnote.render_many(sources, dagnote.RenderOptions(timeout=0.3))
    errors = [r.engine_error or "" for r in results]
    timed_out = [e for e in errors if e.startswith(TIMED_OUT)]
    skipped = [e for e in errors if e == SKIPPED]
    assert len(timed_out) + len(skipped) == len(sources), errors
    # six diagrams go in one request (a batch holds BATCH_SIZE = 8): it stops at the budget
    assert len(timed_out) == pipeline.HUNG_BUDGET, errors
    assert skipped
    assert time.perf_counter() - start < 15

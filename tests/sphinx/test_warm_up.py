"""Layout workers start while Sphinx reads, on the first diagram missing from the cache,
so V8 and ELK have loaded before the first page is written; a rebuild whose diagrams are
all cached starts none."""

from __future__ import annotations

from pathlib import Path

import pytest

import dagnote
from dagnote.build import pipeline
from dagnote.drawing import elk_runner


@pytest.fixture
def warm_calls(monkeypatch: pytest.MonkeyPatch, layout_pool: object) -> list[str]:
    """The build phase each time the pool is asked to warm up."""
    calls: list[str] = []
    real = elk_runner.ElkPool.warm

    def recording(self: elk_runner.ElkPool) -> None:
        calls.append("warm")
        real(self)

    monkeypatch.setattr(elk_runner.ElkPool, "warm", recording)
    return calls


def test_workers_start_while_reading_and_not_when_all_is_cached(
        project, build, warm_calls: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    src: Path = project("basic")
    phases: list[str] = []
    real_start = pipeline.RenderJob.__init__

    def noting_start(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        phases.append(f"job after {len(warm_calls)} warm-up(s)")
        real_start(self, *args, **kwargs)

    monkeypatch.setattr(pipeline.RenderJob, "__init__", noting_start)
    out = build(src, "html")
    assert 'class="dagnote"' in out.read("index.html")
    assert warm_calls == ["warm"], warm_calls  # once, before ...
    assert phases and phases[0] == "job after 1 warm-up(s)", phases  # ... the drawing
    (src / "index.rst").touch()  # read again; its diagrams are cached
    warm_calls.clear()
    build(src, "html")
    assert warm_calls == []


def test_warm_up_starts_workers_in_the_background(tmp_path: Path, layout_pool: object) -> None:
    cache = dagnote.Cache(tmp_path / "cache")
    source = "x ~ X\nx -> [f*] -> y\nmin y\n"
    starts = elk_runner.worker_starts()
    assert dagnote.warm_up([source], cache=cache)
    assert dagnote.render(source, cache=cache).output is not None
    assert elk_runner.worker_starts() > starts
    started = elk_runner.worker_starts()
    assert not dagnote.warm_up([source], cache=cache)  # cached: nothing to start
    assert elk_runner.worker_starts() == started

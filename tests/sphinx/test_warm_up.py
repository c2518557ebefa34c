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


def test_layouts_are_requested_while_pages_are_read(
        project, build, layout_pool: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page's diagrams join the build's job as it is read: a full batch of them goes
    to the layout workers before Sphinx starts writing, the rest when it starts."""
    import sphinx_dagnote.collect as collect

    src: Path = project("basic")
    (src / "files.rst").unlink()  # only the twelve pages below have diagrams
    names = [f"p{i:02d}" for i in range(12)]
    (src / "index.rst").write_text(
        "Index\n=====\n\n.. toctree::\n\n" + "".join(f"   {n}\n" for n in names),
        encoding="utf-8")
    for i, name in enumerate(names):
        (src / f"{name}.rst").write_text(
            f"P{i}\n===\n\n.. dagnote::\n\n   x ~ X\n   x -> [f{i}*] -> y\n   min y\n",
            encoding="utf-8")
    events: list[str] = []
    real_submit, real_writing = pipeline.RenderJob._submit, collect.start_writing

    def submit(self: pipeline.RenderJob) -> None:
        events.append(f"batch of {len(self._ready)}")
        real_submit(self)

    def writing(app, builder) -> None:  # type: ignore[no-untyped-def]
        events.append("write-started")
        real_writing(app, builder)

    monkeypatch.setattr(pipeline.RenderJob, "_submit", submit)
    monkeypatch.setattr(collect, "start_writing", writing)
    out = build(src, "html")
    assert out.read("p11.html").count('class="dagnote"') == 1
    # 8 diagrams (a full batch) went to the workers while the pages were read, the
    # other 4 when writing started
    assert pipeline.BATCH_SIZE == 8
    assert events == ["batch of 8", "write-started", "batch of 4"], events

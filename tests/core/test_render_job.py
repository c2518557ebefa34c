"""start_render: a host gets diagnostics at once and each drawing when it asks for it.

The layout workers are held at a gate (an event the test sets) before they lay anything
out, so these tests decide, without any timing, whether ``start_render`` returned while the
layout was still to be done and whether ``result`` waited for it.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import dagnote
from dagnote import Cache, RenderOptions
from dagnote.drawing import elk_runner

SOURCES = [f"x ~ X\nx -> [f{i}*] -> y\nmin y\n" for i in range(3)]
BROKEN = "x -> -> y\n"


def gated_layout(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Every layout request waits for the returned event before a worker gets it."""
    gate = threading.Event()
    real = elk_runner.ElkPool.layout

    def gated(self: elk_runner.ElkPool, graphs: list, timeout: float = 10.0,
              max_timeouts: int | None = None) -> list:
        assert gate.wait(60), "the gate was never opened"
        return real(self, graphs, timeout, max_timeouts)

    monkeypatch.setattr(elk_runner.ElkPool, "layout", gated)
    return gate


def test_start_render_returns_while_the_layout_waits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = gated_layout(monkeypatch)
    cache = Cache(tmp_path / "cache")
    # a blocking start would wait for the gate and never return
    job = dagnote.start_render([*SOURCES, BROKEN, SOURCES[0]], RenderOptions(timeout=60),
                               cache)
    assert len(job) == 5
    broken = job.result(3)  # a diagram with errors needs no layout: answered at once
    assert broken.output is None and broken.errors and broken.engine_error is None
    assert not gate.is_set()
    assert not list(Cache(tmp_path / "cache").keys()), "nothing is cached before it is drawn"
    gate.set()
    first = job.result(0)
    assert first.output is not None and first.output.startswith(b"<svg")
    results = job.results()
    assert [r.source for r in results] == [*SOURCES, BROKEN, SOURCES[0]]
    assert all(r.output is not None for i, r in enumerate(results) if i != 3)
    assert results[4].output == results[0].output  # the repeated diagram is drawn once
    assert len(list(Cache(tmp_path / "cache").keys())) == 3


def test_results_match_render_many(tmp_path: Path) -> None:
    options = RenderOptions()
    together = dagnote.render_many(SOURCES, options)
    job = dagnote.start_render(SOURCES, options)
    # asked for out of order, each drawing is the one render_many gives
    assert [job.result(i).output for i in (2, 0, 1)] == [together[i].output for i in (2, 0, 1)]


def test_a_warm_job_answers_from_the_cache_without_a_layout(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    dagnote.render_many(SOURCES, RenderOptions(), Cache(cache_dir))
    before = dagnote.engine_runs()
    job = dagnote.start_render(SOURCES, RenderOptions(), Cache(cache_dir))
    assert all(r.from_cache for r in job.results())
    assert dagnote.engine_runs() == before


def test_result_does_not_wait_for_the_cache_write(tmp_path: Path) -> None:
    """Storing a drawing is left to a writer thread; flush() waits for it."""
    import threading

    gate = threading.Event()

    class SlowCache(Cache):
        def put(self, key: str, data: bytes) -> None:
            gate.wait(30)  # a write that would hold up result() if it ran there
            super().put(key, data)

    cache = SlowCache(tmp_path / "cache")
    job = dagnote.start_render(SOURCES[:1], RenderOptions(), cache)
    assert job.result(0).output is not None
    assert not list(Cache(tmp_path / "cache").keys())
    gate.set()
    job.flush()
    assert len(list(Cache(tmp_path / "cache").keys())) == 1


def test_an_unexpected_failure_in_a_layout_thread_is_an_engine_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever goes wrong while a batch is laid out, the build gets a message, not a crash."""

    def broken(*args: object, **kwargs: object) -> list[dict]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(elk_runner.ElkPool, "layout", broken)
    results = dagnote.render_many(SOURCES[:2], RenderOptions())
    for r in results:
        assert r.output is None and not r.errors
        assert r.engine_error is not None and "disk on fire" in r.engine_error


def test_take_forgets_the_image_and_identical_diagrams_still_get_theirs() -> None:
    """A host that takes each image as it writes its page does not keep the build's
    images alive in the job; a repeated diagram is drawn once whichever copy comes first."""
    sources = [SOURCES[0], SOURCES[1], SOURCES[0], SOURCES[1]]
    job = dagnote.start_render(sources, RenderOptions())
    first = job.take(0)
    assert first.output is not None
    with pytest.raises(ValueError, match="already taken"):
        job.result(0)
    assert job.take(2).output == first.output  # its first copy was taken before it
    later = job.take(3)  # the copy before the diagram it repeats
    assert later.output is not None and job.take(1).output == later.output


def test_the_layout_starts_before_the_last_diagram_is_checked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each batch goes to a layout worker once it is full: a large build's workers do not
    sit idle while the rest of the build's diagrams are parsed and checked."""
    import threading

    from dagnote.build import pipeline

    sources = [f"x ~ X\nx -> [g{i}*] -> y\nmin y\n" for i in range(20)]
    assert pipeline.BATCH_SIZE < len(sources)
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 2)
    started = threading.Event()
    run_batch, compiled = pipeline._run_batch, pipeline._compiled

    def recording_run(*args: object) -> list[bytes | str]:
        started.set()
        return run_batch(*args)  # type: ignore[arg-type]

    def checking_compiled(source: str) -> object:
        if source == sources[-1]:
            assert started.wait(30), "no batch was running when the last diagram was checked"
        return compiled(source)

    monkeypatch.setattr(pipeline, "_run_batch", recording_run)
    monkeypatch.setattr(pipeline, "_compiled", checking_compiled)
    pipeline.clear_memo()
    results = dagnote.start_render(sources, RenderOptions()).results()
    assert all(r.output is not None for r in results)


POISON = "x ~ X\nx -> [poison*] -> y\nmin y\n"


def test_a_bug_while_drawing_one_diagram_is_its_engine_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any exception from placement or the SVG writer (not only the expected kinds) stays
    with its diagram: the build gets a message, the neighbours their images."""
    from dagnote.drawing import place

    real = place.assemble

    def assemble(scenes: list, results: list) -> object:
        if "poison" in repr(scenes):
            raise IndexError("list index out of range")
        return real(scenes, results)

    monkeypatch.setattr(place, "assemble", assemble)
    cache = Cache(tmp_path / "cache")
    good, poisoned, other, again = dagnote.render_many(
        [SOURCES[0], POISON, SOURCES[1], POISON], RenderOptions(), cache)
    for r in (poisoned, again):
        assert r.output is None and not r.errors
        assert r.engine_error is not None and "list index out of range" in r.engine_error
    assert good.output is not None and other.output is not None
    assert len(list(Cache(tmp_path / "cache").keys())) == 2


def test_a_bug_while_preparing_one_layout_is_its_engine_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception while a diagram's scenes or ELK graphs are built (on the host's
    thread, before any layout) fails that diagram and its copies, not the whole job."""
    from dagnote.build import pipeline
    from dagnote.drawing import scene

    real = scene.build_scenes

    def build_scenes(diagram: object, *args: object) -> list:
        if "poison" in repr(diagram):
            raise ZeroDivisionError("float division by zero")
        return real(diagram, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(scene, "build_scenes", build_scenes)
    pipeline.clear_memo()
    cache = Cache(tmp_path / "cache")
    job = dagnote.start_render([POISON, SOURCES[0], POISON, SOURCES[2]], RenderOptions(),
                               cache)
    copy = job.result(2)  # the copy first: it must not wait for, or miss, the error
    results = job.results()
    for r in (copy, results[0]):
        assert r.output is None and not r.errors
        assert r.engine_error is not None and "float division by zero" in r.engine_error
    assert results[1].output is not None and results[3].output is not None
    assert len(list(Cache(tmp_path / "cache").keys())) == 2


def test_diagrams_added_later_are_drawn_and_a_waiting_batch_is_sent_when_asked(
        layout_requests: list[int]) -> None:
    """``add(more=True)`` keeps a batch that is not full waiting for more diagrams; an
    ``add`` without it, or a result of one of them, sends it. Identical diagrams added
    later are drawn once."""
    from dagnote.build import pipeline

    requests = layout_requests
    job = dagnote.start_render([SOURCES[0]])
    assert job.result(0).output is not None and requests == [1]
    # modules of different widths (all wider than the narrowest box): ten different graphs
    pages = [f"x ~ X\nx -> [{'m' * (i + 10)}*] -> y\nmin y\n"
             for i in range(pipeline.BATCH_SIZE + 2)]
    first = job.add(pages[:3], more=True)
    assert first == 1 and job.drawing(1)
    job.add(pages[3:], more=True)  # the first BATCH_SIZE of them are one request
    # identical to earlier ones: SOURCES[0] was handed out already (drawn again, from the
    # layout the job keeps), pages[0] is still being drawn (it waits for that drawing)
    second = job.add([SOURCES[0], pages[0]], more=True)
    assert second == 1 + len(pages)
    # the last two pages and SOURCES[0] wait for more; asking for one of them sends them
    assert job.result(first + len(pages) - 1).output is not None
    results = [job.result(i) for i in range(len(job))]
    assert all(r.output is not None for r in results), [r.engine_error for r in results]
    assert results[second].output == results[0].output  # drawn once, before
    assert results[second + 1].output == results[first].output
    # (the two batches run on two threads: either may reach a worker first); the last
    # batch asks ELK for its two new graphs only
    assert sorted(requests) == sorted([1, pipeline.BATCH_SIZE, 2]), requests
    job.add([pages[1]])  # an add without more sends at once: drawn again, not laid out
    assert job.result(len(job) - 1).output == results[first + 1].output
    assert len(requests) == 3, requests
    job.flush()

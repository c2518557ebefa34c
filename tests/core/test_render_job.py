"""start_render: a host gets diagnostics at once and each drawing when it asks for it.

The engine is a stand-in that waits for a gate file before it lays anything out, so these
tests decide, without any timing, whether ``start_render`` returned while the engine was
still at work and whether ``result`` waited for it.
"""

from __future__ import annotations

import shutil
import stat
import sys
from pathlib import Path

import pytest

import dagnote
from dagnote import Cache, RenderOptions

REAL = shutil.which("graphviz-pure", path=str(Path(sys.executable).parent)) or shutil.which(
    "graphviz-pure")
SOURCES = [f"x ~ X\nx -> [f{i}*] -> y\nmin y\n" for i in range(3)]
BROKEN = "x -> -> y\n"


def gated_engine(tmp_path: Path) -> tuple[str, Path]:
    """A Graphviz stand-in that lays out with the real engine once ``gate`` exists."""
    gate = tmp_path / "gate"
    script = tmp_path / "engine-gated"
    script.write_text(
        f"#!{sys.executable}\n"
        "import os, subprocess, sys, time\n"
        "if sys.argv[1:] == ['-V']:\n"
        "    sys.stderr.write('dot - graphviz version 2.43.0 (gated stand-in)\\n')\n"
        "    sys.exit(0)\n"
        "data = sys.stdin.buffer.read()\n"
        f"while not os.path.exists({str(gate)!r}):\n"
        "    time.sleep(0.01)\n"
        f"proc = subprocess.run([{REAL!r}, *sys.argv[1:]], input=data, capture_output=True)\n"
        "sys.stdout.buffer.write(proc.stdout)\n"
        "sys.exit(proc.returncode)\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script), gate


@pytest.mark.skipif(REAL is None, reason="graphviz-pure is not installed")
def test_start_render_returns_while_the_engine_works(tmp_path: Path) -> None:
    engine, gate = gated_engine(tmp_path)
    cache = Cache(tmp_path / "cache")
    # a blocking start would wait for the gate until the timeout and return engine errors
    job = dagnote.start_render([*SOURCES, BROKEN, SOURCES[0]],
                               RenderOptions(engine=engine, timeout=60), cache)
    assert len(job) == 5
    broken = job.result(3)  # a diagram with errors needs no engine: answered at once
    assert broken.output is None and broken.errors and broken.engine_error is None
    assert not gate.exists()
    assert not list(Cache(tmp_path / "cache").keys()), "nothing is cached before it is drawn"
    gate.touch()
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


def test_a_warm_job_answers_from_the_cache_without_the_engine(tmp_path: Path) -> None:
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


def test_an_unexpected_failure_in_an_engine_thread_is_an_engine_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever goes wrong while a batch is drawn, the build gets a message, not a crash."""
    from dagnote import engine as engines

    def broken(*args: object, **kwargs: object) -> list[bytes]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(engines, "run", broken)
    results = dagnote.render_many(SOURCES[:2], RenderOptions())
    for r in results:
        assert r.output is None
        assert r.engine_error is not None and "disk on fire" in r.engine_error


@pytest.mark.skipif(REAL is None, reason="graphviz-pure is not installed")
def test_without_pidfd_the_engine_is_still_awaited_and_bounded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernels or Pythons without pidfd_open fall back to Popen.wait(timeout)."""
    import os

    tried: list[int] = []

    def no_pidfd(pid: int) -> int:
        tried.append(pid)
        raise OSError("pidfd_open is not available")

    monkeypatch.setattr(os, "pidfd_open", no_pidfd, raising=False)
    assert dagnote.render(SOURCES[0]).output is not None
    hanging = tmp_path / "engine-hangs"
    hanging.write_text(f"#!{sys.executable}\nimport sys, time\n"
                       "if sys.argv[1:] == ['-V']:\n"
                       "    sys.stderr.write('dot - graphviz version 2.43.0 (stand-in)\\n')\n"
                       "    sys.exit(0)\n"
                       "time.sleep(60)\n", encoding="utf-8")
    hanging.chmod(hanging.stat().st_mode | stat.S_IXUSR)
    result = dagnote.render(SOURCES[0], RenderOptions(engine=str(hanging), timeout=1))
    assert result.output is None
    assert result.engine_error is not None and "timed out" in result.engine_error
    assert len(tried) >= 2, "the engine waits did not go through pidfd_open"


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


def test_the_engine_starts_before_the_last_diagram_is_checked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each batch goes to the engine once it is full: a large build's engine does not sit
    idle while the rest of the build's diagrams are parsed and checked."""
    import threading

    from dagnote import pipeline

    sources = [f"x ~ X\nx -> [g{i}*] -> y\nmin y\n" for i in range(20)]
    assert pipeline.batch_size(len(sources), 2) < len(sources)
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

"""Layout faults: a layout worker that cannot start, dies, hangs or babbles never stops a build.

Faults are played on a private worker pool (the ``layout_pool`` fixture): its worker is
replaced by a small stand-in script speaking the worker protocol badly, is killed from
outside, or is given a layout that takes too long. The promise under test: the diagram
gets a one-line ``engine_error``, the other diagrams of the same build still render, the
call returns, nothing of a failure is cached, and a later build draws what failed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

import dagnote
from dagnote import Cache, RenderOptions
from dagnote.build import pipeline
from dagnote.drawing import elk_graph, elk_runner

GOOD = "x ~ X\nx -> [f*] -> y\nmin y\n"
OTHER = "z ~ N(0, 1)\nz -> [g*] -> x'\nmin x'\n"
POISON = "x ~ X\nx -> [poison*] -> y\nmin y\n"  # ELK is handed a broken graph for this one

PROLOGUE = f"""#!{sys.executable}
import json, os, signal, struct, sys, time
out, inp = sys.stdout.buffer, sys.stdin.buffer
HELLO = {elk_runner.HELLO!r}
def frame(data):
    out.write(struct.pack(">I", len(data)) + data)
    out.flush()
def ready():
    out.write(HELLO)
    frame(json.dumps({{"ready": True, "elk": "stand-in"}}).encode())
def request():
    header = inp.read(4)
    if len(header) < 4:
        sys.exit(0)
    return json.loads(inp.read(struct.unpack(">I", header)[0]))
def answer(data, raw=False):  # one reply to the first request, then nothing
    ready()
    request()
    out.write(data) if raw else frame(data)
    out.flush()
    time.sleep(60)
"""

#: stand-in workers, each wrong in one way
BEHAVIOURS = {
    # reports that it cannot run (as the real worker does without mini-racer)
    "fatal": "out.write(HELLO); frame(b'{\"fatal\": \"stand-in: V8 is missing\"}'); sys.exit(1)",
    # dies before it is ready
    "no-hello": 'sys.stderr.write("stand-in: cannot load ELK\\n"); sys.exit(3)',
    "garbage-reply": "answer(b'this is not JSON')",
    "wrong-count": "answer(b'{\"results\": []}')",
    "neither": ("ready(); r = request()\n"
                "frame(json.dumps({'results': [{'what': 1}] * len(r['graphs'])}).encode())\n"
                "time.sleep(60)"),
    "error-reply": "answer(b'{\"error\": \"stand-in refuses\"}')",
    "oversized": "answer(struct.pack('>I', 2**31), raw=True)",  # a header past the limit
    # dies during a layout (the runner retries once on a fresh process, which dies too)
    "dies": 'ready(); request(); sys.stderr.write("stand-in: out of memory\\n"); sys.exit(3)',
    "crash-signal": "ready(); request(); os.kill(os.getpid(), signal.SIGKILL)",
    # writes a line to stderr, then is killed (as by the OOM killer): the signal is the news
    "warns-then-killed": ('ready(); request(); sys.stderr.write("stand-in: a warning\\n"); '
                          "sys.stderr.flush(); os.kill(os.getpid(), signal.SIGKILL)"),
    "hangs": "ready(); request(); time.sleep(60)",
}


def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, behaviour: str) -> Path:
    """Every worker the pool starts is the stand-in; returns the file its pids go to."""
    script = tmp_path / f"worker-{behaviour}.py"
    pids = tmp_path / f"worker-{behaviour}.pids"
    script.write_text(PROLOGUE + f"open({str(pids)!r}, 'a').write(f'{{os.getpid()}}\\n')\n"
                      + BEHAVIOURS[behaviour] + "\n", encoding="utf-8")

    def command() -> tuple[list[str], dict[str, str], str]:
        return [sys.executable, str(script)], dict(os.environ), str(tmp_path)

    monkeypatch.setattr(elk_runner, "_worker_command", command)
    # a stand-in that hangs is given up on in seconds, not after the real allowances
    monkeypatch.setattr(elk_runner, "STARTUP_ALLOWANCE", 3.0)
    monkeypatch.setattr(elk_runner, "PER_GRAPH_SLACK", 0.2)
    return pids


def cache_files(directory: Path) -> list[str]:
    """Entries in a cache directory (an absent or empty cache has none)."""
    if not directory.exists():
        return []
    return list(Cache(directory).keys())


def assert_one_line_error(message: str | None) -> None:
    assert message, "expected an engine error"
    assert "\n" not in message and len(message) < 500
    assert "Traceback" not in message


def gone(pid: int) -> bool:
    for _ in range(100):  # the kill is immediate; allow the kernel a moment to reap
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_worker_that_cannot_start(unstartable_layout: str, tmp_path: Path) -> None:
    [rendered] = dagnote.render_many([GOOD], RenderOptions(), Cache(tmp_path / "cache"))
    assert rendered.output is None and not rendered.errors
    assert_one_line_error(rendered.engine_error)
    assert "cannot start the ELK layout worker" in rendered.engine_error  # type: ignore[operator]
    assert unstartable_layout in rendered.engine_error  # type: ignore[operator]
    assert not cache_files(tmp_path / "cache")


def test_a_worker_without_mini_racer_says_how_to_install_it(
        layout_pool: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real worker, with an unimportable ``py_mini_racer`` first on its path."""
    fake = tmp_path / "site" / "py_mini_racer"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("no V8 on this machine")\n')
    monkeypatch.setenv("PYTHONPATH", str(fake.parent))
    [rendered] = dagnote.render_many([GOOD])
    assert_one_line_error(rendered.engine_error)
    assert "mini-racer (V8) is not importable" in rendered.engine_error  # type: ignore[operator]
    assert "pip install mini-racer" in rendered.engine_error  # type: ignore[operator]


@pytest.mark.parametrize("behaviour", ["fatal", "no-hello", "garbage-reply", "wrong-count",
                                       "neither", "error-reply", "oversized", "dies",
                                       "crash-signal"])
def test_faulty_worker_gives_an_error_per_diagram(
        layout_pool: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        behaviour: str) -> None:
    stand_in(tmp_path, monkeypatch, behaviour)
    cache_dir = tmp_path / "cache"
    results = dagnote.render_many([GOOD, OTHER], RenderOptions(timeout=20), Cache(cache_dir))
    for rendered in results:
        assert rendered.output is None
        assert_one_line_error(rendered.engine_error)
        assert "ELK layout worker" in rendered.engine_error  # type: ignore[operator]
        assert not rendered.errors  # the diagram itself is fine
    assert not cache_files(cache_dir), "nothing may be cached from a failed layout"


@pytest.mark.parametrize(("behaviour", "reason"), [
    ("fatal", "cannot run: stand-in: V8 is missing"),
    ("no-hello", "exited with status 3 before it was ready: stand-in: cannot load ELK"),
    ("dies", "exited with status 3 during a layout: stand-in: out of memory"),
    ("crash-signal", "was killed by SIGKILL during a layout"),
    ("error-reply", "stand-in refuses"),
])
def test_failure_message_carries_the_workers_reason(
        layout_pool: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        behaviour: str, reason: str) -> None:
    stand_in(tmp_path, monkeypatch, behaviour)
    [rendered] = dagnote.render_many([GOOD])
    assert reason in (rendered.engine_error or ""), rendered.engine_error


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_killed_worker_is_reported_by_its_signal_not_its_last_stderr_line(
        layout_pool: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 17, item 25 (found with Graphviz): the last thing a killed process printed
    is not why it ended. The message names the signal first; the stderr line follows."""
    stand_in(tmp_path, monkeypatch, "warns-then-killed")
    [rendered] = dagnote.render_many([GOOD])
    message = rendered.engine_error or ""
    assert_one_line_error(message)
    assert "was killed by SIGKILL during a layout" in message, message
    assert message.index("SIGKILL") < message.index("stand-in: a warning"), message


def test_a_worker_that_dies_is_retried_once_on_a_fresh_process(
        layout_pool: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pids = stand_in(tmp_path, monkeypatch, "dies")
    dagnote.render_many([GOOD])
    assert len(pids.read_text().split()) == 2


def test_hanging_worker_times_out_and_is_stopped(
        layout_pool: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pids = stand_in(tmp_path, monkeypatch, "hangs")
    started = time.monotonic()
    [rendered] = dagnote.render_many([GOOD], RenderOptions(timeout=0.5),
                                     Cache(tmp_path / "cache"))
    assert time.monotonic() - started < 20  # bound: 0.5 s + 0.2 s slack + 3 s allowance
    assert_one_line_error(rendered.engine_error)
    assert "did not answer within" in rendered.engine_error  # type: ignore[operator]
    assert "was stopped" in rendered.engine_error  # type: ignore[operator]
    assert not cache_files(tmp_path / "cache")
    [pid] = [int(p) for p in pids.read_text().split()]  # a timeout is not retried
    assert gone(pid), "the hanging worker was still running after the timeout"


def test_a_slow_layout_times_out_with_a_clear_message_and_the_worker_goes_on(
        layout_pool: object, tmp_path: Path) -> None:
    """The real ELK, a large diagram, a tiny timeout: V8 stops the layout, the worker
    stays and draws the next diagram."""
    lines = ["x ~ X"]
    prev = ["x"]
    for layer in range(12):  # twelve layers of twelve values, each fed by all before
        values = [f"v{layer}_{i}" for i in range(12)]
        lines.append(", ".join(prev) + f" -> [m{layer}*] -> " + ", ".join(values))
        prev = values
    big = "\n".join([*lines, ", ".join(prev) + " -> (sum) -> loss", "min loss"]) + "\n"
    assert dagnote.check(big).ok
    dagnote.render_many([GOOD])  # the worker is started and warm
    starts = elk_runner.worker_starts()
    [slow] = dagnote.render_many([big], RenderOptions(timeout=0.05),
                                 Cache(tmp_path / "cache"))
    assert slow.output is None and not slow.errors
    assert_one_line_error(slow.engine_error)
    assert "took longer than 0.05 s" in slow.engine_error  # type: ignore[operator]
    # the cache remembers the timeout (later builds report it at once), holds no image
    remembered = Cache(tmp_path / "cache")
    assert [remembered.get(key)[:len(pipeline.TIMEOUT_ENTRY)]  # type: ignore[index]
            for key in cache_files(tmp_path / "cache")] == [pipeline.TIMEOUT_ENTRY]
    remembered.close()
    [good] = dagnote.render_many([OTHER])
    assert good.output is not None
    [later] = dagnote.render_many([big], RenderOptions(timeout=30), Cache(tmp_path / "cache"))
    assert later.output is not None and not later.from_cache
    assert elk_runner.worker_starts() == starts  # V8 was reloaded inside the same worker


def test_one_failing_diagram_does_not_stop_the_others(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In one batch, ELK refuses one graph; its neighbours render and are cached."""
    real = elk_graph.to_elk

    def poisoning(scene: object, *args: object, **kwargs: object) -> dict:
        graph = real(scene, *args, **kwargs)  # type: ignore[arg-type]
        if "poison" in repr(scene):
            first = graph["children"][0]["id"]
            graph["edges"].append({"id": "poison", "sources": [first], "targets": ["nowhere"]})
        return graph

    monkeypatch.setattr(elk_graph, "to_elk", poisoning)
    cache_dir = tmp_path / "cache"
    before = dagnote.engine_runs()
    good, poisoned, other = dagnote.render_many([GOOD, POISON, OTHER], RenderOptions(),
                                                Cache(cache_dir))
    assert dagnote.engine_runs() - before == 1  # the three shared one request
    assert poisoned.output is None
    assert_one_line_error(poisoned.engine_error)
    assert "nowhere" in poisoned.engine_error  # type: ignore[operator]
    for rendered in (good, other):
        assert rendered.engine_error is None
        assert rendered.output is not None
        fromstring(rendered.output)
    assert len(cache_files(cache_dir)) == 2


def test_a_worker_killed_during_a_build_fails_its_diagrams_and_the_next_build_draws_them(
        worker_killer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Killed on every start (a persistent OOM killer): each diagram gets the signal as
    its error, the call returns; nothing is cached, so a later build draws them."""
    cache_dir = tmp_path / "cache"
    results = dagnote.render_many([GOOD, OTHER], RenderOptions(), Cache(cache_dir))
    assert worker_killer.killed
    for rendered in results:
        assert rendered.output is None and not rendered.errors
        assert_one_line_error(rendered.engine_error)
        assert "was killed by SIGKILL" in rendered.engine_error  # type: ignore[operator]
    assert not cache_files(cache_dir)
    worker_killer.stop()
    again = dagnote.render_many([GOOD, OTHER], RenderOptions(), Cache(cache_dir))
    for rendered in again:
        assert rendered.output is not None and not rendered.from_cache
    assert len(cache_files(cache_dir)) == 2


@pytest.mark.skipif(not hasattr(os, "kill") or sys.platform == "win32", reason="POSIX signals")
def test_workers_killed_between_builds_are_replaced(layout_pool: object) -> None:
    import signal

    assert dagnote.render_many([GOOD])[0].output is not None
    pids = layout_pool.worker_pids()  # type: ignore[attr-defined]
    assert pids
    starts = elk_runner.worker_starts()
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    [rendered] = dagnote.render_many([OTHER])
    assert rendered.output is not None, rendered.engine_error
    assert elk_runner.worker_starts() > starts
    assert not set(pids) & set(layout_pool.worker_pids())  # type: ignore[attr-defined]


def test_a_failed_second_pass_keeps_the_first_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The operand pass (a second request for graphs whose operands would cross) is an
    improvement only: when it fails, or its input cannot be made, the first layout is
    drawn; an image is never thrown away for it."""
    vae = (Path(__file__).resolve().parents[2] / "examples" / "seed" / "vae.dag").read_text()
    real = elk_runner.ElkPool.layout
    calls: list[int] = []

    def second_fails(self: elk_runner.ElkPool, graphs: list, timeout: float = 10.0,
                     max_timeouts: int | None = None) -> list:
        calls.append(len(graphs))
        if len(calls) == 2:
            raise dagnote.EngineError("the ELK layout worker (pid 1) was killed by SIGKILL")
        return real(self, graphs, timeout, max_timeouts)

    monkeypatch.setattr(elk_runner.ElkPool, "layout", second_fails)
    [rendered] = dagnote.render_many([vae])
    assert len(calls) == 2, "vae.dag no longer takes the second pass: pick another figure"
    assert rendered.engine_error is None and rendered.output is not None

    def reorder_fails(graph: dict, result: dict) -> dict:
        raise KeyError("x")

    monkeypatch.setattr(elk_graph, "reorder_operands", reorder_fails)
    dagnote.build.pipeline.clear_memo()
    [rendered] = dagnote.render_many([vae + "# again\n"])
    assert rendered.engine_error is None and rendered.output is not None

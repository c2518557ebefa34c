"""Engine faults: a missing, failing, hanging or babbling engine never stops a build.

Each fault is played by a small stand-in script passed as ``RenderOptions(engine=path)``.
The promise under test: the diagram gets a one-line ``engine_error``, the other diagrams
of the same build still render, the call returns, and the cache holds no partial entry.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import time
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

import dagnote
from dagnote import Cache, RenderOptions

GOOD = "x ~ X\nx -> [f*] -> y\nmin y\n"
OTHER = "z ~ N(0, 1)\nz -> [g*] -> x'\nmin x'\n"
POISON = "x ~ X\nx -> [poison*] -> y\nmin y\n"  # the stand-in below fails on this one
REAL = shutil.which("graphviz-pure", path=str(Path(sys.executable).parent)) or shutil.which(
    "graphviz-pure")

PROLOGUE = f"""#!{sys.executable}
import subprocess, sys, time
if sys.argv[1:] == ["-V"]:
    sys.stderr.write("dot - graphviz version 2.43.0 (stand-in)\\n")
    sys.exit(0)
data = sys.stdin.buffer.read()
"""

BEHAVIOURS = {
    "fails": 'sys.stderr.write("Error: <stdin>: syntax error in line 1\\n"); sys.exit(3)',
    "silent-fail": "sys.exit(1)",
    "hangs": "time.sleep(60)",
    "garbage": 'sys.stdout.write("this is not an image\\n")',
    "broken-svg": 'sys.stdout.write("<svg><g><text>unclosed</svg>\\n" * data.count(b"digraph"))',
    "empty": "pass",  # exit 0, no output at all
    # well-formed, but empty SVG documents, one per graph
    "blank-svg": ('sys.stdout.write(\'<svg xmlns="http://www.w3.org/2000/svg"><g id="graph0" '
                  'class="graph"></g></svg>\\n\' * data.count(b"digraph"))'),
    "crash-signal": "import os, signal; os.kill(os.getpid(), signal.SIGKILL)",
    # lays out with the real embedded engine unless the input holds the poison module
    "poisoned": (
        'if b"poison" in data:\n'
        '    sys.stderr.write("Error: layout failed\\n"); sys.exit(1)\n'
        f"proc = subprocess.run([{REAL!r}, *sys.argv[1:]], input=data, capture_output=True)\n"
        "sys.stdout.buffer.write(proc.stdout); sys.exit(proc.returncode)"
    ),
}


def stand_in(tmp_path: Path, behaviour: str) -> str:
    """An executable script that answers ``-V`` like Graphviz, then misbehaves."""
    script = tmp_path / f"engine-{behaviour}"
    script.write_text(PROLOGUE + BEHAVIOURS[behaviour] + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def cache_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and "engines" not in p.parts)


def assert_one_line_error(message: str | None) -> None:
    assert message, "expected an engine error"
    assert "\n" not in message and len(message) < 500
    assert "Traceback" not in message


def test_missing_engine(tmp_path: Path) -> None:
    options = RenderOptions(engine=str(tmp_path / "no-such-dot"))
    [rendered] = dagnote.render_many([GOOD], options, Cache(tmp_path / "cache"))
    assert rendered.output is None
    assert_one_line_error(rendered.engine_error)
    assert "no-such-dot" in rendered.engine_error  # type: ignore[operator]
    assert not cache_files(tmp_path / "cache")


def test_unknown_engine_name(tmp_path: Path) -> None:
    [rendered] = dagnote.render_many([GOOD], RenderOptions(engine="no-such-engine-xyz"))
    assert_one_line_error(rendered.engine_error)
    assert "not found" in rendered.engine_error  # type: ignore[operator]


def test_engine_file_that_is_not_executable(tmp_path: Path) -> None:
    plain = tmp_path / "dot"
    plain.write_text("not a program")
    [rendered] = dagnote.render_many([GOOD], RenderOptions(engine=str(plain)))
    assert_one_line_error(rendered.engine_error)


@pytest.mark.parametrize("behaviour", ["fails", "silent-fail", "garbage", "broken-svg",
                                       "empty", "crash-signal", "blank-svg"])
def test_faulty_engine_gives_an_error_per_diagram(tmp_path: Path, behaviour: str) -> None:
    cache_dir = tmp_path / "cache"
    options = RenderOptions(engine=stand_in(tmp_path, behaviour), timeout=20)
    results = dagnote.render_many([GOOD, OTHER], options, Cache(cache_dir))
    for rendered in results:
        assert rendered.output is None
        assert_one_line_error(rendered.engine_error)
        assert not rendered.errors  # the diagram itself is fine
    assert not cache_files(cache_dir), "nothing may be cached from a failed run"


def test_failure_message_carries_the_engine_reason(tmp_path: Path) -> None:
    options = RenderOptions(engine=stand_in(tmp_path, "fails"))
    [rendered] = dagnote.render_many([GOOD], options)
    assert "syntax error in line 1" in rendered.engine_error  # type: ignore[operator]


def test_hanging_engine_times_out(tmp_path: Path) -> None:
    options = RenderOptions(engine=stand_in(tmp_path, "hangs"), timeout=1.0)
    started = time.monotonic()
    [rendered] = dagnote.render_many([GOOD], options, Cache(tmp_path / "cache"))
    assert time.monotonic() - started < 20  # generous: the timeout is 1 s
    assert_one_line_error(rendered.engine_error)
    assert "timed out" in rendered.engine_error  # type: ignore[operator]
    assert not cache_files(tmp_path / "cache")


@pytest.mark.skipif(REAL is None, reason="graphviz-pure is not installed")
def test_one_failing_diagram_does_not_stop_the_others(tmp_path: Path) -> None:
    """In one batch, the failing graph is isolated; its neighbours render and are cached."""
    cache_dir = tmp_path / "cache"
    options = RenderOptions(engine=stand_in(tmp_path, "poisoned"), timeout=20)
    good, poisoned, other = dagnote.render_many([GOOD, POISON, OTHER], options,
                                                Cache(cache_dir))
    assert poisoned.output is None
    assert_one_line_error(poisoned.engine_error)
    for rendered in (good, other):
        assert rendered.engine_error is None
        assert rendered.output is not None
        fromstring(rendered.output)
    assert len(list(Cache(cache_dir).keys())) == 2


@pytest.mark.skipif(REAL is None, reason="graphviz-pure is not installed")
def test_a_later_good_engine_renders_what_a_bad_one_could_not(tmp_path: Path) -> None:
    """An engine error is not cached: fixing the engine fixes the page on the next build."""
    cache = Cache(tmp_path / "cache")
    bad = RenderOptions(engine=stand_in(tmp_path, "fails"))
    assert dagnote.render_many([GOOD], bad, cache)[0].engine_error
    [fixed] = dagnote.render_many([GOOD], RenderOptions(engine=REAL), cache)  # type: ignore[arg-type]
    assert fixed.output is not None and not fixed.from_cache


def test_engine_hanging_in_a_child_process_times_out(tmp_path: Path) -> None:
    """A shell wrapper whose child hangs: the timeout still returns control to the build."""
    script = tmp_path / "dot-wrapper"
    script.write_text('#!/bin/sh\nif [ "$1" = "-V" ]; then\n'
                      '  echo "dot - graphviz version 2.43.0" >&2; exit 0\nfi\nsleep 5\n')
    script.chmod(0o755)
    started = time.monotonic()
    [rendered] = dagnote.render_many([GOOD], RenderOptions(engine=str(script), timeout=1.0))
    assert time.monotonic() - started < 4.5
    assert "timed out" in (rendered.engine_error or "")


def test_timeout_ends_the_engines_children_too(tmp_path: Path) -> None:
    """The real engine behind a wrapper script must not outlive the timeout."""
    pid_file = tmp_path / "child.pid"
    script = tmp_path / "dot-wrapper"
    script.write_text('#!/bin/sh\nif [ "$1" = "-V" ]; then\n'
                      '  echo "dot - graphviz version 2.43.0" >&2; exit 0\nfi\n'
                      f'sleep 30 &\necho $! > "{pid_file}"\nwait\n')
    script.chmod(0o755)
    [rendered] = dagnote.render_many([GOOD], RenderOptions(engine=str(script), timeout=1.0))
    assert "timed out" in (rendered.engine_error or "")
    child = int(pid_file.read_text())
    for _ in range(50):  # the kill is immediate; allow the kernel a moment to reap
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(child, 9)
    pytest.fail("the engine's child process was still running after the timeout")

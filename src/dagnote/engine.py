"""Run Graphviz: the embedded ``graphviz-pure`` or the system ``dot``.

Many graphs go to one process (``dot`` lays out every graph in its input and writes one
SVG document per graph), because process start-up, not layout, dominates the cost of a
small diagram. Every run has a timeout; no shell is ever involved.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import EngineError

EMBEDDED = "graphviz-pure"
SYSTEM = "dot"
_runs = 0
_runs_lock = threading.Lock()


def engine_runs() -> int:
    """How many engine processes this Python process has started (tests, benchmarks)."""
    return _runs


def _count_run() -> None:
    global _runs
    with _runs_lock:
        _runs += 1


@dataclass(frozen=True)
class Engine:
    name: str
    path: str
    version: str

    @property
    def formats(self) -> tuple[str, ...]:
        return ("svg", "png") if self.name == EMBEDDED else ("svg", "png", "pdf")


def _install_hint(name: str) -> str:
    if name == EMBEDDED:
        return "install it with 'pip install graphviz-pure' (it ships inside the wheel)"
    if name == SYSTEM:
        return (
            "install Graphviz (Debian/Ubuntu: 'apt-get install graphviz'; macOS: "
            "'brew install graphviz') or use the embedded engine 'graphviz-pure'"
        )
    return "give the path of a dot-compatible executable, or use 'graphviz-pure'"


def find_executable(name: str) -> str:
    """The executable for an engine name or path; EngineError if there is none."""
    if os.sep in name or (os.altsep and os.altsep in name):
        if Path(name).is_file() and os.access(name, os.X_OK):
            return str(Path(name).resolve())
        raise EngineError(f"Graphviz engine '{name}' is not an executable file: "
                          + _install_hint(name))
    if name == EMBEDDED:
        # prefer the copy installed next to this interpreter (the venv that has dagnote)
        beside = Path(sys.executable).parent / EMBEDDED
        if beside.is_file() and os.access(beside, os.X_OK):
            return str(beside)
    found = shutil.which(name)
    if found is None:
        raise EngineError(f"Graphviz engine '{name}' was not found: {_install_hint(name)}")
    return found


@functools.lru_cache(maxsize=16)
def _version(path: str, mtime: float) -> str:
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [path, "-V"], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EngineError(f"Graphviz engine '{path}' does not start: {exc}") from exc
    _count_run()
    text = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()
    if proc.returncode != 0 or "version" not in text.lower():
        raise EngineError(f"'{path} -V' did not report a Graphviz version: {text[:200]!r}")
    return text.splitlines()[0]


def resolve(name: str) -> Engine:
    path = find_executable(name)
    kind = EMBEDDED if Path(path).name.startswith(EMBEDDED) else (
        SYSTEM if name == SYSTEM else name)
    return Engine(kind, path, _version(path, os.stat(path).st_mtime))


_SVG_END = re.compile(rb"</svg>\s*")


def split_svgs(data: bytes, expected: int) -> list[bytes]:
    """Cut the output of a multi-graph run into one SVG document per graph."""
    parts: list[bytes] = []
    start = 0
    for m in _SVG_END.finditer(data):
        parts.append(data[start : m.start()] + b"</svg>\n")
        start = m.end()
    if len(parts) != expected or data[start:].strip():
        raise EngineError(
            f"the engine wrote {len(parts)} SVG documents for {expected} graphs "
            "(unexpected output)"
        )
    return parts


def run(engine: Engine, dots: Sequence[str], fmt: str, timeout: float) -> list[bytes]:
    """Lay out ``dots`` in one process; one output per graph (SVG can be batched)."""
    if fmt not in engine.formats:
        raise EngineError(f"engine '{engine.name}' cannot write {fmt}")
    if fmt != "svg" and len(dots) != 1:
        return [run(engine, [d], fmt, timeout)[0] for d in dots]
    data = "".join(dots).encode("utf-8")
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [engine.path, f"-T{fmt}"],
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise EngineError(
            f"Graphviz engine '{engine.name}' timed out after {timeout:g} s"
        ) from exc
    except OSError as exc:
        raise EngineError(f"Graphviz engine '{engine.name}' could not run: {exc}") from exc
    finally:
        _count_run()
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = err[-1] if err else f"exit status {proc.returncode}"
        raise EngineError(f"Graphviz engine '{engine.name}' failed: {detail}")
    if fmt == "svg":
        return split_svgs(proc.stdout, len(dots))
    if not proc.stdout:
        raise EngineError(f"Graphviz engine '{engine.name}' wrote nothing")
    return [proc.stdout]


def svg_to_pdf(svg: bytes, timeout: float) -> bytes:
    """PDF from our post-processed SVG via rsvg-convert, for engines without -Tpdf."""
    tool = shutil.which("rsvg-convert")
    if tool is None:
        raise EngineError(
            "PDF needs the system Graphviz 'dot' or 'rsvg-convert' "
            "(Debian/Ubuntu: apt-get install graphviz or librsvg2-bin)"
        )
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [tool, "-f", "pdf"], input=svg, capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EngineError(f"rsvg-convert failed: {exc}") from exc
    if proc.returncode != 0 or not proc.stdout.startswith(b"%PDF"):
        raise EngineError("rsvg-convert failed: " + proc.stderr.decode("utf-8", "replace")[:200])
    return proc.stdout

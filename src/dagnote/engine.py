"""Run Graphviz: the embedded ``graphviz-pure`` or the system ``dot``.

Many graphs go to one process (``dot`` lays out every graph in its input and writes one
SVG document per graph), because process start-up, not layout, dominates the cost of a
small diagram. Every run has a timeout; no shell is ever involved.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
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
            # absolute, but symlinks kept: dot, neato, ... are one binary that reads argv[0]
            return os.path.abspath(name)
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
def _version(path: str, stamp: tuple[int, int, int]) -> str:
    """``path -V`` (one process per engine binary and Python process; see _memo_version)."""
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


def _memo_version(path: str, stamp: tuple[int, int, int], memo_dir: Path) -> str:
    """The version, remembered in ``memo_dir/engines`` across builds (a probe costs 2-60 ms
    of process start, more than a whole warm build of a small page)."""
    tag = hashlib.sha256(f"{path}\0{stamp}".encode("utf-8", "surrogatepass")).hexdigest()
    memo = memo_dir / "engines" / f"{tag[:32]}.txt"
    try:
        known = memo.read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        known = ""
    if known and "version" in known.lower() and "\n" not in known:
        return known
    version = _version(path, stamp)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=memo.parent, prefix=".tmp-", suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(version + "\n")
        os.replace(tmp, memo)
    except OSError:
        pass  # a read-only cache only costs the probe next time
    return version


def resolve(name: str, memo_dir: Path | None = None) -> Engine:
    """The engine for a name or path, with its version (probed once, memoised on disk in
    ``memo_dir`` when given: keyed by the binary's path, size, mtime and inode)."""
    path = find_executable(name)
    kind = EMBEDDED if Path(path).name.startswith(EMBEDDED) else (
        SYSTEM if name == SYSTEM else name)
    st = os.stat(path)  # follows symlinks: the binary itself
    stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    if memo_dir is None:
        return Engine(kind, path, _version(path, stamp))
    return Engine(kind, path, _memo_version(path, stamp, Path(memo_dir)))


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


def run(engine: Engine, dots: Sequence[bytes], fmt: str, timeout: float) -> list[bytes]:
    """Lay out ``dots`` (UTF-8 DOT) in one process; one output per graph (SVG can be
    batched)."""
    if fmt not in engine.formats:
        raise EngineError(f"engine '{engine.name}' cannot write {fmt}")
    if fmt != "svg" and len(dots) != 1:
        return [run(engine, [d], fmt, timeout)[0] for d in dots]
    data = b"".join(dots)
    proc = _run_bounded([engine.path, f"-T{fmt}"], data, timeout, engine.name)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = err[-1] if err else f"exit status {proc.returncode}"
        raise EngineError(f"Graphviz engine '{engine.name}' failed: {detail}")
    if fmt == "svg":
        return split_svgs(proc.stdout, len(dots))
    if not proc.stdout:
        raise EngineError(f"Graphviz engine '{engine.name}' wrote nothing")
    return [proc.stdout]


def _run_bounded(argv: list[str], data: bytes, timeout: float,
                 name: str) -> subprocess.CompletedProcess[bytes]:
    """Run an engine in its own process group, so a timeout ends it and every child.

    Input and output go through unnamed temporary files, not pipes: the engine never
    waits for this process to read, and a caller thread sleeps in the kernel (without the
    GIL) until the engine exits, so batches run beside a busy host thread at full speed.
    ``subprocess.run`` would also kill only the direct child on a timeout: an engine
    behind a wrapper script would leave its real process running.
    """
    with (tempfile.TemporaryFile() as given, tempfile.TemporaryFile() as out,
          tempfile.TemporaryFile() as err):
        given.write(data)
        given.seek(0)
        try:
            proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                argv, stdin=given, stdout=out, stderr=err, start_new_session=True,
            )
        except OSError as exc:
            raise EngineError(f"Graphviz engine '{name}' could not run: {exc}") from exc
        finally:
            _count_run()
        if not _wait(proc, timeout):
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise EngineError(f"Graphviz engine '{name}' timed out after {timeout:g} s")
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(argv, proc.returncode, out.read(), err.read())


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait for ``proc`` to exit (True) or ``timeout`` to pass (False).

    A pidfd wakes the caller the moment the process exits; ``Popen.wait(timeout)`` polls
    with sleeps of up to 50 ms, which would delay every batch by that much.
    """
    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
    finally:
        os.close(fd)
    if not ready:
        return False
    proc.wait()
    return True


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

"""Run ELK Layered (the vendored elkjs bundle) in V8 worker processes.

V8 (through ``mini-racer``) never runs in the process that calls this module: Sphinx
forks that process for ``-j``, and a forked V8 is unusable. Each worker is
``python -m dagnote.drawing.elk_worker``, which loads ``elk/elk.bundled.js`` once and then
answers requests on its stdin/stdout:

* a frame is a 4-byte big-endian length and that many bytes of UTF-8 JSON;
* on start the worker writes ``HELLO`` and one frame, ``{"ready": true, ...}`` or
  ``{"fatal": "message"}`` (then it exits);
* a request is ``{"graphs": [<ELK JSON graph>, ...], "timeout": seconds_per_graph}`` and
  optionally ``"max_timeouts": n`` (after n layouts stopped at their timeout, the rest of
  the request is answered with :data:`SKIPPED`), the
  reply ``{"results": [{"graph": <laid-out graph>} | {"error": "message"}, ...],
  "maxrss_kib": n}`` (a request it cannot read gets ``{"error": "message"}``).

Workers start on first use (never at import), stay warm between calls (a ``mkdocs serve``
rebuild does not restart V8), and a worker that died is replaced on the next call. The
process-wide :func:`pool` holds up to four of them.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import math
import os
import queue
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

from ..language.diagnostics import EngineError

#: The vendored elkjs release; scripts/refresh_elk.py checks and rewrites these two.
ELK_VERSION = "0.12.1"
ELK_SHA256 = "b1032b7cfd2a57c54c6f0e8369d7665e19a579954f7cd20a6dae28f1912ea0d7"

BUNDLE_PATH = Path(__file__).resolve().parent / "elk" / "elk.bundled.js"

MAX_REQUEST_BYTES = 64 * 1024 * 1024  # one request frame (a batch is split to fit)
# one reply frame; bigger results become errors (a diagram of 494 elements, near the
# language's limit, lays out to 400 KiB of JSON; a build's request holds 8 diagrams)
MAX_REPLY_BYTES = 32 * 1024 * 1024
V8_HEAP_LIMIT_BYTES = 1024 * 1024 * 1024  # per worker; a layout past it is an error
STARTUP_ALLOWANCE = 30.0  # seconds: interpreter start plus loading the bundle, slow CI
PER_GRAPH_SLACK = 1.0  # seconds per graph on top of its timeout (JSON, a V8 reload)
MAX_POOL_WORKERS = 4

HELLO = b"DAGNOTE-ELK-WORKER-1\n"
TIMED_OUT = "layout took longer than"  # starts the message of a layout stopped in time
SKIPPED = ("not laid out: layouts that did not finish in time already used up this "
           "build's budget for them")
FRAME_HEADER = struct.Struct(">I")

_T = TypeVar("_T")
Result = dict[str, Any] | str

# ---------------------------------------------------------------- counters


_count_lock = threading.Lock()
_starts = 0
_layouts = 0
_peak_kib = 0


def worker_starts() -> int:
    """How many ELK worker processes this Python process has started (tests, benchmarks)."""
    return _starts


def layouts_done() -> int:
    """How many graphs the workers of this process have laid out successfully."""
    return _layouts


def peak_worker_rss_mib() -> float:
    """The largest peak RSS any worker of this process reported, in MiB (0 if unknown)."""
    return _peak_kib / 1024


def _count(starts: int = 0, layouts: int = 0, rss_kib: int = 0) -> None:
    global _starts, _layouts, _peak_kib
    with _count_lock:
        _starts += starts
        _layouts += layouts
        _peak_kib = max(_peak_kib, rss_kib)


def default_pool_size() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_POOL_WORKERS))


# ---------------------------------------------------------------- framing


def encode_frame(payload: bytes) -> bytes:
    return FRAME_HEADER.pack(len(payload)) + payload


def read_frame(stream: IO[bytes], limit: int) -> bytes | None:
    """One frame's payload; None at end of file (also in the middle of a frame).

    Raises ValueError for a frame larger than ``limit`` (its bytes are left unread).
    """
    header = stream.read(FRAME_HEADER.size)
    if len(header) < FRAME_HEADER.size:
        return None
    (size,) = FRAME_HEADER.unpack(header)
    if size > limit:
        raise ValueError(f"a frame of {size} bytes is larger than the limit of {limit}")
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return payload


# ---------------------------------------------------------------- starting processes


class _Spawner:
    """Starts worker processes from one long-lived thread.

    On Linux a worker asks for SIGKILL when its parent dies (PR_SET_PDEATHSIG), and the
    kernel's "parent" is the *thread* that started it: a worker started from a
    ThreadPoolExecutor thread would be killed when that thread ends.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[Callable[[], Any], list[Any], threading.Event]]
        self._queue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="dagnote-elk-spawner",
                                        daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            fn, box, done = self._queue.get()
            try:
                box.append((True, fn()))
            except BaseException as exc:  # handed to the caller
                box.append((False, exc))
            finally:
                done.set()

    def call(self, fn: Callable[[], _T]) -> _T:
        if threading.current_thread() is self._thread:
            return fn()
        box: list[tuple[bool, Any]] = []
        done = threading.Event()
        self._queue.put((fn, box, done))
        done.wait()
        ok, value = box[0]
        if not ok:
            raise value
        return value


_spawner_lock = threading.Lock()
_spawner: _Spawner | None = None


def _in_spawner_thread(fn: Callable[[], _T]) -> _T:
    global _spawner
    if not sys.platform.startswith("linux"):
        return fn()
    with _spawner_lock:
        if _spawner is None:
            _spawner = _Spawner()
        spawner = _spawner
    return spawner.call(fn)


def _worker_command() -> tuple[list[str], dict[str, str], str]:
    """argv, environment and working directory that import this very dagnote."""
    if not sys.executable:
        raise EngineError("cannot start the ELK layout worker: sys.executable is unknown")
    root = str(Path(__file__).resolve().parent.parent.parent)  # the directory of dagnote/
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (root, env.get("PYTHONPATH", "")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    env["DAGNOTE_ELK_PARENT"] = str(os.getpid())
    # cwd=root: 'python -m' puts the working directory first on sys.path, so a stray
    # 'dagnote' or 'json.py' in the caller's directory cannot shadow the real ones
    return [sys.executable, "-m", "dagnote.drawing.elk_worker"], env, root


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name}"
    return f"exited with status {code}"


# ---------------------------------------------------------------- one worker


class _WorkerDied(EngineError):
    """The worker process ended during an exchange (not by our watchdog)."""


_live_workers: weakref.WeakSet[ElkWorker] = weakref.WeakSet()
_inherited: list[Any] = []  # processes and files a forked child inherited: never touched


class ElkWorker:
    """One worker process, used by one thread at a time (ElkPool hands it out)."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._lock = threading.Lock()  # guards _proc against a concurrent kill()
        self._expired = False
        self._killed = False
        self.ready_info: dict[str, Any] = {}
        _live_workers.add(self)

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None else None

    def alive(self) -> bool:
        proc = self._proc
        return proc is not None and proc.poll() is None

    # -- start and stop

    def start(self) -> None:
        """Start the process now (it would start on first use otherwise)."""
        self._ensure()

    def _start(self) -> subprocess.Popen[bytes]:
        argv, env, cwd = _worker_command()
        stderr = tempfile.TemporaryFile()

        def popen() -> subprocess.Popen[bytes]:
            return subprocess.Popen(  # noqa: S603 - fixed argv (this interpreter), no shell
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                env=env, cwd=cwd,
            )

        try:
            proc = _in_spawner_thread(popen)
        except OSError as exc:
            stderr.close()
            raise EngineError(f"cannot start the ELK layout worker: {exc}") from exc
        _count(starts=1)
        with self._lock:
            self._proc, self._stderr, self._expired = proc, stderr, False
        try:
            with self._watchdog(proc, STARTUP_ALLOWANCE):
                hello = self._read_hello(proc)
        except OSError:
            hello = None
        if hello is None:
            raise self._failure(proc, STARTUP_ALLOWANCE, "before it was ready")
        if "fatal" in hello or not hello.get("ready"):
            self._reap(proc, kill=True)
            raise EngineError(f"the ELK layout worker cannot run: {hello.get('fatal', hello)}")
        self.ready_info = hello
        _count(rss_kib=int(hello.get("maxrss_kib") or 0))
        return proc

    @staticmethod
    def _read_hello(proc: subprocess.Popen[bytes]) -> dict[str, Any] | None:
        """The ready frame, after skipping anything a sitecustomize printed before it."""
        assert proc.stdout is not None
        seen = proc.stdout.read(len(HELLO))
        while seen[-len(HELLO):] != HELLO:
            more = proc.stdout.read(1)
            if not more or len(seen) > 65536:
                return None
            seen += more
        try:
            payload = read_frame(proc.stdout, 65536)
        except ValueError:
            return None
        if payload is None:
            return None
        try:
            hello = json.loads(payload)
        except ValueError:
            return None
        return hello if isinstance(hello, dict) else None

    def _ensure(self) -> subprocess.Popen[bytes]:
        """The running process; one that died since the last call is replaced."""
        if self._killed:
            raise EngineError("the ELK layout worker was stopped (its pool was closed)")
        proc = self._proc
        if proc is not None and proc.poll() is None:
            return proc
        if proc is not None:
            self._reap(proc)
        return self._start()

    def _reap(self, proc: subprocess.Popen[bytes], kill: bool = False) -> None:
        stderr = None
        with self._lock:
            if self._proc is proc:
                self._proc = None
                stderr, self._stderr = self._stderr, None
        if kill:
            with contextlib.suppress(OSError):
                proc.kill()
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError, ValueError):
                if stream is not None:
                    stream.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                proc.kill()
            proc.wait()
        if stderr is not None:
            stderr.close()

    def kill(self) -> None:
        """Stop the process now (safe from another thread; the user sees an EngineError)."""
        with self._lock:
            proc = self._proc
            self._killed = True
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.kill()

    def begin_close(self) -> None:
        """Close the worker's stdin: it closes its V8 context and exits."""
        proc = self._proc
        if proc is not None and proc.stdin is not None:
            with contextlib.suppress(OSError, ValueError):
                proc.stdin.close()

    def finish_close(self, grace: float = 2.0) -> None:
        """Wait up to ``grace`` seconds for the exit begin_close asked for, then kill."""
        proc = self._proc
        if proc is None:
            return
        try:
            proc.wait(timeout=max(grace, 0.0))
        except subprocess.TimeoutExpired:
            pass
        self._reap(proc, kill=proc.poll() is None)

    def close(self, grace: float = 2.0) -> None:
        self.begin_close()
        self.finish_close(grace)

    def _abandon_after_fork(self) -> None:
        """In a forked child: let go of the parent's worker without touching it.

        The pipe descriptors are pointed at /dev/null (so the worker still sees end of
        file when the parent closes its copy, and a half-written buffer inherited from a
        busy thread can never reach it); the objects are kept, never used or closed.
        """
        proc, self._proc = self._proc, None
        self._stderr = None
        self._lock = threading.Lock()
        if proc is None:
            return
        _inherited.append(proc)
        try:
            null = os.open(os.devnull, os.O_RDWR)
        except OSError:
            return
        try:
            for stream in (proc.stdin, proc.stdout):
                with contextlib.suppress(OSError, ValueError):
                    if stream is not None:
                        os.dup2(null, stream.fileno())
        finally:
            os.close(null)

    # -- watchdog and failures

    @contextlib.contextmanager
    def _watchdog(self, proc: subprocess.Popen[bytes], seconds: float) -> Any:
        def expire() -> None:
            self._expired = True
            with contextlib.suppress(OSError):
                proc.kill()

        timer = threading.Timer(seconds, expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def _failure(self, proc: subprocess.Popen[bytes], bound: float,
                 when: str = "during a layout") -> EngineError:
        stderr = self._stderr
        detail = ""
        if self._killed:
            self._reap(proc, kill=True)
            return EngineError(f"the ELK layout worker (pid {proc.pid}) was stopped "
                               "(its pool was closed)")
        if self._expired:
            self._reap(proc, kill=True)
            return EngineError(f"the ELK layout worker (pid {proc.pid}) did not answer within "
                               f"{bound:.3g} s and was stopped")
        try:
            code = proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        if stderr is not None:
            with contextlib.suppress(OSError, ValueError):
                stderr.seek(0, os.SEEK_END)
                size = stderr.tell()
                stderr.seek(max(0, size - 2000))
                lines = stderr.read().decode("utf-8", "replace").strip().splitlines()
                if lines:
                    detail = f": {lines[-1][:300]}"
        self._reap(proc, kill=True)
        return _WorkerDied(f"the ELK layout worker (pid {proc.pid}) {_describe_exit(code)} "
                           f"{when}{detail}")

    # -- layout

    def layout(self, graphs: Sequence[dict[str, Any]], timeout: float,
               max_timeouts: int | None = None) -> list[Result]:
        """Lay out every graph (ELK JSON); a result is the laid-out graph or an error message.

        ``max_timeouts``: after that many layouts stopped at ``timeout``, the remaining
        graphs are answered with :data:`SKIPPED` instead of being tried.

        Raises EngineError when the worker cannot start, dies twice in a row, or does not
        answer within ``timeout`` per graph plus an allowance.
        """
        if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        results: list[Result | None] = [None] * len(graphs)
        batch: list[tuple[int, bytes]] = []
        size = 0
        limit = MAX_REQUEST_BYTES - 64
        for i, graph in enumerate(graphs):
            if not isinstance(graph, dict):
                results[i] = f"an ELK graph is a JSON object, not {type(graph).__name__}"
                continue
            try:
                data = json.dumps(graph, ensure_ascii=False, allow_nan=False,
                                  separators=(",", ":")).encode("utf-8")
            except (TypeError, ValueError) as exc:
                results[i] = f"the graph is not JSON: {exc}"
                continue
            if len(data) > limit:
                results[i] = (f"the graph is {len(data)} bytes of JSON; the limit is {limit}")
                continue
            if batch and size + len(data) + 1 > limit:
                self._run_batch(batch, timeout, results, max_timeouts)
                batch, size = [], 0
            batch.append((i, data))
            size += len(data) + 1
        if batch:
            self._run_batch(batch, timeout, results, max_timeouts)
        assert all(r is not None for r in results)
        return results  # type: ignore[return-value]

    def _run_batch(self, batch: list[tuple[int, bytes]], timeout: float,
                   results: list[Result | None], max_timeouts: int | None = None) -> None:
        budget = b"" if max_timeouts is None else b',"max_timeouts":%d' % max_timeouts
        request = (b'{"timeout":' + json.dumps(float(timeout)).encode() + budget
                   + b',"graphs":[' + b",".join(data for _, data in batch) + b"]}")
        try:
            answers = self._exchange(request, timeout, len(batch))
        except _WorkerDied:
            # a worker killed from outside (OOM killer, a signal) costs one retry on a
            # fresh process; a graph that crashes V8 crashes that one too and is reported
            answers = self._exchange(request, timeout, len(batch))
        for (i, _), answer in zip(batch, answers, strict=True):
            results[i] = answer

    def _exchange(self, request: bytes, timeout: float, n: int) -> list[Result]:
        proc = self._ensure()
        assert proc.stdin is not None and proc.stdout is not None
        bound = n * (timeout + PER_GRAPH_SLACK) + STARTUP_ALLOWANCE
        self._expired = False
        payload: bytes | None = None
        try:
            with self._watchdog(proc, bound):
                proc.stdin.write(encode_frame(request))
                proc.stdin.flush()
                payload = read_frame(proc.stdout, MAX_REPLY_BYTES + 4096)
        except ValueError as exc:  # an oversized frame, or a pipe closed by kill()
            if not self._expired and proc.poll() is None:
                self._reap(proc, kill=True)
                raise EngineError(f"the ELK layout worker sent an unusable reply: {exc}") from exc
        except OSError:  # BrokenPipeError: the worker was gone before it read the request
            payload = None
        if payload is None:
            raise self._failure(proc, bound)
        try:
            reply = json.loads(payload)
            answers = self._answers(reply, n)
        except (ValueError, TypeError, KeyError) as exc:
            self._reap(proc, kill=True)
            raise EngineError(f"the ELK layout worker sent an unusable reply: {exc}") from exc
        _count(layouts=sum(isinstance(a, dict) for a in answers),
               rss_kib=int(reply.get("maxrss_kib") or 0))
        return answers

    @staticmethod
    def _answers(reply: Any, n: int) -> list[Result]:
        if not isinstance(reply, dict):
            raise TypeError("the reply is not a JSON object")
        if "results" not in reply and isinstance(reply.get("error"), str):
            raise ValueError(reply["error"])
        items = reply["results"]
        if not isinstance(items, list) or len(items) != n:
            raise ValueError(f"expected {n} results")
        answers: list[Result] = []
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("graph"), dict):
                answers.append(item["graph"])
            elif isinstance(item, dict) and isinstance(item.get("error"), str):
                answers.append(item["error"])
            else:
                raise ValueError("a result is neither a graph nor an error")
        return answers


# ---------------------------------------------------------------- the pool


class ElkPool:
    """Up to ``size`` warm workers, started on demand, each used by one thread at a time."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size if size is not None else default_pool_size()
        if self.size < 1:
            raise ValueError("an ElkPool needs at least one worker")
        self._cond = threading.Condition()
        self._free: list[ElkWorker] = []
        self._all: list[ElkWorker] = []
        self._closed = False
        self._pid = os.getpid()

    @property
    def closed(self) -> bool:
        return self._closed

    def worker_pids(self) -> list[int]:
        """Process ids of the workers running now (tests)."""
        with self._cond:
            workers = list(self._all)
        return [pid for w in workers if w.alive() and (pid := w.pid) is not None]

    def layout(self, graphs: Sequence[dict[str, Any]], timeout: float = 10.0,
               max_timeouts: int | None = None) -> list[Result]:
        """Lay out ``graphs`` on a free worker (waiting for one if all are busy)."""
        if not graphs:
            return []
        worker = self._acquire()
        try:
            return worker.layout(graphs, timeout, max_timeouts)
        finally:
            self._release(worker)

    def warm(self) -> None:
        """Start every worker not started yet, in the background, and return at once: V8
        and ELK load (about half a second each) while the caller goes on, so the first
        layouts find them ready. A worker that cannot start is reported by the first
        layout that needs it."""
        with self._cond:
            if self._closed:
                return
            new = [ElkWorker() for _ in range(self.size - len(self._all))]
            self._all += new  # held (not free) until started

        def start(worker: ElkWorker) -> None:
            with contextlib.suppress(EngineError):
                worker.start()
            self._release(worker)

        for worker in new:
            threading.Thread(target=start, args=(worker,), name="dagnote-elk-warm",
                             daemon=True).start()

    def _acquire(self) -> ElkWorker:
        with self._cond:
            while True:
                if self._closed:
                    raise EngineError("the ELK layout pool is closed")
                if self._free:
                    return self._free.pop()  # the most recently used: warmest JIT
                if len(self._all) < self.size:
                    worker = ElkWorker()
                    self._all.append(worker)
                    return worker
                self._cond.wait()

    def _release(self, worker: ElkWorker) -> None:
        with self._cond:
            closed = self._closed
            if not closed:
                self._free.append(worker)
            self._cond.notify()
        if closed:
            worker.close(grace=0.0)

    def close(self, grace: float = 2.0) -> None:
        """Stop every worker: idle ones get end of file (then a kill after ``grace`` s),
        busy ones are killed (their caller gets an EngineError)."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            idle, busy = list(self._free), [w for w in self._all if w not in self._free]
            self._free.clear()
            self._all.clear()
            self._cond.notify_all()
        if os.getpid() != self._pid:
            return  # inherited through fork: those are the parent's processes
        for worker in busy:
            worker.kill()
        for worker in idle:
            worker.begin_close()
        deadline = time.monotonic() + grace
        for worker in idle:
            worker.finish_close(deadline - time.monotonic())


_pool_lock = threading.Lock()
_pool: ElkPool | None = None
_atexit_registered = False
_exiting = False


def pool() -> ElkPool:
    """The process-wide pool (a new one after a fork or after it was closed)."""
    global _pool, _atexit_registered
    with _pool_lock:
        if _exiting:
            raise EngineError("the interpreter is exiting: no ELK layouts any more")
        current = _pool
        if current is None or current.closed or current._pid != os.getpid():
            current = _pool = ElkPool()
            if not _atexit_registered:
                atexit.register(_close_at_exit)
                _atexit_registered = True
        return current


def layout_one(graph: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
    """One graph laid out by the process-wide pool; EngineError with ELK's message if not."""
    result = pool().layout([graph], timeout)[0]
    if isinstance(result, str):
        raise EngineError(f"ELK layout failed: {result}")
    return result


def _close_at_exit() -> None:
    global _exiting
    with _pool_lock:
        _exiting = True
        current = _pool
    if current is not None and current._pid == os.getpid():
        current.close(grace=1.0)


def _after_fork_in_child() -> None:
    global _pool_lock, _count_lock, _spawner_lock, _spawner, _pool, _starts, _layouts, _peak_kib
    _pool_lock = threading.Lock()
    _count_lock = threading.Lock()
    _spawner_lock = threading.Lock()
    _spawner = None  # its thread did not survive the fork
    if _pool is not None:
        _inherited.append(_pool)
        _pool = None
    _starts = _layouts = _peak_kib = 0
    for worker in list(_live_workers):
        worker._abandon_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

"""The ELK layout worker process: ``python -m dagnote.drawing.elk_worker``.

It loads the vendored elkjs bundle into V8 (mini-racer) once, then answers requests on
stdin with replies on stdout until stdin ends (how it learns that its parent is gone).
The protocol is described in :mod:`dagnote.drawing.elk_runner`. Only frames ever reach
stdout: file descriptor 1 is pointed at stderr right at the start, so a stray print from
Python or V8 lands in the parent's log file instead of in the reply stream.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import signal
import sys
import time
from typing import IO, Any

from dagnote.drawing.elk_runner import (
    BUNDLE_PATH,
    ELK_SHA256,
    ELK_VERSION,
    HELLO,
    MAX_REPLY_BYTES,
    MAX_REQUEST_BYTES,
    SKIPPED,
    TIMED_OUT,
    V8_HEAP_LIMIT_BYTES,
    encode_frame,
)

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

# browserify hands `global` to GWT's $wnd ("$wnd.Map is not a constructor" without it)
PRELUDE = "var global = globalThis; var self = globalThis;"

# ELK's Promise API needs a working setTimeout; the bundle's in-process fake worker answers
# synchronously instead. JSON.stringify's replacer drops the `$H` hash fields GWT adds to
# every object, so equal inputs give byte-equal outputs, and the layout options the
# graph was sent with, which dagnote never reads back (a fifth of a reply's bytes).
GLUE = r"""
var __dagnoteElk = new ELK();
var __dagnoteWorker = __dagnoteElk.worker.worker;
var __dagnoteOut = null;
__dagnoteWorker.onmessage = function (answer) { __dagnoteOut = answer.data; };
__dagnoteWorker.dispatcher.saveDispatch(
  {data: {id: 0, cmd: 'register', algorithms: ['layered']}});
function dagnoteLayout(text) {
  __dagnoteOut = null;
  __dagnoteWorker.dispatcher.saveDispatch({data: {id: 1, cmd: 'layout',
    graph: JSON.parse(text), layoutOptions: {}, options: {}}});
  var out = __dagnoteOut;
  __dagnoteOut = null;
  if (out === null) return JSON.stringify({error: 'ELK did not answer'});
  if (out.error) return JSON.stringify({error: String(out.error)});
  return JSON.stringify({graph: out.data},
                        function (key, value) {
                          return key === '$H' || key === 'layoutOptions' ? undefined : value;
                        });
}
"""

# laid out once after loading, so a fresh context's JIT warm-up (about 0.1 s) is paid at
# start-up rather than counted against the first real graph's timeout
WARM_UP = json.dumps({
    "id": "warm-up",
    "layoutOptions": {"elk.algorithm": "layered", "elk.direction": "DOWN",
                      "elk.edgeRouting": "ORTHOGONAL"},
    "children": [{"id": n, "width": 40, "height": 20,
                  "labels": [{"text": n, "width": 10, "height": 10}]} for n in "abcd"],
    "edges": [{"id": f"{s}{t}", "sources": [s], "targets": [t]}
              for s, t in ("ab", "ac", "bd", "cd", "ad")],
})

MAX_MESSAGE = 1000  # characters of an error message

# V8 flags of a worker process (bench/RESULTS.md has the measurements):
# --single-threaded: mini-racer's default; V8's background threads lowered one worker's
#   time per layout but raised a whole build's CPU and a worker's memory (workers share
#   the cores with the build).
# --no-turbofan: ELK's code stays in V8's faster-to-compile tiers (Sparkplug, Maglev). A
#   fresh worker spends 25-40 % less CPU on its first 229 bench graphs (compiling less),
#   warm layouts are no slower, and a 3-second layout was 10 % faster.
# --max-semi-space-size=16 (MiB): a worker's peak memory 210 -> 170 MiB, CPU unchanged.
WORKER_V8_FLAGS = ("--single-threaded", "--no-turbofan", "--max-semi-space-size=16")

def _die_with_parent() -> None:
    """Linux: SIGKILL this process when the thread that started it ends."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    parent = os.environ.get("DAGNOTE_ELK_PARENT", "")
    if parent.isdigit() and os.getppid() != int(parent):
        os._exit(0)  # the parent died before prctl took effect


def _private_stdout() -> IO[bytes]:
    """The reply stream: a copy of fd 1, after which fd 1 (and sys.stdout) is stderr."""
    sys.stdout.flush()
    fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(fd, "wb")


def maxrss_kib() -> int:
    if resource is None:
        return 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss  # bytes on macOS, KiB elsewhere


def _error(message: str) -> bytes:
    return json.dumps({"error": message[:MAX_MESSAGE]}).encode("utf-8")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class Engine:
    """The V8 context holding ELK; re-created after a timeout or running out of memory."""

    def __init__(self) -> None:
        self.source = ""
        self.ctx: Any = None
        self.load_seconds = 0.0
        self.timeouts = 0  # layouts stopped at their timeout, in this process's life

    def start(self) -> dict[str, Any]:
        """The hello message: ready, or fatal with the reason."""
        started = time.perf_counter()
        try:
            data = BUNDLE_PATH.read_bytes()
        except OSError as exc:
            return {"fatal": f"cannot read the ELK bundle {BUNDLE_PATH}: {exc}"}
        digest = hashlib.sha256(data).hexdigest()
        if digest != ELK_SHA256:
            return {"fatal": f"the ELK bundle {BUNDLE_PATH} has SHA-256 {digest}, not the "
                             f"pinned {ELK_SHA256} of elkjs {ELK_VERSION}; reinstall dagnote "
                             "or run scripts/refresh_elk.py"}
        self.source = data.decode("utf-8")
        try:
            self._load()
        except ImportError as exc:
            return {"fatal": f"mini-racer (V8) is not importable: {exc}; "
                             "install it with 'pip install mini-racer'"}
        except Exception as exc:  # any V8 failure: reported, never a traceback on stdout
            return {"fatal": f"cannot load ELK into V8: {_first_line(exc)}"}
        self.load_seconds = time.perf_counter() - started
        return {"ready": True, "elk": ELK_VERSION, "v8": str(self.ctx.v8_version),
                "load_seconds": round(self.load_seconds, 4), "maxrss_kib": maxrss_kib()}

    def _load(self) -> None:
        from py_mini_racer import MiniRacer

        ctx = MiniRacer()
        try:
            ctx.set_hard_memory_limit(V8_HEAP_LIMIT_BYTES)
            ctx.eval(PRELUDE)
            ctx.eval(self.source)
            ctx.eval(GLUE)
            ctx.eval(f"dagnoteLayout({json.dumps(WARM_UP)})")
        except BaseException:
            ctx.close()
            raise
        self.ctx = ctx

    def close(self) -> None:
        ctx, self.ctx = self.ctx, None
        if ctx is not None:
            with contextlib.suppress(Exception):
                ctx.close()

    def layout(self, text: str, timeout: float) -> bytes:
        """``{"graph": ...}`` or ``{"error": ...}`` as UTF-8 JSON."""
        from py_mini_racer import JSEvalException, JSOOMException, JSTimeoutException

        try:
            if self.ctx is None:
                self._load()
            answer = self.ctx.eval(f"dagnoteLayout({json.dumps(text)})", timeout_sec=timeout)
        except JSTimeoutException:
            self.close()  # a terminated execution may leave ELK half-way: start afresh
            self.timeouts += 1
            return _error(f"{TIMED_OUT} {timeout:g} s")
        except JSOOMException:
            self.close()
            return _error(f"layout needed more than {V8_HEAP_LIMIT_BYTES >> 20} MiB of memory")
        except JSEvalException as exc:
            return _error(f"ELK failed: {_first_line(exc)}")
        except Exception as exc:  # a mini-racer failure: start afresh
            self.close()
            return _error(f"V8 failed: {_first_line(exc)}")
        if not isinstance(answer, str):
            return _error("ELK returned no JSON text")
        return answer.encode("utf-8")

    def serve(self, payload: bytes) -> bytes:
        """The reply to one request."""
        try:
            request = json.loads(payload)
            graphs = request["graphs"]
            timeout = request["timeout"]
            max_timeouts = request.get("max_timeouts")
            if max_timeouts is not None and (isinstance(max_timeouts, bool)
                                             or not isinstance(max_timeouts, int)):
                raise TypeError("'max_timeouts' is not a whole number")
            if not isinstance(graphs, list):
                raise TypeError("'graphs' is not a list")
            if (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                    or not math.isfinite(timeout) or timeout <= 0):
                raise TypeError("'timeout' is not a positive number")
        except (ValueError, TypeError, KeyError) as exc:
            return _error(f"unusable request: {exc}")
        pieces: list[bytes] = []
        room = MAX_REPLY_BYTES - 4096
        first = self.timeouts
        for graph in graphs:
            if max_timeouts is not None and self.timeouts - first >= max_timeouts:
                pieces.append(_error(SKIPPED))  # the build's time for hung layouts is spent
                continue
            piece = self.layout(json.dumps(graph), float(timeout))
            if len(piece) + 1 > room:
                piece = _error(f"the layout is {len(piece)} bytes of JSON; "
                               f"a reply holds at most {MAX_REPLY_BYTES}")
            room -= len(piece) + 1
            pieces.append(piece)
        return (b'{"results":[' + b",".join(pieces) + b'],"maxrss_kib":'
                + str(maxrss_kib()).encode() + b"}")


def _discard(stream: IO[bytes], size: int) -> bool:
    while size > 0:
        chunk = stream.read(min(size, 1 << 20))
        if not chunk:
            return False
        size -= len(chunk)
    return True


def _init_v8() -> None:
    """V8 tuned for ELK; only in the worker process (see WORKER_V8_FLAGS)."""
    try:
        from py_mini_racer import init_mini_racer

        init_mini_racer(flags=WORKER_V8_FLAGS, ignore_duplicate_init=True)
    except Exception:  # noqa: BLE001 - Engine.start meets the same failure and reports it
        return


def main() -> int:
    _die_with_parent()
    with contextlib.suppress(ValueError, OSError):  # Ctrl-C is for the parent to handle
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = _private_stdout()
    inp = sys.stdin.buffer
    engine = Engine()
    try:
        _init_v8()
        hello = engine.start()
        out.write(HELLO + encode_frame(json.dumps(hello).encode("utf-8")))
        out.flush()
        if "fatal" in hello:
            print(f"dagnote ELK worker: {hello['fatal']}", file=sys.stderr)
            return 1
        while True:
            header = inp.read(4)
            if len(header) < 4:
                return 0  # end of file: the parent closed us or is gone
            size = int.from_bytes(header, "big")
            if size > MAX_REQUEST_BYTES:
                if not _discard(inp, size):
                    return 0
                reply = _error(f"a request of {size} bytes is larger than the limit of "
                               f"{MAX_REQUEST_BYTES}")
            else:
                payload = inp.read(size)
                if len(payload) < size:
                    return 0
                reply = engine.serve(payload)
            out.write(encode_frame(reply))
            out.flush()
    except BrokenPipeError:
        return 0  # the parent stopped reading
    finally:
        engine.close()


if __name__ == "__main__":
    sys.exit(main())

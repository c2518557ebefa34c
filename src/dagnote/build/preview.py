"""``dagnote preview FILE``: a page on 127.0.0.1 that shows FILE's diagrams and redraws
them when the file (or a file it includes) is saved.

Only the standard library: ``http.server`` serves the page, a thread polls the files'
modification times, and a few lines of script on the page poll ``/version`` and reload
when it changes. The server binds the loopback address only, so nothing outside this
machine can read the files; every message on the page is HTML-escaped.
"""

from __future__ import annotations

import html
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..documents.extract import Block
from ..documents.page import for_page
from .options import RenderOptions
from .pipeline import render_many

HOST = "127.0.0.1"  # never another address: the page shows local files
POLL_SECONDS = 0.3  # how often the files are looked at
#: what the CLI hands over: each diagram (file shown in messages, block) and the problems
#: met reading the files ("path: error: ..."), read afresh at every change
Loader = Callable[[], tuple[list[tuple[str, Block]], list[str]]]

_SCRIPT = """<script>
(function () {
  var shown = %d;
  setInterval(function () {
    fetch("/version", {cache: "no-store"}).then(function (r) { return r.text(); })
      .then(function (v) { if (Number(v) !== shown) { location.reload(); } })
      .catch(function () {});
  }, 500);
})();
</script>"""
_STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; }
figure { margin: 2em 0; }
figcaption { color: #666; font-size: 0.9em; }
.dagnote-error ul { margin: 0; padding-left: 1.2em; }
"""


@dataclass(frozen=True)
class Snapshot:
    """One drawing of the file: the page's HTML and the files it was read from."""

    version: int
    page: str
    watched: tuple[Path, ...]


def draw(name: str, load: Loader, options: RenderOptions, version: int) -> Snapshot:
    """Read and draw every diagram; problems are listed at path:line:col, escaped."""
    found, problems = load()
    results = render_many([block.source for _, block in found], options)
    figures: list[str] = []
    messages = list(problems)
    copies: dict[str, int] = {}
    for (path, block), result in zip(found, results, strict=True):
        for diag in result.diagnostics:
            line, column = block.locate(diag.line, diag.column)
            messages.append(replace(diag, line=line, column=column).format(path))
        if result.engine_error:
            messages.append(f"{path}:{block.line}:1: error: {result.engine_error}")
        if result.output is not None:
            svg = result.output.decode("utf-8")
            copies[svg] = copies.get(svg, 0) + 1
            where = f"{path}:{block.offset + 1}"
            figures.append(f'<figure class="dagnote-figure">{for_page(svg, None, copies[svg])}'
                           f"<figcaption>{html.escape(where)}</figcaption></figure>")
    box = ""
    if messages:
        items = "".join(f"<li><code>{html.escape(m)}</code></li>" for m in messages)
        box = f'<div class="dagnote-error" role="alert"><ul>{items}</ul></div>'
    if not found and not messages:
        box = "<p>No dagnote diagram in this file yet.</p>"
    css = (Path(__file__).parents[1] / "dagnote.css").read_text(encoding="utf-8")
    title = html.escape(f"dagnote preview: {name}")
    page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}'
            f"</title><style>{css}{_STYLE}</style></head>"
            f'<body class="dagnote-auto"><h1>{title}</h1>{box}{"".join(figures)}'
            f"{_SCRIPT % version}</body></html>")
    watched = tuple(dict.fromkeys(Path(path) for path, _ in found if path != name))
    return Snapshot(version, page, watched)


def _stamp(paths: Sequence[Path]) -> tuple[tuple[int, int] | None, ...]:
    """Each file's modification time and size (None: missing), to notice a save."""
    stamps: list[tuple[int, int] | None] = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            stamps.append(None)
            continue
        stamps.append((info.st_mtime_ns, info.st_size))
    return tuple(stamps)


class Preview:
    """The current drawing of one file, redrawn by a watching thread on every save."""

    def __init__(self, path: Path, load: Loader, options: RenderOptions) -> None:
        self.path = path
        self.load = load
        self.options = options
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self.current = draw(str(path), load, options, 1)
        self._stamp = self._files_stamp(self.current)

    def _files_stamp(self, snap: Snapshot) -> tuple[tuple[int, int] | None, ...]:
        return _stamp([self.path, *snap.watched])

    def snapshot(self) -> Snapshot:
        with self._lock:
            return self.current

    def watch(self) -> None:
        """Poll the files until stopped; redraw when one changed (saved, made, removed)."""
        while not self.stop.wait(POLL_SECONDS):
            stamp = self._files_stamp(self.snapshot())
            if stamp == self._stamp:
                continue
            version = self.snapshot().version + 1
            try:
                snap = draw(str(self.path), self.load, self.options, version)
            except Exception as exc:  # noqa: BLE001 - the preview must outlive a bad save
                message = html.escape(f"{self.path}: error: {type(exc).__name__}: {exc}")
                snap = Snapshot(version, f"<!doctype html><title>dagnote preview</title>"
                                f"<pre>{message}</pre>{_SCRIPT % version}", ())
            self._stamp = self._files_stamp(snap)
            with self._lock:
                self.current = snap


def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """``/``: the page; ``/version``: the drawing's number (the page polls it)."""

        def do_GET(self) -> None:  # noqa: N802 - http.server's API
            snap = preview.snapshot()
            if self.path == "/":
                self._send(snap.page.encode("utf-8"), "text/html; charset=utf-8")
            elif self.path == "/version":
                self._send(str(snap.version).encode("ascii"), "text/plain")
            else:
                self.send_error(404)

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Quiet: a request every half second would bury the useful output."""

    return Handler


def bind(port: int) -> ThreadingHTTPServer:
    """A server on 127.0.0.1 at ``port``, or at any free port if that one is taken."""
    try:
        return ThreadingHTTPServer((HOST, port), BaseHTTPRequestHandler)
    except OSError:
        return ThreadingHTTPServer((HOST, 0), BaseHTTPRequestHandler)


def serve(path: Path, load: Loader, options: RenderOptions, port: int,
          announce: Callable[[str], None]) -> None:
    """Serve the preview until interrupted (Ctrl-C)."""
    preview = Preview(path, load, options)
    server = bind(port)
    server.RequestHandlerClass = _handler(preview)
    server.daemon_threads = True
    watcher = threading.Thread(target=preview.watch, name="dagnote-preview", daemon=True)
    watcher.start()
    announce(f"dagnote preview: http://{HOST}:{server.server_address[1]}/ "
             "(redraws on save; Ctrl-C stops)")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop.set()
        server.server_close()

"""Layouts shared by equal ELK graphs within one render job.

Diagrams whose drawings differ only in what ELK does not see (label text that fits a
box's minimum width, colours, links, comments, the output format) give equal ELK graphs
and so equal layouts. A job lays out each such graph once: the first batch that needs it
lays it out, a batch that needs it meanwhile waits for that one, later batches reuse it.
Only successful layouts are kept, as compressed JSON (each diagram gets its own copy to
read; a build whose graphs all differ holds ~1.6 KiB a layout for nothing), up to a byte
bound, the least recently used first out.
"""

from __future__ import annotations

import hashlib
import json
import threading
import zlib
from collections import OrderedDict
from typing import Any

# about 1,300 bench-sized layouts (a reply is ~11 KiB of JSON, ~1.6 KiB compressed); the
# bound keeps a 2,000-diagram build's memory flat
MAX_BYTES = 2 << 20


def graph_key(graph: dict[str, Any]) -> str | None:
    """What identifies a layout request; None for a graph that is not JSON (not shared)."""
    try:
        text = json.dumps(graph, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class LayoutMemo:
    """Finished layouts by :func:`graph_key`, and the ones being laid out now."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.reused = 0  # layouts answered here instead of by ELK (tests, the benchmark)
        self._done: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._pending: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    @property
    def bytes_held(self) -> int:
        """The compressed size of the layouts kept."""
        with self._lock:
            return self._size

    def claim(self, key: str) -> dict[str, Any] | threading.Event | None:
        """The layout if known; an event set when the batch laying it out is done (then
        claim again); or None: the caller lays it out and must :meth:`settle` it."""
        with self._lock:
            body = self._done.get(key)
            if body is not None:
                self._done.move_to_end(key)
                self.reused += 1
            elif key in self._pending:
                return self._pending[key]
            else:
                self._pending[key] = threading.Event()
                return None
        return json.loads(zlib.decompress(body))

    def settle(self, key: str, result: dict[str, Any] | str | None) -> None:
        """The outcome of a claimed layout: a laid-out graph is kept; an error message or
        None (nothing came back) is not, so a waiting batch lays the graph out itself."""
        body = None
        if isinstance(result, dict):
            try:
                text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
                body = zlib.compress(text.encode("utf-8"), 1)
            except (TypeError, ValueError):
                body = None
        with self._lock:
            event = self._pending.pop(key, None)
            if body is not None and len(body) <= self.max_bytes:
                old = self._done.pop(key, None)
                self._size += len(body) - (len(old) if old is not None else 0)
                self._done[key] = body
                while self._size > self.max_bytes:
                    _, dropped = self._done.popitem(last=False)
                    self._size -= len(dropped)
        if event is not None:
            event.set()

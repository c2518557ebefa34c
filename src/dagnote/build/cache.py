"""A content-addressed render cache shared by every host and builder.

The key is a sha256 over the normalised source, the render options, the engine's name and
version and this package's code (version and source files). Entries live in one SQLite
database per cache directory (``cache.sqlite3``): creating one file per entry cost
0.5-2 ms of kernel time each on ext4 here (a third of a second for a 200-diagram build),
an SQLite row about 0.15 ms. Each write is one transaction, and each entry carries a
checksum, so a damaged entry or database is a miss, never a broken figure; concurrent
builds on one directory are safe (write-ahead log, busy timeout).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import threading
import time
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from .options import RenderOptions

if TYPE_CHECKING:  # sqlite3 is imported when a cache is first used: a no-change
    import sqlite3  # rebuild, which looks nothing up, does not pay for it

DATABASE = "cache.sqlite3"
#: How long a build waits for another build's write before counting a miss or write error.
BUSY_TIMEOUT_MS = 10_000
#: Entries of the file-per-entry layout used before the database (removed by prune()).
_LEGACY_ENTRY = re.compile(r"[0-9a-f]{2}/(?:[0-9a-f]{64}\.bin|\.tmp-.*\.part)")


def normalise(source: str) -> str:
    """Source text that renders the same: newlines unified, trailing spaces removed."""
    lines = [line.rstrip() for line in source.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of this package's own code: a changed layout invalidates old images even
    when the version number stayed the same (a development checkout, a patched install)."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cache_key(source: str, options: RenderOptions, engine_name: str, engine_version: str) -> str:
    payload = json.dumps(
        {
            "source": normalise(source),
            "options": options.key(),
            "engine": engine_name,
            "engine_version": engine_version,
            "dagnote": code_fingerprint(),
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    # a lone surrogate cannot be UTF-8; such a diagram has errors, but still needs a key
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


#: Every open Cache, so that a forked child can drop what it inherited.
_OPEN: weakref.WeakSet[Cache] = weakref.WeakSet()
#: Connections a forked child inherited: kept, never used and never closed (closing a
#: copy of the parent's connection could checkpoint and remove the parent's log).
_INHERITED: list[object] = []


def _after_fork_in_child() -> None:
    for cache in list(_OPEN):
        cache._lock = threading.Lock()  # a writer thread may have held it at the fork
        if cache._db is not None:
            _INHERITED.append(cache._db)
            cache._db = None


os.register_at_fork(after_in_child=_after_fork_in_child)


# written into every cache directory: a cache holds what this machine drew, is checked
# on the way into a page (a forged row is drawn again) and is not to be committed
GITIGNORE = "# dagnote's render cache: local to this machine, never commit it\n*\n"



def _set_up(db: sqlite3.Connection) -> None:
    """Journal mode, page cache and table of a connection.

    Switching a new database to WAL answers "database is locked" at once, without the
    busy timeout, while another connection (another build, or this build's other job)
    is doing the same: measured, 28 of 200 first writes from two connections at once
    were lost that way. The set-up is tried again until the busy timeout has passed.
    """
    import sqlite3

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            # WAL: readers never wait for a writer; NORMAL: a commit appends to the log
            # without fsync (a cache may lose its newest entries in a power cut, no more)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            # each entry is read or written once per build: a page cache would only hold
            # memory (2 MB by default, a tenth of a large build's peak over the floor)
            db.execute("PRAGMA cache_size=-64")
            db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, "
                       "checksum TEXT NOT NULL, data BLOB NOT NULL)")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)

class Cache:
    """Rendered images keyed by :func:`cache_key`, in ``directory/cache.sqlite3``.

    Every failure of the database (missing, unreadable, damaged, locked too long, on a
    read-only disk) is a miss or a counted write error: the cache can cost a build time,
    never a figure. One object may be used from several threads (a build reads on its
    main thread while a writer thread stores) and survives ``fork`` (a forked worker,
    as in ``sphinx-build -j``, opens its own connection).

    :param directory: made on the first write, with a ``.gitignore`` that keeps it out of
        version control; it must be on a local disk (SQLite's write-ahead log).
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        #: lookups answered by this object so far.
        self.hits = 0
        #: lookups that found nothing (or a damaged entry).
        self.misses = 0
        #: every key looked up or stored through this object (what :meth:`prune` keeps).
        self.used: set[str] = set()
        #: entries that could not be stored (full or read-only disk, locked database).
        self.write_errors = 0  # entries that could not be stored
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        _OPEN.add(self)

    @property
    def path(self) -> Path:
        """The database file, ``directory/cache.sqlite3``."""
        return self.directory / DATABASE

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        """The open database (call with the lock held); None when there is none to read."""
        if self._db is not None:
            return self._db
        if not create and not self.path.is_file():
            return None
        if create:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():  # a cache is per machine: never committed
                with contextlib.suppress(OSError):
                    ignore.write_text(GITIGNORE, encoding="utf-8")
        self._db = self._open()
        return self._db

    def _reset(self) -> None:
        """Remove a database that SQLite reports damaged (call with the lock held): its
        entries are lost either way, and the next write starts a healthy one."""
        import sqlite3

        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def _open(self) -> sqlite3.Connection:
        import sqlite3

        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                             isolation_level=None, check_same_thread=False)
        try:
            _set_up(db)
        except BaseException:
            db.close()
            raise
        return db

    def get(self, key: str) -> bytes | None:
        """The entry stored under ``key``, or None (missing, damaged, or no database)."""
        import sqlite3

        self.used.add(key)
        try:
            with self._lock:
                db = self._connect(create=False)
                row = None if db is None else db.execute(
                    "SELECT checksum, data FROM entries WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            row = None
        if row is None:
            self.misses += 1
            return None
        checksum, data = row
        if not isinstance(data, bytes) or checksum != hashlib.sha256(data).hexdigest():
            self._delete(key)
            self.misses += 1
            return None
        self.hits += 1
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store an entry; a cache that cannot be written (full disk, read-only, a file in
        the way) costs the next build time, never this build its figure, so errors are
        counted in ``write_errors`` and not raised."""
        import sqlite3

        self.used.add(key)
        checksum = hashlib.sha256(data).hexdigest()
        with self._lock:
            for attempt in (1, 2):
                try:
                    db = self._connect(create=True)
                    assert db is not None
                    db.execute("INSERT OR REPLACE INTO entries (key, checksum, data) "
                               "VALUES (?, ?, ?)", (key, checksum, data))
                    return
                except sqlite3.OperationalError:
                    break  # locked too long, read-only, disk full: not damage
                except sqlite3.DatabaseError:
                    if attempt == 2:
                        break
                    self._reset()  # not a database, or a damaged one
                except OSError:
                    break
        self.write_errors += 1

    def _delete(self, key: str) -> None:
        import sqlite3

        with contextlib.suppress(sqlite3.Error), self._lock:
            db = self._connect(create=False)
            if db is not None:
                db.execute("DELETE FROM entries WHERE key = ?", (key,))

    def keys(self) -> Iterable[str]:
        """Every key in the database (none when it is missing or unreadable)."""
        import sqlite3

        try:
            with self._lock:
                db = self._connect(create=False)
                return [] if db is None else [
                    k for (k,) in db.execute("SELECT key FROM entries")]
        except sqlite3.Error:
            return []

    def prune(self, keep: Iterable[str] | None = None) -> int:
        """Delete entries not in ``keep`` (default: those used by this Cache object), and
        any entry files of the earlier file-per-entry layout; returns how many entries
        were deleted."""
        import sqlite3

        wanted = set(self.used if keep is None else keep)
        removed = 0
        for path in self.directory.glob("??/*"):
            rel = path.relative_to(self.directory).as_posix()
            if _LEGACY_ENTRY.fullmatch(rel):
                with contextlib.suppress(OSError):
                    path.unlink()
                    with contextlib.suppress(OSError):
                        path.parent.rmdir()  # only when it is empty
        try:
            with self._lock:
                db = self._connect(create=False)
                if db is None:
                    return 0
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    stale = [k for (k,) in db.execute("SELECT key FROM entries")
                             if k not in wanted]
                    db.executemany("DELETE FROM entries WHERE key = ?",
                                   [(k,) for k in stale])
                removed = len(stale)
        except sqlite3.Error:
            return 0
        return removed

    def close(self) -> None:
        """Close the database (it is also closed when the object is collected)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
            self._db = None

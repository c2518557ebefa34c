"""A content-addressed render cache shared by every host and builder.

The key is a sha256 over the normalised source, the render options, the engine's name and
version and this package's code (version and source files). Entries are written
atomically (temporary file, then ``os.replace``) and carry a checksum, so a truncated or
corrupted entry is a miss, never a broken figure; concurrent builds on one directory are
safe.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from . import __version__
from .options import RenderOptions

MAGIC = b"dagnote-cache-1 "


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
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Cache:
    """A directory of rendered images keyed by :func:`cache_key`."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.hits = 0
        self.misses = 0
        self.used: set[str] = set()
        self.write_errors = 0  # entries that could not be stored

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.bin"

    def get(self, key: str) -> bytes | None:
        self.used.add(key)
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        header, _, body = data.partition(b"\n")
        if header != MAGIC + hashlib.sha256(body).hexdigest().encode("ascii"):
            with contextlib.suppress(OSError):
                path.unlink()
            self.misses += 1
            return None
        self.hits += 1
        return body

    def put(self, key: str, data: bytes) -> None:
        """Store an entry; a cache that cannot be written (full disk, read-only, a file in
        the way) costs the next build time, never this build its figure, so OSError is
        counted in ``write_errors`` and not raised."""
        self.used.add(key)
        path = self._path(key)
        blob = MAGIC + hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
        except OSError:
            self.write_errors += 1
            return
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, path)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if not isinstance(exc, OSError):
                raise
            self.write_errors += 1

    def keys(self) -> Iterable[str]:
        if not self.directory.is_dir():
            return []
        return [p.stem for p in self.directory.glob("*/*.bin")]

    def prune(self, keep: Iterable[str] | None = None) -> int:
        """Delete entries not in ``keep`` (default: those used by this Cache object)."""
        wanted = set(self.used if keep is None else keep)
        removed = 0
        for key in list(self.keys()):
            if key not in wanted:
                with contextlib.suppress(OSError):
                    self._path(key).unlink()
                    removed += 1
        return removed

"""Cache: damaged entries are re-rendered; parallel builds on one directory agree.

Docs builds run side by side (``-j``, CI matrix jobs, ``sphinx-build`` next to ``mkdocs
serve``) and get killed mid-write; neither may leave a page with a broken or missing figure.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import dagnote
from dagnote import Cache
from dagnote.build.cache import DATABASE

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed"
GOOD = "x ~ X\nx -> [f*] -> y\ny, x -> (ce) -> loss\nmin loss\n"


def stored(directory: Path) -> dict[str, tuple[str, bytes]]:
    """Every entry's checksum and data, read with SQLite directly."""
    db = sqlite3.connect(directory / DATABASE)
    try:
        return {k: (c, d) for k, c, d in db.execute("SELECT key, checksum, data FROM entries")}
    finally:
        db.close()


def rewrite(directory: Path, change: Callable[[str, bytes], tuple[str, bytes]]) -> None:
    db = sqlite3.connect(directory / DATABASE)
    with db:
        for key, (checksum, data) in stored(directory).items():
            db.execute("UPDATE entries SET checksum = ?, data = ? WHERE key = ?",
                       (*change(checksum, data), key))
    db.close()


def leftovers(directory: Path) -> list[Path]:
    """Anything but the database, its write-ahead log and the cache's .gitignore (no
    temporary or partial files)."""
    return [p for p in directory.rglob("*")
            if p.is_file() and not p.name.startswith(DATABASE) and p.name != ".gitignore"]


def first_render(tmp_path: Path) -> bytes:
    cache_dir = tmp_path / "cache"
    cache = Cache(cache_dir)
    [rendered] = dagnote.render_many([GOOD], cache=cache)
    cache.close()  # the damage below happens between builds
    assert rendered.output is not None and not rendered.from_cache
    assert len(stored(cache_dir)) == 1
    return rendered.output


def flip(data: bytes) -> bytes:
    return data[:-10] + bytes([data[-10] ^ 0x55]) + data[-9:]


#: damage to one entry (its checksum no longer holds)
ENTRY_DAMAGE: dict[str, Callable[[str, bytes], tuple[str, bytes]]] = {
    "truncated": lambda c, d: (c, d[: len(d) // 2]),
    "empty": lambda c, d: (c, b""),
    "flipped byte": lambda c, d: (c, flip(d)),
    "wrong checksum": lambda c, d: ("0" * 64, d),
}

#: damage to the database file itself
FILE_DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated file": lambda data: data[: len(data) // 2],
    "empty file": lambda data: b"",
    "garbage header": lambda data: b"garbage" + data[7:],
    "not a database": lambda data: b"<svg>not sqlite</svg>" * 100,
}


def close_log(directory: Path) -> None:
    """Fold the write-ahead log into the database file, so damage to the file is damage."""
    db = sqlite3.connect(directory / DATABASE)
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    db.close()
    assert busy == 0


def assert_healed(tmp_path: Path, output: bytes) -> None:
    [again] = dagnote.render_many([GOOD], cache=Cache(tmp_path / "cache"))
    assert not again.from_cache, "a damaged entry must be a miss"
    assert again.output == output
    # and the cache is healthy again: the next build is a hit with the same image
    [third] = dagnote.render_many([GOOD], cache=Cache(tmp_path / "cache"))
    assert third.from_cache and third.output == output


@pytest.mark.parametrize("damage", sorted(ENTRY_DAMAGE))
def test_damaged_entry_is_rendered_again(tmp_path: Path, damage: str) -> None:
    output = first_render(tmp_path)
    rewrite(tmp_path / "cache", ENTRY_DAMAGE[damage])
    assert_healed(tmp_path, output)


@pytest.mark.parametrize("damage", sorted(FILE_DAMAGE))
def test_damaged_database_is_rendered_again(tmp_path: Path, damage: str) -> None:
    output = first_render(tmp_path)
    close_log(tmp_path / "cache")
    path = tmp_path / "cache" / DATABASE
    path.write_bytes(FILE_DAMAGE[damage](path.read_bytes()))
    assert_healed(tmp_path, output)


def test_database_replaced_by_a_directory_still_renders(tmp_path: Path) -> None:
    output = first_render(tmp_path)
    close_log(tmp_path / "cache")
    path = tmp_path / "cache" / DATABASE
    path.unlink()
    path.mkdir()
    cache = Cache(tmp_path / "cache")
    [again] = dagnote.render_many([GOOD], cache=cache)
    assert again.output == output  # rendered even though the cache cannot be written
    assert cache.write_errors == 1


def test_unwritable_cache_still_renders(tmp_path: Path) -> None:
    """A cache path that is a file (read-only media, a typo) costs speed, never the figure."""
    blocker = tmp_path / "cache"
    blocker.write_text("not a directory")
    cache = Cache(blocker)
    [rendered] = dagnote.render_many([GOOD], cache=cache)
    assert rendered.output is not None
    assert cache.write_errors == 1


def test_entries_of_the_file_per_entry_layout_are_pruned(tmp_path: Path) -> None:
    """Caches written before the database held one file per entry: prune() removes them
    (and nothing else in the directory)."""
    cache_dir = tmp_path / "cache"
    old = cache_dir / "ab" / f"ab{'0' * 62}.bin"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"dagnote-cache-1 old entry")
    partial = cache_dir / "ab" / ".tmp-x1y2.part"
    partial.write_bytes(b"")
    mine = cache_dir / "ab" / "notes.txt"
    mine.write_text("not a cache entry")
    cache = Cache(cache_dir)
    dagnote.render_many([GOOD], cache=cache)
    assert cache.prune() == 0  # the one entry was used
    assert not old.exists() and not partial.exists()
    assert mine.exists()
    assert len(stored(cache_dir)) == 1


def test_prune_removes_what_a_build_did_not_use(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    dagnote.render_many([GOOD, GOOD.replace("f*", "g*")], cache=Cache(cache_dir))
    cache = Cache(cache_dir)
    dagnote.render_many([GOOD], cache=cache)
    assert cache.prune() == 1
    assert len(stored(cache_dir)) == 1
    [again] = dagnote.render_many([GOOD], cache=Cache(cache_dir))
    assert again.from_cache


BUILD = """
import hashlib, json, sys
from pathlib import Path
import dagnote
sources = json.loads(Path(sys.argv[1]).read_text())
results = dagnote.render_many(sources, cache=dagnote.Cache(sys.argv[2]))
print(json.dumps([
    [hashlib.sha256(r.output).hexdigest() if r.output else None, r.engine_error]
    for r in results
]))
"""


def diagrams() -> list[str]:
    """The nine seed figures plus variants: enough to need several layout requests."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEED.glob("*.dag"))]
    variants = [f"x ~ X\nx -> [f{i}*] -> y{i}\ny{i}, x -> (ce) -> loss\nmin loss\n"
                for i in range(40)]
    return seeds + variants


def run_builds(count: int, sources_file: Path, cache_dir: Path) -> list[list[list[str]]]:
    procs = [
        subprocess.Popen([sys.executable, "-c", BUILD, str(sources_file), str(cache_dir)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(count)
    ]
    outs = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr.decode()
        outs.append(json.loads(stdout))
    return outs


def test_four_parallel_builds_agree_and_leave_no_partial_files(tmp_path: Path) -> None:
    sources = diagrams()
    sources_file = tmp_path / "sources.json"
    sources_file.write_text(json.dumps(sources))
    cache_dir = tmp_path / "cache"

    cold = run_builds(4, sources_file, cache_dir)  # all four start on an empty cache
    assert all(build == cold[0] for build in cold)
    assert all(digest and error is None for digest, error in cold[0])

    assert not leftovers(cache_dir)
    cache = Cache(cache_dir)
    entries = stored(cache_dir)
    assert len(entries) == len(set(sources))
    for key, (checksum, data) in entries.items():  # every entry is complete
        assert checksum == hashlib.sha256(data).hexdigest()
        assert cache.get(key) == data

    warm = run_builds(4, sources_file, cache_dir)  # and a warm round gives the same images
    assert warm == cold
    assert not leftovers(cache_dir)


def test_a_forked_worker_uses_its_own_connection(tmp_path: Path) -> None:
    """``sphinx-build -j`` forks writers while the cache is open and a writer thread may
    be storing: the child must neither wait on the parent's lock nor use its connection."""
    import os
    import signal

    cache = Cache(tmp_path / "cache")
    cache.put("a" * 64, b"from the parent")
    assert cache.get("a" * 64) == b"from the parent"  # the connection is open
    with cache._lock:  # as if a writer thread were storing at the moment of the fork
        pid = os.fork()
        if pid == 0:  # the child: answer by exit status, never return into pytest
            code = 3
            try:
                signal.alarm(20)  # a child stuck on an inherited lock fails, not hangs
                seen = cache.get("a" * 64)
                cache.put("b" * 64, b"from the child")
                code = 0 if seen == b"from the parent" and not cache.write_errors else 1
            finally:
                os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.get("b" * 64) == b"from the child"  # the parent's connection still works
    assert cache.get("a" * 64) == b"from the parent"


FULL_DISK = """
import resource, sys
from dagnote import Cache
cache = Cache(sys.argv[1])
cache.put("small", b"s" * 100)  # fits: the database exists and works
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))  # the disk is now full
cache.put("big", b"b" * 1_000_000)
cache.put("small2", b"t" * 100)
print(cache.write_errors, cache.get("small") is not None, cache.get("big") is None)
"""


def test_a_full_disk_leaves_no_temporary_files_in_the_cache(tmp_path: Path) -> None:
    """Writes past a file-size limit fail as on a full disk (EFBIG for ENOSPC): the failed
    entry is counted, the database stays readable, and no temporary or partial file is
    left (the cache has no ``.tmp-*.part`` files any more: one SQLite transaction each)."""
    cache_dir = tmp_path / "cache"
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, str(cache_dir)],
                          capture_output=True, text=True, check=False, timeout=60)
    assert proc.returncode == 0, proc.stderr
    errors, small_kept, big_missing = proc.stdout.split()
    assert int(errors) >= 1 and small_kept == "True" and big_missing == "True"
    assert leftovers(cache_dir) == []
    assert not list(cache_dir.rglob("*.part")) and not list(cache_dir.rglob(".tmp-*"))
    assert "s" * 100 == stored(cache_dir)["small"][1].decode()


def test_two_connections_writing_a_new_cache_at_once_lose_nothing(tmp_path: Path) -> None:
    """Switching a new database to WAL answers "locked" at once to a second connection
    doing the same (two builds, or one build's two jobs): no entry may be lost to that."""
    import threading

    lost = 0
    for trial in range(40):
        caches = [Cache(tmp_path / f"c{trial}"), Cache(tmp_path / f"c{trial}")]
        start = threading.Barrier(2)

        def put(cache: Cache, key: str, start: threading.Barrier = start) -> None:
            start.wait()
            cache.put(key, key.encode() * 100)

        threads = [threading.Thread(target=put, args=(c, f"k{i}")) for i, c in enumerate(caches)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        lost += sum(c.write_errors for c in caches)
        assert caches[0].get("k1") == b"k1" * 100 and caches[1].get("k0") == b"k0" * 100
        for cache in caches:
            cache.close()
    assert lost == 0

"""Cache: damaged entries are re-rendered; parallel builds on one directory agree.

Docs builds run side by side (``-j``, CI matrix jobs, ``sphinx-build`` next to ``mkdocs
serve``) and get killed mid-write; neither may leave a page with a broken or missing figure.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import dagnote
from dagnote import Cache

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed"
GOOD = "x ~ X\nx -> [f*] -> y\ny, x -> (ce) -> loss\nmin loss\n"


def entries(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*/*.bin"))


def leftovers(directory: Path) -> list[Path]:
    """Temporary or partial files a build left behind."""
    return [p for p in directory.rglob("*")
            if p.is_file() and (p.name.startswith(".tmp-") or p.suffix == ".part")]


def first_render(tmp_path: Path) -> tuple[bytes, Path]:
    cache_dir = tmp_path / "cache"
    [rendered] = dagnote.render_many([GOOD], cache=Cache(cache_dir))
    assert rendered.output is not None and not rendered.from_cache
    [entry] = entries(cache_dir)
    return rendered.output, entry


DAMAGE = {
    "truncated": lambda data: data[: len(data) // 2],
    "empty": lambda data: b"",
    "flipped byte": lambda data: data[:-10] + bytes([data[-10] ^ 0x55]) + data[-9:],
    "bad header": lambda data: b"garbage" + data[7:],
    "no newline": lambda data: data.replace(b"\n", b" "),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_entry_is_rendered_again(tmp_path: Path, damage: str) -> None:
    output, entry = first_render(tmp_path)
    entry.write_bytes(DAMAGE[damage](entry.read_bytes()))
    [again] = dagnote.render_many([GOOD], cache=Cache(tmp_path / "cache"))
    assert not again.from_cache, "a damaged entry must be a miss"
    assert again.output == output
    # and the entry is healthy again: the next build is a hit with the same image
    [third] = dagnote.render_many([GOOD], cache=Cache(tmp_path / "cache"))
    assert third.from_cache and third.output == output


def test_entry_replaced_by_a_directory_is_a_miss(tmp_path: Path) -> None:
    output, entry = first_render(tmp_path)
    entry.unlink()
    entry.mkdir()
    [again] = dagnote.render_many([GOOD], cache=Cache(tmp_path / "cache"))
    assert again.output == output  # rendered even though the entry cannot be replaced


def test_unwritable_cache_still_renders(tmp_path: Path) -> None:
    """A cache path that is a file (read-only media, a typo) costs speed, never the figure."""
    blocker = tmp_path / "cache"
    blocker.write_text("not a directory")
    cache = Cache(blocker)
    [rendered] = dagnote.render_many([GOOD], cache=cache)
    assert rendered.output is not None
    assert cache.write_errors == 1


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
    """The nine seed figures plus variants: enough to need several engine batches."""
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
    stored = entries(cache_dir)
    assert len(stored) == len(set(sources))
    for path in stored:  # every entry is complete: its checksum holds
        header, _, body = path.read_bytes().partition(b"\n")
        assert header.endswith(hashlib.sha256(body).hexdigest().encode())
        assert cache.get(path.stem) is not None

    warm = run_builds(4, sources_file, cache_dir)  # and a warm round gives the same images
    assert warm == cold
    assert not leftovers(cache_dir)

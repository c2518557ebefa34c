"""sphinx-autobuild rebuilds once per edit (issue 16): the render cache must not sit where
it watches. Sphinx's quickstart puts ``_build`` inside the source directory; the watcher
ignores the output and doctree directories only, so a cache next to the output directory
(``_build/.dagnote-cache``) changed on every rebuild and started a second one."""

from __future__ import annotations

import re
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("sphinx_autobuild")

PAGE = "Page\n====\n\n.. dagnote::\n\n   x ~ X\n   x -> [{name}*] -> y\n   min y\n"
QUIET = 8.0  # seconds without a new rebuild after the first one (the watcher's batches are ~1.6 s)


def _wait_for(log: Path, pattern: str, count: int, limit: float) -> str:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if len(re.findall(pattern, text)) >= count:
            return text
        time.sleep(0.2)
    raise AssertionError(f"no {count} x {pattern!r} within {limit} s:\n{log.read_text()}")


def test_one_edit_is_one_rebuild(tmp_path: Path, server) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text('extensions = ["sphinx_dagnote"]\n'
                                  'exclude_patterns = ["_build"]\n')
    (docs / "index.rst").write_text(PAGE.format(name="f"))
    running = server(lambda port: [
        sys.executable, "-m", "sphinx_autobuild", str(docs), str(docs / "_build" / "html"),
        "--host", "127.0.0.1", "--port", str(port), "-q"])
    _wait_for(running.log, r"Waiting to detect changes", 1, 120)
    deadline = time.monotonic() + 30
    while True:  # the watcher runs once the server answers
        try:
            urllib.request.urlopen(running.url, timeout=2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, running.output()
            time.sleep(0.2)
    time.sleep(1.0)
    (docs / "index.rst").write_text(PAGE.format(name="g"))
    _wait_for(running.log, r"Serving on", 2, 120)  # the rebuild after the edit has finished
    time.sleep(QUIET)
    text = running.output()
    changes = re.findall(r"Detected changes \((.*)\)", text)
    assert changes == [str(docs / "index.rst")], text
    html = (docs / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "g (trained)" in html

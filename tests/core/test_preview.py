"""``dagnote preview FILE`` (issue 16, "CLI for authors"): a page on 127.0.0.1 that
redraws when the file is saved. Run as a user runs it, in a process of its own, stopped
at the end; every wait is bounded."""

from __future__ import annotations

import re
import socket
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

GOOD = "x ~ X\nx -> [{name}*] -> y\nmin y\n"
LIMIT = 60.0  # seconds any one step may take on a busy machine


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def _until(check: Callable[[], str | None], what: str) -> str:
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        try:
            found = check()
        except OSError:
            found = None
        if found is not None:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {LIMIT} s")


def _page_with(url: str, text: str, what: str) -> str:
    """The page, once it holds ``text`` (the watcher has redrawn it)."""
    return _until(lambda: page if text in (page := _get(url)) else None, what)


@pytest.fixture
def serve(server) -> Callable[[Path], str]:
    """``serve(path)`` runs ``dagnote preview path`` and returns its URL once it answers."""

    def start(path: Path) -> str:
        running = server(lambda port: [sys.executable, "-m", "dagnote", "preview", str(path),
                                       "--port", str(port)])
        _until(lambda: _get(running.url), "the preview page")
        assert f"dagnote preview: {running.url} " in running.output(), running.output()
        return running.url

    return start


def test_preview_redraws_on_save_and_shows_errors_escaped(tmp_path: Path, serve) -> None:
    dag = tmp_path / "setup.dag"
    dag.write_text(GOOD.format(name="first"))
    url = serve(dag)
    page = _get(url)
    assert "<svg" in page and "first (trained)" in page and 'class="dagnote-error"' not in page
    version = _get(url + "version")

    dag.write_text(GOOD.format(name="second"))
    page = _page_with(url, "second (trained)", "the edited figure")
    assert "first (trained)" not in page and _get(url + "version") != version
    assert re.search(r'fetch\("/version"', page)  # the page reloads itself

    dag.write_text("x ~ X\nmin <b>\n")
    page = _page_with(url, 'class="dagnote-error"', "the error")
    assert f"{dag}:2:5: error: &#x27;&lt;b&gt;&#x27; is not in the diagram" in page
    assert "<b>" not in page
    assert "<svg" not in page


def test_preview_of_a_markdown_page_follows_its_included_file(tmp_path: Path, serve) -> None:
    (tmp_path / "d.dag").write_text(GOOD.format(name="inc"))
    md = tmp_path / "page.md"
    md.write_text('# P\n\n```dagnote file="d.dag"\n```\n\n```dagnote\n'
                  + GOOD.format(name="inline") + "```\n")
    url = serve(md)
    page = _get(url)
    assert "inc (trained)" in page and "inline (trained)" in page
    (tmp_path / "d.dag").write_text(GOOD.format(name="changed"))
    _page_with(url, "changed (trained)", "the included edit")


def _own_address() -> str | None:
    """This machine's address on its default route (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: only the route is looked up
        except OSError:
            return None
        address = s.getsockname()[0]
    return None if address.startswith("127.") else address


def test_preview_serves_the_loopback_address_only(tmp_path: Path, serve) -> None:
    address = _own_address()
    if address is None:
        pytest.skip("this machine has no address besides the loopback one")
    dag = tmp_path / "a.dag"
    dag.write_text(GOOD.format(name="a"))
    url = serve(dag)
    port = int(url.rsplit(":", 1)[1].strip("/"))
    with socket.socket() as s, pytest.raises(OSError):
        s.settimeout(2)
        s.connect((address, port))

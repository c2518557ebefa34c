"""Clickable figures in a real browser: clicking a linked element opens its page, inline
and in a figure written as a file (html-format img, shown by <object>), and a linked
element is reachable with the keyboard.

The site is served over HTTP on 127.0.0.1 (an <object>'s document is then same-origin, as
on a real site), and the mouse is pressed where the element is drawn.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cdp import Browser

DIAGRAM = """\
   x ~ X
   x -> [enc*] -> y
   y -> (ce) -> loss
   min loss
   link [enc]: py:func:local.encode
   link (ce): sub/ce.html#top
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        """No request log on the test's output."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from sphinx.cmd.build import build_main

    src = tmp_path_factory.mktemp("links") / "src"
    (src / "sub").mkdir(parents=True)
    (src / "conf.py").write_text("extensions = ['sphinx_dagnote']\nproject = 'dn'\n",
                                 encoding="utf-8")
    (src / "index.rst").write_text(
        "Links\n=====\n\n.. toctree::\n\n   api\n   sub/ce\n\n"
        ".. dagnote::\n   :class: dn-inline\n\n" + DIAGRAM
        + "\n.. dagnote::\n   :class: dn-img\n   :html-format: img\n\n" + DIAGRAM
        + "   direction LR\n", encoding="utf-8")
    (src / "api.rst").write_text("API\n===\n\n.. py:function:: local.encode(x)\n",
                                 encoding="utf-8")
    (src / "sub" / "ce.rst").write_text(".. _top:\n\nCE\n==\n", encoding="utf-8")
    out = src.parent / "html"
    assert build_main([str(src), str(out), "-q", "-b", "html"]) == 0
    handler = functools.partial(_Quiet, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


_CENTRE = """(() => {{
  const holder = document.querySelector('{holder}');
  holder.scrollIntoView({{block: 'center'}});
  const object = holder.querySelector('object');
  const doc = object ? object.contentDocument : holder;
  const r = doc.querySelector('g[data-key="{key}"]').getBoundingClientRect();
  const o = object ? object.getBoundingClientRect() : {{left: 0, top: 0}};
  return [o.left + r.left + r.width / 2, o.top + r.top + r.height / 2];
}})()"""


def _click(browser: Browser, holder: str, key: str) -> str:
    """Press the mouse on the element ``key`` of the diagram in ``holder``; the new URL."""
    x, y = browser.evaluate(_CENTRE.format(holder=holder, key=key))
    browser._events.clear()
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                     clickCount=1)
    browser.wait_event("Page.loadEventFired")
    return str(browser.evaluate("location.href"))


@pytest.mark.parametrize("holder", [".dn-inline", ".dn-img"])
@pytest.mark.parametrize(("key", "target"), [("mod:enc@1", "api.html#local.encode"),
                                             ("op:ce@1", "sub/ce.html#top")])
def test_clicking_an_element_opens_its_page(browser: Browser, site: str, holder: str,
                                            key: str, target: str) -> None:
    browser.open(site + "index.html")
    if holder == ".dn-img":
        assert browser.evaluate("document.querySelector('.dn-img object') !== null")
        browser.evaluate("new Promise(r => { const o = document.querySelector("
                         "'.dn-img object'); o.contentDocument && o.contentDocument."
                         "querySelector('svg') ? r(true) : o.onload = () => r(true); })")
    assert _click(browser, holder, key) == site + target


def test_linked_elements_take_keyboard_focus(browser: Browser, site: str) -> None:
    browser.open(site + "index.html")
    focused = browser.evaluate(
        "(() => { const a = document.querySelector('.dn-inline svg a');"
        " a.focus(); return document.activeElement === a"
        " && getComputedStyle(a).outlineStyle; })()")
    assert focused == "solid"  # the diagram's focus style, not only the browser's
    # a page that underlines its links does not underline the figure's
    plain = browser.evaluate(
        "(() => { const s = document.createElement('style');"
        " s.textContent = 'a { text-decoration: underline }'; document.head.append(s);"
        " const a = document.querySelectorAll('.dn-inline svg a')[1];"
        " return getComputedStyle(a).textDecorationLine; })()")
    assert plain == "none"

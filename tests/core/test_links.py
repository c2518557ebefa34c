"""Clickable figures: the link statement, the anchors in the SVG, the cache check, and how
a host resolves or drops a link."""

from __future__ import annotations

import re
import shutil

import pytest
from defusedxml.ElementTree import fromstring

import dagnote
from dagnote.drawing.trusted import trusted
from dagnote.language.parse import parse
from dagnote.language.syntax import Link

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
BASE = "x ~ X\nx -> [enc*] -> y\ny -> (ce) -> loss\nmin loss\n"


def link(line: str) -> Link:
    program, diagnostics = parse(line)
    assert diagnostics == []
    (stmt,) = program.statements
    assert isinstance(stmt, Link)
    return stmt


@pytest.mark.parametrize(("line", "url", "xref"), [
    ("link [enc]: https://example.org/enc", "https://example.org/enc", None),
    # a fragment is part of the URL; a '#' after a space starts a comment
    ("link [enc]: https://example.org/api.html#Enc  # the docs",
     "https://example.org/api.html#Enc", None),
    ("link [enc]: ../api/enc.html#x", "../api/enc.html#x", None),
    ('link (ce): "https://example.org/a b"', None, None),
    ("link [enc]: py:class:mypkg.Encoder", None, "py:class:mypkg.Encoder"),
    ("link [enc]: :py:class:`mypkg.Encoder`", None, "py:class:mypkg.Encoder"),
    ("link loss: :doc:`losses`", None, ":doc:losses"),
    ("link [ln2: LN*]: std:ref:layer-norm", None, "std:ref:layer-norm"),
])
def test_link_targets(line: str, url: str | None, xref: str | None) -> None:
    if url is None and xref is None:  # a space in a URL is an error, located at the URL
        _, diagnostics = parse(line)
        assert [(d.code, d.column) for d in diagnostics] == [("link", 12)]
        return
    stmt = link(line)
    assert (stmt.url, stmt.xref) == (url, xref)


@pytest.mark.parametrize("target", ["javascript:alert(1)", "JavaScript:alert(1)",
                                    "data:text/html,<b>x</b>", "file:///etc/passwd",
                                    "vbscript:x", "mailto:a@b.org", "https:no-slashes"])
def test_unsafe_targets_are_located_errors(target: str) -> None:
    _, diagnostics = parse(f"link   [enc]:  {target}")
    assert [(d.line, d.column, d.code) for d in diagnostics] == [(1, 16, "link")]


def test_link_problems_are_located() -> None:
    checked = dagnote.check(BASE + "link [dec]: https://example.org\n"
                            "link [enc]: https://a.org\nlink [enc]: https://b.org\n"
                            "link [enc] https://c.org\n")
    found = [(d.line, d.column, d.code) for d in checked.diagnostics]
    assert found == [(5, 6, "unknown-name"), (7, 6, "link-twice"), (8, 12, "syntax")]


def test_link_is_still_a_name_in_a_chain() -> None:
    program, diagnostics = parse("link -> [f] -> y")
    assert diagnostics == [] and program.statements[0].groups[0][0].ident == "link"


def _anchors(svg: bytes) -> dict[str, object]:
    """data-key of the linked element -> its <a>."""
    root = fromstring(svg)
    return {a.find(f"{SVG}g").get("data-key"): a for a in root.iter(f"{SVG}a")}


def test_linked_elements_are_anchors_around_their_group() -> None:
    source = ("x, y ~ (X, Y)\nx -> [enc*] -> y'\ny', y -> (ce) -> loss\nmin loss\n"
              "link [enc]: https://example.org/enc?a=1&b=2\n"
              "link (X, Y): data.html\nlink (ce): py:func:torch.nn.functional.cross_entropy\n"
              "link loss: #objective\n")
    svg = dagnote.render(source).output
    assert svg is not None and trusted(svg)
    anchors = _anchors(svg)
    assert set(anchors) == {"mod:enc@1", "src:(X, Y)", "op:ce@1", "val:loss"}
    enc = anchors["mod:enc@1"]
    assert enc.get("href") == enc.get(XLINK) == "https://example.org/enc?a=1&b=2"
    assert b"&amp;b=2" in svg  # escaped by the XML writer
    assert enc.find(f"{SVG}title").text == "enc (trained): https://example.org/enc?a=1&b=2"
    ce = anchors["op:ce@1"]
    assert ce.get("href") is None
    assert ce.get("data-xref") == "py:func:torch.nn.functional.cross_entropy"
    assert fromstring(svg).get("role") == "group"  # links inside role=img would be hidden
    assert b"a.dn-link:focus-visible" in svg


def test_a_figure_without_links_is_unchanged() -> None:
    svg = dagnote.render(BASE).output
    assert svg is not None
    assert b"<a " not in svg and b"xlink" not in svg and b'role="img"' in svg


def test_every_box_of_a_module_is_linked() -> None:
    svg = dagnote.render("a -> [f*] -> b\nc -> [f@2] -> d\nb, d -> (+) -> loss\nmin loss\n"
                         "link [f]: https://example.org/f").output
    assert svg is not None
    assert set(_anchors(svg)) == {"mod:f@1", "mod:f@2"}


@pytest.mark.parametrize("href", [b"javascript:alert(1)", b"data:text/html,x", b"//x\tz"])
def test_cache_check_refuses_unsafe_anchors(href: bytes) -> None:
    svg = dagnote.render(BASE + "link [enc]: https://example.org/enc").output
    assert svg is not None and trusted(svg)
    assert not trusted(svg.replace(b"https://example.org/enc", href))
    # one of the two addresses changed, or an event handler added
    assert not trusted(svg.replace(b'href="https://example.org/enc"', b'href="a.html"', 1))
    assert not trusted(svg.replace(b'<a class="dn-link"', b'<a class="dn-link" onclick="x"'))


def test_host_resolves_drops_and_rebases_links() -> None:
    source = (BASE + "link [enc]: api/enc.html\nlink (ce): py:func:ce\n"
              "link loss: py:data:missing\nlink x: std:ref:bad\n")
    svg = dagnote.render(source).output.decode()
    assert sorted(dagnote.xref_targets(svg)) == ["py:data:missing", "py:func:ce", "std:ref:bad"]
    out = dagnote.with_links(svg, {"py:func:ce": "ref.html#ce", "std:ref:bad": "javascript:x"},
                             rebase=lambda url: "../" + url, top=True)
    anchors = _anchors(out.encode())
    assert {k: a.get("href") for k, a in anchors.items()} == {
        "mod:enc@1": "../api/enc.html", "op:ce@1": "../ref.html#ce"}
    assert all(a.get("target") == "_top" and a.get(XLINK) == a.get("href")
               for a in anchors.values())
    root = fromstring(out.encode())  # unresolved or unsafe: drawn, without a link
    keys = {g.get("data-key") for g in root.iter(f"{SVG}g")}
    assert {"val:loss", "src:X"} <= keys
    assert "data-xref" not in out and "javascript" not in out


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="PDF needs rsvg-convert")
def test_pdf_keeps_url_links() -> None:
    """--format pdf (rsvg-convert) turns each URL link into a PDF link annotation."""
    pdf = dagnote.render(BASE + "link [enc]: https://example.org/enc#E\nlink (ce): py:func:ce\n",
                         dagnote.RenderOptions(format="pdf")).output
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert re.findall(rb"/URI\s*\(([^)]*)\)", pdf) == [b"https://example.org/enc#E"]


def test_a_link_on_a_module_frame_says_why_it_cannot_be() -> None:
    """``group [net*]: …`` draws net as a frame; a link to it was 'not in the diagram'."""
    checked = dagnote.check("x ~ X\nx -> [a*] -> y\ny -> (ce) -> loss\nmin loss\n"
                            "group [net*]: [a]\nlink [net]: https://example.org/net\n")
    (problem,) = checked.diagnostics
    assert (problem.line, problem.column, problem.code) == (6, 6, "link")
    assert "frame" in problem.message and "link one of its elements" in problem.message

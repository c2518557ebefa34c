"""Injection: whatever an author writes in a diagram, caption or alt text stays literal text.

HTML, SVG, JavaScript and DOT metacharacters go into every place that reaches the output
(names, labels, edge labels, notes, phases, captions, alt text); a real XML or HTML parser
then checks that no element, attribute or event handler appeared and the text survived.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

import dagnote

from .hosts import Page, build_mkdocs, build_sphinx, write

SVG = "{http://www.w3.org/2000/svg}"
SVG_TAGS = {"svg", "g", "title", "desc", "style", "rect", "circle", "ellipse", "polygon", "path",
            "line", "text", "tspan"}
PAYLOADS = [
    "<script>alert(1)</script>",
    '"]; a -> b [label="x',
    "&amp; &lt;b&gt; &#60;",
    "<svg onload=alert(1)>",
    "]]><x/><![CDATA[",
    "' onmouseover='alert(1)' x='",
    "\\N \\G \\l \\n",
    "<!-- c --> <?php ?>",
    "javascript:alert(1)",
    "{ } | < > ; -- } digraph g { a",
]
check = dagnote.check
MARK = "PAYLOAD"  # every payload is tagged so the test finds where it landed
#: attributes that name an element by its key (``data-key="mod:f@1"``) or an edge by the
#: keys it joins: documented hooks for styling and scripts, so they carry the author's
#: names; data-* attributes never run or load anything, and the text must round-trip
KEY_ATTRIBUTES = {"data-key", "data-tail", "data-head"}


def diagram(payload: str) -> str:
    """The payload in every label position the language has."""
    quoted = payload.replace('"', "'")  # quoted names cannot hold '"'
    # free text (edge labels, notes) is quoted unless it holds '"': unquoted, brackets
    # and braces in it are syntax (a located error, not an injection)
    free = payload if '"' in payload else f'"{payload}"'
    return (
        f'x ~ "{MARK} {quoted}"\n'
        f'x -> [f*] -> "{MARK}1 {quoted}" : {MARK}2 {free}\n'
        f'"{MARK}1 {quoted}", x -> (ce) -> loss\n'
        f'x -> [g: "{MARK}3 {quoted}"] -> loss2\n'
        f"note (ce): {MARK}4 {free}\n"
        "min loss\n"
        "min loss2\n"
    )


def svg_of(source: str) -> bytes:
    rendered = dagnote.render(source)
    assert not rendered.errors, rendered.diagnostics
    assert rendered.output is not None, rendered.engine_error
    return rendered.output


def assert_inert_svg(svg: bytes) -> str:
    """Parse the SVG; only drawing elements, no handlers or script URLs, user text only as
    text or in the key attributes. Returns its text."""
    root = fromstring(svg)
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert tags <= SVG_TAGS, tags - SVG_TAGS
    for el in root.iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (name, value)
            if name in KEY_ATTRIBUTES:
                continue
            assert "javascript:" not in value.lower(), (name, value)
            assert MARK not in value or el.tag.endswith("svg"), (el.tag, name, value)
    return " ".join(" ".join(el.itertext()) for el in root.iter())


def key_attributes(svg: bytes) -> str:
    """Every key attribute's value, as a parser reads it back."""
    return " ".join(value for el in fromstring(svg).iter()
                    for name, value in el.attrib.items() if name in KEY_ATTRIBUTES)


def squash(text: str) -> str:
    return "".join(text.split()).replace("\xa0", "")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_labels_stay_literal_in_svg(payload: str) -> None:
    svg = svg_of(diagram(payload))
    text = squash(assert_inert_svg(svg))
    quoted = payload.replace('"', "'")
    keys = squash(key_attributes(svg))
    for name in (f"{MARK} {quoted}", f"{MARK}1 {quoted}"):  # a data set and a value
        assert squash(name) in keys, name  # escaped on the way in, read back unchanged
    assert squash(f"{MARK} {quoted}") in text  # data set, drawn and in <desc>
    assert squash(f"{MARK}1 {quoted}") in text  # value
    assert squash(f"{MARK}3 {quoted}") in text  # module label
    free = payload if '"' in payload else f'"{payload}"'
    assert squash(f"{MARK}2 {free}") in text  # edge label
    assert squash(f"{MARK}4 {free}") in text  # note


def test_phase_names_stay_literal() -> None:
    source = ("z ~ N(0, 1)\nz -> [g*] -> loss\n"
              'phase "<script>alert(1)</script>": min loss\nphase (b&amp;): max loss\n')
    text = assert_inert_svg(svg_of(source))
    assert "<script>alert(1)</script>" in text and "(b&amp;)" in text


def test_summary_text_is_plain_text() -> None:
    """The summary feeds alt text and <desc>: it is text; hosts escape it as such."""
    checked = check(diagram("<script>alert(1)</script>"))
    assert "<script>alert(1)</script>" in checked.summary.text()


# -- hosts -----------------------------------------------------------------------------

HOST_PAYLOAD = "<script>alert(1)</script> <svg onload=alert(2)> \"]; a -> b [ &amp; ]]>"
EDGE_LABEL = '"<svg onload=alert(4)> ]]> &amp; a -> b [ \\G"'  # quoted free text
SHOWN_EDGE_LABEL = "<svg onload=alert(4)> ]]> &amp; a -> b [ \\G"  # drawn exactly so


def assert_inert_page(html: str, must_show: list[str]) -> Page:
    page = Page(html)
    for tag, attrs in page.tags:
        assert tag not in ("iframe", "object", "embed", "foreignobject"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            assert "javascript:" not in (value or "").lower(), (tag, name, value)
    for body in page.script_bodies:
        assert "alert(" not in body, body
    assert not any(t == "svg" and "onload" in a for t, a in page.tags)
    for text in must_show:
        assert text in page.all_text or any(text in (v or "") for _, a in page.tags
                                            for v in a.values()), text
    return page


def test_sphinx_caption_alt_and_labels_stay_literal(tmp_path: Path) -> None:
    label = "<script>alert(3)</script>"
    write(tmp_path, {"index.rst": f"""
        Title
        =====

        .. dagnote::
           :caption: {HOST_PAYLOAD}
           :alt: {HOST_PAYLOAD}

           x ~ "{label}"
           x -> [f*] -> y : {EDGE_LABEL}
           y, x -> (ce) -> loss
           min loss

        .. dagnote::
           :html-format: img
           :alt: {HOST_PAYLOAD}

           x ~ X
           x -> [f*] -> loss
           min loss
        """})
    html, warnings = build_sphinx(tmp_path)
    page = assert_inert_page(html, [HOST_PAYLOAD, label, SHOWN_EDGE_LABEL])
    alts = [a.get("alt") for t, a in page.tags if t == "img" and a.get("alt")]
    assert HOST_PAYLOAD in alts, alts  # the alt attribute holds the text, decoded once
    for svg_file in (tmp_path / "_build" / "html").rglob("*.svg"):
        assert_inert_svg(svg_file.read_bytes())


def test_mkdocs_caption_alt_and_labels_stay_literal(tmp_path: Path) -> None:
    label = "<script>alert(3)</script>"
    write(tmp_path, {"docs/index.md": f"""
        # Title

        ```dagnote caption='{HOST_PAYLOAD}' alt='{HOST_PAYLOAD}'
        x ~ "{label}"
        x -> [f*] -> y : {EDGE_LABEL}
        y, x -> (ce) -> loss
        min loss
        ```
        """})
    html = build_mkdocs(tmp_path)
    assert_inert_page(html, [HOST_PAYLOAD, label, SHOWN_EDGE_LABEL])

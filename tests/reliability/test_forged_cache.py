"""A forged cache row (matching key and checksum) cannot put anything into a page that
dagnote's SVG writer would not write: it is drawn again and the row replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

import dagnote
from dagnote import Cache
from dagnote.drawing.trusted import trusted

SOURCE = "x ~ X\nx -> [f*] -> y\nmin y\n"

FORGERIES = {
    "script": b'<script>alert(1)</script>',
    "handler": b'<rect onload="alert(1)" x="0" y="0" width="1" height="1"/>',
    "link": b'<a href="javascript:alert(1)"><text x="0" y="0">x</text></a>',
    "foreign": b'<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div>'
               b'</foreignObject>',
    "css-url": b'<rect style="fill:url(https://example.invalid/x)" x="0" y="0"/>',
    "colour": b'<rect fill="url(#x)" x="0" y="0" width="1" height="1"/>',
    "comment": b'<!-- hidden -->',
}


def _forge(svg: bytes, extra: bytes) -> bytes:
    """The real image with something slipped in before the closing tag."""
    end = svg.rindex(b"</svg>")
    return svg[:end] + extra + svg[end:]


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_a_forged_row_is_not_served(tmp_path: Path, name: str) -> None:
    cache = Cache(tmp_path / "cache")
    first = dagnote.render(SOURCE, cache=cache)
    assert first.output is not None and trusted(first.output)
    key = first.extra["cache_key"]
    body = cache.get(key)
    assert body is not None and body.endswith(first.output)
    forged = _forge(first.output, FORGERIES[name])
    cache.put(key, body[: len(body) - len(first.output)] + forged)
    assert cache.get(key) == body[: len(body) - len(first.output)] + forged  # stored as is
    dagnote.build.pipeline.clear_memo()
    again = dagnote.render(SOURCE, cache=cache)
    assert again.output == first.output and not again.from_cache
    assert cache.get(key) == body  # the row is replaced by the real drawing


def test_the_style_sheet_must_be_the_writers(tmp_path: Path) -> None:
    svg = dagnote.render(SOURCE).output
    assert svg is not None
    assert not trusted(svg.replace(b"--dn-text)}", b"--dn-text);background:url(x)}", 1))
    assert not trusted(svg.replace(b'role="img"', b'role="img" onclick="x()"', 1))
    assert trusted(svg)


def test_a_cache_directory_tells_git_to_ignore_it(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    dagnote.render(SOURCE, cache=cache)
    ignore = (tmp_path / "cache" / ".gitignore").read_text(encoding="utf-8")
    assert ignore.splitlines()[-1] == "*"

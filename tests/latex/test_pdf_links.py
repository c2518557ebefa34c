"""Linked elements in the PDF: a URL becomes a link annotation over its box, a
cross-reference to a documented object a link inside the document (Sphinx resolves it
as the role would), in a real latexmk build."""

from __future__ import annotations

import contextlib
import re
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "sphinx"))
from sphinx_helpers import run_build  # noqa: E402

from .tex import latexmk, need_tex  # noqa: E402

INDEX = """\
Links
=====

.. toctree::

   api

.. dagnote::
   :caption: Linked boxes.

   x ~ X
   x -> [enc*] -> z -> [dec*] -> x'
   x', x -> (ce) -> loss
   min loss
   link [enc]: https://example.org/enc?a=1&b=%41#frag
   link (ce): py:func:local.ce
   link [dec]: py:class:nowhere.Missing
"""


def objects(pdf: bytes) -> bytes:
    """The PDF's bytes with every compressed stream (object streams too) inflated."""
    parts = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(m.group(1)))
    return b"\n".join(parts)


def test_links_are_pdf_links(tmp_path: Path) -> None:
    need_tex()
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["sphinx_dagnote"]\nproject = "links"\n')
    (src / "index.rst").write_text(INDEX)
    (src / "api.rst").write_text("API\n===\n\n.. py:function:: local.ce(a, b)\n\n   Loss.\n")
    built = run_build(src, "latex")
    assert "link target 'py:class:nowhere.Missing' not found" in built.warnings
    tex = next(built.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert r"\href{https://example.org/enc?a=1&b=\%41\#frag}" in tex
    assert r"\hyperref[\detokenize{api:local.ce}]" in tex
    pdf = latexmk(built.outdir, next(built.outdir.glob("*.tex")).name)
    raw = objects(pdf.path.read_bytes())
    assert b"/URI(https://example.org/enc?a=1&b=%41#frag)" in raw
    # the cross-reference: an internal link over the small (ce) circle (contents entries
    # link too, but over a whole line)
    boxes = re.findall(rb"/Rect \[([-0-9. ]+)\]\s*/A << /S /GoTo", raw)
    sizes = [[float(v) for v in box.split()] for box in boxes]
    assert any(abs((x2 - x1) - (y2 - y1)) < 1 and x2 - x1 < 30
               for x1, y1, x2, y2 in sizes), sizes

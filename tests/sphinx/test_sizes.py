"""``:height:``, ``:scale:`` and ``dagnote_font_family`` in a real HTML build."""

from __future__ import annotations

import re
from pathlib import Path

INDEX = """Sizes
=====

.. dagnote::
   :scale: 50

   x -> [half*] -> y
   min y

.. dagnote::
   :height: 120px

   x -> [tall*] -> y
   min y

.. dagnote::
   :scale: 5000

   x -> [bad*] -> y
   min y
"""


def test_height_scale_and_font(tmp_path: Path, build) -> None:
    (tmp_path / "conf.py").write_text('extensions = ["sphinx_dagnote"]\n'
                                      'dagnote_font_family = "serif"\n')
    (tmp_path / "index.rst").write_text(INDEX)
    out = build(tmp_path, "html")
    html = out.read("index.html")
    divs = re.findall(r'<div class="dagnote-diagram[^"]*"[^>]*>', html)
    widths = re.findall(r'<svg [^>]*width="([0-9.]+)pt"', html)
    assert f'style="width: {float(widths[0]) / 2:.2f}pt"' in divs[0]
    assert "dagnote-height" in divs[1] and 'style="height: 120px"' in divs[1]
    assert len(divs) == 2  # the third is refused where it is written
    assert "scale 5000% must be more than 0" in out.warnings
    assert "index.rst:16" in out.warnings
    assert all("'Times New Roman'" in svg for svg in re.findall(r"<svg [^>]*>", html))

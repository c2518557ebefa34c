"""Issue 15 in Sphinx: lines named inside a message count in the page, 'allow' keeps a
deliberate mistake from failing -W, and lint marks on request (conf and option)."""

from __future__ import annotations

import html
import re
from pathlib import Path

CONFLICT = "   x ~ X\n   x -> [f*] -> y\n   y -> [x]\n   min y\n"  # line 3 names line 1
WARNS = "   x ~ X\n   x -> [f*] -> y\n   x -> [h*] -> z\n   min y\n"  # h is never updated


def site(tmp_path: Path, body: str, conf: str = "") -> Path:
    src = tmp_path / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text('extensions = ["sphinx_dagnote"]\nproject = "t"\n' + conf)
    (src / "index.rst").write_text("Title\n=====\n\nText.\n\n" + body)
    return src


def test_a_line_named_in_a_message_is_the_page_line(tmp_path: Path, build) -> None:
    out = build(site(tmp_path, ".. dagnote::\n\n" + CONFLICT))  # block line 1 = page line 8
    assert re.search(r"index\.rst:10: WARNING: 'x' is used as a module here but as a value "
                     r"on line 8: rename one of them", out.warnings), out.warnings
    assert "index.rst:10:9: error: 'x' is used as a module here but as a value on line 8" \
        in html.unescape(out.read("index.html"))


def test_allow_keeps_a_deliberate_mistake_out_of_the_warnings(tmp_path: Path, build) -> None:
    out = build(site(tmp_path, ".. dagnote::\n\n" + WARNS))
    assert "[dagnote.untrained]" in out.warnings
    allowed = build(site(tmp_path / "b", ".. dagnote::\n\n" + WARNS + "   allow untrained\n"))
    assert "dagnote" not in allowed.warnings
    assert 'class="dagnote"' in allowed.read("index.html")


def test_show_problems_by_option_and_by_conf(tmp_path: Path, build) -> None:
    plain = build(site(tmp_path / "a", ".. dagnote::\n\n" + WARNS))
    assert "dn-problem" not in plain.read("index.html")
    option = build(site(tmp_path / "b", ".. dagnote::\n   :show-problems:\n\n" + WARNS))
    page = html.unescape(option.read("index.html"))
    assert 'class="dn-problem"' in page and "trainable module 'h' is never updated" in page
    assert re.search(r"index\.rst:11: WARNING: trainable module 'h'", option.warnings)
    conf = build(site(tmp_path / "c", ".. dagnote::\n\n" + WARNS,
                      "dagnote_show_problems = True\n"))
    assert 'class="dn-problem"' in conf.read("index.html")

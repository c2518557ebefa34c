"""Size limits: a diagram too large to lay out quickly is refused with a located error.

Without them one page could hold a build for minutes (the layout's cost grows faster than
the source), so every limit in ``dagnote.language.limits`` has a test at and past its edge.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import dagnote
from dagnote import Diagnostic
from dagnote.documents.includes import IncludeError, read_file, read_include
from dagnote.documents.quoting import MAX_LISTED_PROBLEMS
from dagnote.documents.widths import width_problem
from dagnote.language.limits import (
    MAX_EDGES,
    MAX_LINE_LENGTH,
    MAX_LINES,
    MAX_NODES,
    MAX_SOURCE_BYTES,
)
from mkdocs_dagnote.fence import FenceError, validate

from .hosts import build_mkdocs, build_sphinx, write

check = dagnote.check


def too_large(source: str) -> list[Diagnostic]:
    return [d for d in check(source).diagnostics if d.code == "too-large"]


def test_source_size_limit() -> None:
    source = "x ~ X\n" + ("# " + "p" * 97 + "\n") * (MAX_SOURCE_BYTES // 100 + 1)
    [diag] = too_large(source)
    assert (diag.line, diag.column, diag.severity) == (1, 1, "error")
    assert f"the limit is {MAX_SOURCE_BYTES}" in diag.message
    assert "split it into smaller diagrams" in diag.message


def test_line_count_limit() -> None:
    [diag] = too_large("\n".join(["x ~ X"] * (MAX_LINES + 5)))
    assert diag.line == MAX_LINES + 1
    assert f"{MAX_LINES + 5} lines; the limit is {MAX_LINES}" in diag.message


def test_line_length_limit_points_at_the_long_line() -> None:
    [diag] = too_large("x ~ X\n" + "y" * (MAX_LINE_LENGTH + 1) + "\n")
    assert (diag.line, diag.column) == (2, MAX_LINE_LENGTH + 1)
    assert "break it into several statements" in diag.message


def _values(count: int) -> str:
    """``count`` distinct elements: value, module, value per line, then single givens."""
    lines = [f"v{i} -> [m{i}] -> w{i}" for i in range(count // 3)]
    lines += [f"given g{i}" for i in range(count % 3)]
    return "\n".join(lines) + "\n"


def test_node_limit_is_inclusive() -> None:
    assert not too_large(_values(MAX_NODES))


def test_node_limit_points_at_the_first_element_past_it() -> None:
    source = _values(MAX_NODES - 1) + "a -> b -> c\n"
    [diag] = too_large(source)
    last = len(source.splitlines())
    assert (diag.line, diag.column) == (last, 6)  # 'b', the 501st element
    assert f"more than {MAX_NODES} elements" in diag.message


def test_connection_limit() -> None:
    lefts = ", ".join(f"a{i}" for i in range(40))
    source = "".join(f"{lefts} -> b{j}\n" for j in range(MAX_EDGES // 40 + 1))
    [diag] = too_large(source)
    assert diag.line == MAX_EDGES // 40 + 1
    assert f"more than {MAX_EDGES} connections" in diag.message or "connects" in diag.message


def test_cross_product_refused_before_it_is_built() -> None:
    many = ",".join(f"a{i}" for i in range(200))
    [diag] = too_large(f"x ~ X\n{many} -> {many.replace('a', 'b')}\n")
    assert "connects 200 x 200 elements" in diag.message
    assert diag.line == 2


def test_phase_panels_count_towards_the_element_limit() -> None:
    head = "z ~ N(0, 1)\nz -> [g*] -> loss\n"
    fits = head + "".join(f"phase (p{i}): min loss\n" for i in range(MAX_NODES // 4))
    assert not too_large(fits)
    [diag] = too_large(fits + "phase (extra): min loss\n")
    assert diag.line == len(fits.splitlines()) + 1


def test_too_large_diagram_starts_no_engine() -> None:
    """A refused diagram costs no layout request and yields located errors, not output."""
    dagnote.render_many(["x ~ X\n" + "z" * (MAX_LINE_LENGTH + 1)])
    before = dagnote.engine_runs()
    rendered = dagnote.render_many(["x ~ X\n" + "y" * (MAX_LINE_LENGTH + 1)])[0]
    assert rendered.output is None and rendered.errors
    assert dagnote.engine_runs() == before


# -- files over the size limit are refused before they are read ------------------------------

def test_an_included_file_over_the_size_limit_is_refused_unread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.dag"
    with big.open("wb") as fh:
        fh.truncate(8 * MAX_SOURCE_BYTES * 1024)  # 512 MiB, sparse: nothing on disk
    read = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    with pytest.raises(IncludeError, match=f"the limit for a diagram is {MAX_SOURCE_BYTES}"):
        read_include("big.dag", tmp_path)
    assert not read  # refused from the size the file reports, before reading a byte


def test_a_file_that_grows_is_read_no_further_than_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that reports a small size (it grows while it is read, or lies) is read no
    further than the limit and one byte, then refused."""
    path = tmp_path / "x.dag"
    path.write_bytes(b"x ~ X\n" * MAX_SOURCE_BYTES)  # 6 times the limit
    real_fstat, real_read = os.fstat, os.read
    read = []

    def small_fstat(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:]))

    monkeypatch.setattr(os, "fstat", small_fstat)
    monkeypatch.setattr(os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    with pytest.raises(IncludeError, match=f"it is over {MAX_SOURCE_BYTES} bytes"):
        read_file(path, limit=MAX_SOURCE_BYTES)
    assert sum(read) == MAX_SOURCE_BYTES + 1
    assert read_file(path, limit=10 * MAX_SOURCE_BYTES).startswith("x ~ X\n")


def test_mkdocs_page_stays_small_with_a_huge_include(tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path, {"docs/index.md": '# T\n\n```dagnote file="big.dag"\n```\n'})
    (tmp_path / "docs" / "big.dag").write_text("x ~ X\n" * 1_000_000)  # 6 MB
    html = build_mkdocs(tmp_path)
    assert len(html) < 100_000
    assert any(m.startswith("docs/index.md:3: error: file='big.dag': it is 6000000 bytes")
               for m in (r.getMessage() for r in caplog.records)), caplog.text


# -- error boxes quote a bounded excerpt -----------------------------------------------------

def test_mkdocs_error_box_quotes_a_bounded_excerpt(tmp_path: Path) -> None:
    """A fence with thousands of broken lines: the box lists the first problems and the
    first lines of the source, and says how many more there are."""
    body = "".join(f"x{i} ~\n" for i in range(1500))
    write(tmp_path, {"docs/index.md": f"# T\n\n```dagnote\n{body}```\n"})
    html = build_mkdocs(tmp_path)
    box = html[html.index("dagnote-error"):]
    assert box.count("<li>") <= MAX_LISTED_PROBLEMS + 1
    assert "1480 more problems" in box, box[-2000:]
    assert "x1499" not in box and "more lines" in box
    assert len(box) < 20_000


def test_sphinx_error_box_lists_a_bounded_number_of_problems(tmp_path: Path) -> None:
    body = "".join(f"   x{i} ~\n" for i in range(1500))
    write(tmp_path / "src", {"index.rst": f"Title\n=====\n\n.. dagnote::\n\n{body}"})
    html, warnings = build_sphinx(tmp_path / "src")
    box = html[html.index("dagnote-error"):]
    assert "x1499" not in box and "1480 more problems" in box
    assert len(box) < 20_000
    assert warnings.count("[dagnote.sample]") == 1500  # the build log keeps every one


# -- sizes an author writes are bounded ------------------------------------------------------

HUGE_WIDTHS = ["99999999999999999999", "99999999999999999999px", "1e400", "200%", "5000em",
               "9999in"]


@pytest.mark.parametrize("width", HUGE_WIDTHS)
def test_sphinx_refuses_a_huge_width(tmp_path: Path, width: str) -> None:
    src = tmp_path / "src"
    write(src, {"index.rst": f"Title\n=====\n\n.. dagnote::\n   :width: {width}\n\n"
                             "   x ~ X\n   x -> [f*] -> y\n   min y\n\nText after.\n"})
    html, warnings = build_sphinx(src)
    assert "Text after." in html
    assert re.search(r"index\.rst:4: ERROR: .*width", warnings, re.S), warnings
    assert "width: " + width not in html and "9999999" not in html


@pytest.mark.parametrize("width", ["99999999999999999999", "200%", "5000em", "9999in"])
def test_mkdocs_refuses_a_huge_width(width: str) -> None:
    with pytest.raises(FenceError, match="width"):
        validate({"width": width})


@pytest.mark.parametrize("width", ["300", "300px", "20em", "60%", "100%", "12cm", "4in"])
def test_ordinary_widths_are_accepted(width: str) -> None:
    assert validate({"width": width}).width is not None
    assert width_problem(width) is None

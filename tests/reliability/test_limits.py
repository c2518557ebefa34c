"""Size limits: a diagram too large to lay out quickly is refused with a located error.

Without them one page could hold a build for minutes (the layout's cost grows faster than
the source), so every limit in ``dagnote.limits`` has a test at and past its edge.
"""

from __future__ import annotations

import dagnote
from dagnote import Diagnostic
from dagnote.limits import MAX_EDGES, MAX_LINE_LENGTH, MAX_LINES, MAX_NODES, MAX_SOURCE_BYTES

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

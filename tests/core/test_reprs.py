"""Reprs stay one short line (a Rendered's used to be its whole SVG), and the notebook
support costs ``import dagnote`` nothing."""

from __future__ import annotations

import subprocess
import sys

import dagnote

CLASSIFIER = "x, y ~ (X, Y)\nx -> [f*] -> y'\ny', y -> (ce) -> loss\nmin loss\n"


def test_rendered_repr_is_one_short_line() -> None:
    result = dagnote.render(CLASSIFIER)
    assert result.output is not None and len(result.output) > 1000
    text = repr(result)
    assert text == f"<Rendered: {len(result.output):,} bytes>"
    broken = repr(dagnote.render("x ~ X\nx -> [f*"))
    assert broken == "<Rendered: no image, 1 error>"


def test_diagram_repr_names_the_first_problem_without_drawing() -> None:
    diagram = dagnote.Diagram("x ~ X\nx -> [f* -> y\nmin y\nmin q\n", where="cell", line_offset=1)
    text = repr(diagram)
    assert text.startswith("<dagnote.Diagram: 4 lines, 2 problems: cell:3:6: error: '['")
    assert text.endswith("[syntax] (and 1 more)>")
    assert "rendered" not in diagram.__dict__  # a repr never waits for a layout
    assert diagram._repr_svg_() is None


def test_diagram_rejects_an_unknown_direction() -> None:
    try:
        dagnote.Diagram("x ~ X", direction="up")
    except ValueError as exc:
        assert "TB, LR, BT, RL" in str(exc)
    else:
        raise AssertionError("no error for direction='up'")


def test_import_dagnote_loads_no_ipython_and_no_notebook_module() -> None:
    code = ("import sys, dagnote; assert callable(dagnote.load_ipython_extension); "
            "print(sorted(m for m in sys.modules if m.startswith(('IPython', 'dagnote.notebook', "
            "'dagnote.magic', 'pygments'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"

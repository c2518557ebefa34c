"""Several objectives in one phase: the phase statement repeated with the same name
draws one panel holding every objective of that phase (documented in docs/syntax.rst)."""

from __future__ import annotations

import dagnote

from .geometry import read

SOURCE = """\
z ~ N(0, 1)
x ~ X
z -> [g] -> x'
x', x -> [d] -> d loss
x' -> (‖ ‖^2) -> feature loss
phase (a): min d loss wrt d
phase (b): max d loss wrt g
phase (b): min feature loss wrt g
"""


def test_a_phase_named_twice_is_one_panel_with_both_objectives() -> None:
    result = dagnote.render_many([SOURCE])[0]
    assert result.ok, result.diagnostics
    dg = read("phases", SOURCE, result.output)
    assert [c.text for c in dg.captions] == ["(a)", "(b)"]
    marks = {panel: sorted((n.key, kind) for n in dg.nodes if n.panel == panel
                           for kind, _ in n.marks if kind in ("min", "max"))
             for panel in (0, 1)}
    assert marks[0] == [("val:d loss", "min")]
    assert marks[1] == [("val:d loss", "max"), ("val:feature loss", "min")]
    stars = {panel: sorted(n.key for n in dg.nodes if n.panel == panel
                           for kind, _ in n.marks if kind == "star") for panel in (0, 1)}
    assert stars == {0: ["mod:d@1"], 1: ["mod:g@1"]}
    summary = dagnote.check(SOURCE).summary
    assert [(o.name, o.direction) for o in summary.objectives] == [
        ("d loss", "min"), ("d loss", "max"), ("feature loss", "min")]

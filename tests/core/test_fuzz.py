"""No text crashes the checker: random programs from the language's own pieces.

Seeded, so a failure names an input that can be replayed. It found ``min loss wrt *``
escaping the parser as an AssertionError.
"""

from __future__ import annotations

import json
import random

from dagnote.drawing.elk_graph import to_elk
from dagnote.drawing.problems import find_problems
from dagnote.drawing.scene import build_scenes
from dagnote.language.compile import compile_source

PIECES = ["x", "y", "z'", "*w", "[f*]", "[g]", "[f@2]", "[f@0]", "[*]", "(ce)", "(+)", "->",
          "-/->", "..>", ",", "~", ":", "X", "N(0, 1)", "(X, Y)", "min", "max", "given", "seq",
          "note", "phase", "(a):", "direction", "LR", "wrt", "from", "left", "right", '"a b"',
          '""', "*", "[", "]", "(", ")", "{", "}", "x_{t}", "σ^2", "=", "@", "#c", "of",
          "allow", "untrained", "script-braces", "show", "problems", "<-", "<-/-", "<..",
          "Q_target", "minimize",
          # gradient semantics: samples from a module, estimators, non-differentiable and
          # gradient operators, straight-through links, call-like values
          "~>", "~r>", "by", "score", "(argmax/)", "(/)", "(∇[f])", "(grad_x [g])", "(∇[x])",
          "straight-through", "to", "Q(s, a)", "log π(a|s)", "p_θ(z)",
          "group", "×N", "xN", "N×", "× 6", "[blk*]", '"E"']
# statement beginnings, so that the pieces after them reach every statement's parser
HEADS = ["", "x ->", "x, y ->", "x ~", "min loss", "max d", "min loss wrt", "given", "seq",
         "note x:", "phase (a): min loss", "direction", "allow untrained", "allow untrained:",
         "show problems", "show", "y <-", "maximise", "max R by score", "straight-through",
         "x -> [f*] ~>", "min loss wrt f by", 'group "E" ×N:', "group [blk*] xN:",
         "group:", "group E:"]


def test_random_programs_give_diagnostics_never_exceptions() -> None:
    rnd = random.Random(20261127)
    for _ in range(3000):
        source = "\n".join(
            rnd.choice(HEADS) + " " + " ".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 6)))
            for _ in range(rnd.randint(1, 6)))
        compiled = compile_source(source)  # raises on a crash: the source is in the report
        for d in compiled.diagnostics:
            assert d.line >= 1 and d.column >= 1, (source, d)
        if not compiled.has_errors:  # what the checker accepts becomes ELK graphs
            d = compiled.diagram
            problems = find_problems(d, compiled.diagnostics + compiled.allowed)
            scenes = build_scenes(d, 15.0, d.direction or "TB", problems)
            assert scenes, source
            for scene in scenes:
                graph = to_elk(scene)
                assert isinstance(graph["children"], list), source
                json.dumps(graph, allow_nan=False)  # what a layout worker is sent

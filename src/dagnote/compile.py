"""Source text to checked model: parse, build, check, summarise (no engine)."""

from __future__ import annotations

from dataclasses import dataclass

from .check import check as check_model
from .check import summarize
from .diagnostics import Diagnostic
from .limits import drawn_problems, limit_problems
from .model import Diagram, build
from .parse import parse
from .result import Summary


@dataclass
class Compiled:
    diagram: Diagram
    diagnostics: list[Diagnostic]
    summary: Summary

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


def compile_source(source: str) -> Compiled:
    """Every problem of a diagram, sorted by position.

    The checks run on what did parse, so one run reports a bad line and, say, an
    untrained module elsewhere (a compiler that stops at the first error wastes builds).
    """
    too_big = limit_problems(source)
    if too_big:
        return Compiled(Diagram(), too_big, Summary())
    program, diagnostics = parse(source)
    diagram, built = build(program)
    diagnostics += built
    if not any(d.code == "too-large" for d in built):
        diagnostics += drawn_problems(len(diagram.nodes), len(diagram.phases))
    diagnostics += check_model(diagram)
    return Compiled(diagram, sorted(diagnostics), summarize(diagram))

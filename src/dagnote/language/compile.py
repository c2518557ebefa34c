"""Source text to checked model: parse, build, check, summarise (no engine)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .allow import apply_allows
from .cascade import without_cascades
from .checks import check as check_model
from .checks import summarize
from .diagnostics import Diagnostic
from .limits import MAX_NODES, drawn_problems, limit_problems
from .model import Diagram, build
from .parse import BOM, parse
from .summary import Summary
from .syntax import Pos, Program


@dataclass
class Compiled:
    diagram: Diagram
    diagnostics: list[Diagnostic]
    summary: Summary
    allowed: list[Diagnostic] = field(default_factory=list)  # by 'allow': not reported

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


def compile_source(source: str) -> Compiled:
    """Every problem of a diagram, sorted by position.

    The checks run on what did parse, so one run reports a bad line and, say, an
    untrained module elsewhere (a compiler that stops at the first error wastes builds).
    """
    source = source.removeprefix(BOM)  # a byte order mark is not text (nor a column)
    too_big = limit_problems(source)
    if too_big:
        return Compiled(Diagram(), too_big, Summary())
    program, diagnostics = parse(source)
    diagram, built = build(program)
    diagnostics += built
    if not any(d.code == "too-large" for d in built):
        diagnostics += drawn_problems(len(diagram.nodes), len(diagram.phases),
                                      _first_phase_past_limit(diagram))
    diagnostics += check_model(diagram)
    diagnostics, allowed = apply_allows(diagram, without_cascades(diagram, diagnostics))
    if not diagram.nodes and not any(d.is_error for d in diagnostics):
        diagnostics.append(_empty(program))
    return Compiled(diagram, sorted(diagnostics), summarize(diagram), allowed)


def _empty(program: Program) -> Diagnostic:
    """The error for a diagram that draws nothing (blank, comments, ``direction`` only):
    a host would otherwise show an empty figure and say nothing."""
    first = program.statements[0].pos if program.statements else Pos(1, 1)
    return Diagnostic(first.line, first.column, "error", "empty",
                      "the diagram draws nothing: write at least one statement, as in "
                      "'x ~ X' or 'x -> [f*] -> y'")


def _first_phase_past_limit(diagram: Diagram) -> tuple[int, int]:
    """Where the phase that no longer fits under MAX_NODES is written (for its error)."""
    phases = diagram.phases
    if not phases or not diagram.nodes:
        return (1, 1)
    allowed = min(len(phases) - 1, max(1, MAX_NODES // len(diagram.nodes)))
    obj = next(o for o in diagram.objectives if o.phase == phases[allowed])
    return (obj.pos.line, obj.pos.column)

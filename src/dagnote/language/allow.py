"""``allow CODE`` and ``allow CODE: items``: a diagram accepts one of its warnings.

The statement is part of the diagram's source, so Sphinx, MkDocs and the CLI all honour
it the same way (a teaching figure that shows a mistake on purpose still builds with
``--strict`` / ``-W``). Only warnings can be allowed: an error means the diagram cannot
be drawn as written.
"""

from __future__ import annotations

from .diagnostics import Diagnostic
from .model import Diagram
from .suggest import did_you_mean

#: every warning a diagram can allow, and what it says
WARNINGS: dict[str, str] = {
    "untrained": "a trainable element no objective reaches",
    "objective-trains-nothing": "an objective that reaches nothing trainable",
    "wrt-unreached": "'wrt' names weights the objective does not reach",
    "operator-without-input": "an operator with no inputs",
    "script-braces": "a sub/superscript of several letters without braces",
    "score-without-sample": "'by score' with no '~>' sample upstream",
}


def apply_allows(diagram: Diagram, diagnostics: list[Diagnostic]
                 ) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """``diagnostics`` without the warnings the diagram allows, plus an error for each
    ``allow`` that names no check dagnote has (or a check that reports errors); and the
    allowed warnings (deliberate: not reported, but marked when problems are shown)."""
    kept: list[Diagnostic] = []
    allowed: list[Diagnostic] = []
    rules: list[tuple[str, frozenset[str] | None]] = []
    problems: list[Diagnostic] = []
    errors = {d.code for d in diagnostics if d.is_error}
    for code, pos, subjects in diagram.allowed:
        if code in WARNINGS:
            rules.append((code, subjects))
            continue
        if code in errors or code in ERROR_CODES:
            why = "it is an error, and a diagram with errors cannot be drawn: fix it instead"
        else:
            why = (f"no check has that name{did_you_mean(code, list(WARNINGS), 0.6)}: "
                   f"write one of {', '.join(WARNINGS)}")
        problems.append(Diagnostic(pos.line, pos.column, "error", "allow",
                                   f"cannot allow '{code}': {why}"))
    for d in diagnostics:
        if not d.is_error and any(code == d.code and (subjects is None or d.subject in subjects)
                                  for code, subjects in rules):
            allowed.append(d)
            continue
        kept.append(d)
    return kept + problems, allowed


#: the codes of errors (they cannot be allowed; named so the message says why)
ERROR_CODES = frozenset({
    "syntax", "unknown-statement", "reversed-arrow", "kind", "sample", "sample-source",
    "module-as-value", "dataset-as-value", "kind-conflict", "unknown-name", "wrt-kind",
    "objective-kind", "objective-direction", "cycle", "direction", "too-large", "empty",
    "character", "allow", "show", "link", "link-twice", "straight-through", "group-overlap",
    "group-module",
})

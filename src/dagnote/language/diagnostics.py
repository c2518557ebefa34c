"""Typed problems found in a diagram, each located by line and column.

Hosts (CLI, Sphinx, MkDocs) only translate these into their own warnings; they never
see a traceback from the core.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in a diagram source; line and column are 1-based in that source."""

    #: 1-based line in the diagram source (a host adds its block's offset).
    line: int
    #: 1-based column, counted in characters.
    column: int
    #: ``"error"`` (the diagram is not drawn) or ``"warning"`` (it is).
    severity: Severity
    #: which check found it (``syntax``, ``unknown-name``, ``cycle``, ``untrained``, ...);
    #: Sphinx warns with subtype ``dagnote.<code>``.
    code: str
    #: one sentence, for people.
    message: str

    def shifted(self, line_offset: int) -> Diagnostic:
        """The same problem with its line counted in a host file (block starts later)."""
        return replace(self, line=self.line + line_offset)

    def format(self, path: str = "<diagram>") -> str:
        """Compiler style: ``path:line:col: severity: message [code]``."""
        return f"{path}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.code}]"

    @property
    def is_error(self) -> bool:
        """Whether it is an error (a warning still lets the diagram be drawn)."""
        return self.severity == "error"


class DagnoteError(Exception):
    """Base class of every error the core raises on purpose."""


class DiagramError(DagnoteError):
    """The diagram has errors; ``diagnostics`` holds them (and any warnings)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.is_error]
        first = errors[0] if errors else diagnostics[0]
        super().__init__(first.format())


class EngineError(DagnoteError):
    """Drawing failed: a layout worker could not start, died, timed out or refused the
    graph, or a PNG/PDF conversion failed (the name predates the ELK layout)."""

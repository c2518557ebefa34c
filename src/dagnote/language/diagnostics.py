"""Typed problems found in a diagram, each located by line and column.

Hosts (CLI, Sphinx, MkDocs) only translate these into their own warnings; they never
see a traceback from the core.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

Severity = Literal["error", "warning"]
#: a position of the diagram (line, column) to the same position in the host file
Locate = Callable[[int, int], tuple[int, int]]


class _At:
    """A position a message refers to: ``{0}`` is "line 3", ``{0:col}`` "line 3, column 9"."""

    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column

    def __format__(self, spec: str) -> str:
        if spec == "col":
            return f"line {self.line}, column {self.column}"
        return f"line {self.line}"


def literal(text: str) -> str:
    """User text (a name) made safe to put in a template: its braces stay braces."""
    return text.replace("{", "{{").replace("}", "}}")


def located(template: str, related: tuple[tuple[int, int], ...]) -> str:
    """``template`` with its ``{0}``, ``{1}``... filled in with the ``related`` positions."""
    return template.format(*(_At(line, column) for line, column in related))


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
    # other places the message names ("used as a value on line 2"): the message is
    # ``template`` filled in with them, so a host can name them in its own file's lines
    related: tuple[tuple[int, int], ...] = ()
    template: str = ""
    subject: str = ""  # the element the problem is about (what 'allow CODE: x' names)

    @classmethod
    def at(cls, line: int, column: int, severity: Severity, code: str, template: str,
           related: tuple[tuple[int, int], ...] = (), subject: str = "") -> Diagnostic:
        """A diagnostic whose message names other positions (see :meth:`relocated`)."""
        return cls(line, column, severity, code, located(template, related), related,
                   template if related else "", subject)

    def relocated(self, locate: Locate) -> Diagnostic:
        """The same problem at the host file's line and column, and every position its
        message names counted in that file too (a block starts later, is indented)."""
        line, column = locate(self.line, self.column)
        if not self.related:
            return replace(self, line=line, column=column)
        related = tuple(locate(*at) for at in self.related)
        return replace(self, line=line, column=column, related=related,
                       message=located(self.template, related))

    def shifted(self, line_offset: int) -> Diagnostic:
        """The same problem with its lines counted in a host file (block starts later)."""
        return self.relocated(lambda line, column: (line + line_offset, column))

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

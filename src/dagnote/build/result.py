"""What a check or a render hands back to a host."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..language.diagnostics import Diagnostic
from ..language.summary import ObjectiveSummary, Summary

__all__ = ["Checked", "ObjectiveSummary", "Rendered", "Summary"]


@dataclass
class Checked:
    """A parsed and checked diagram (no rendering), as :func:`dagnote.check` returns it."""

    #: the diagram's text, as given.
    source: str
    #: every problem found, errors and warnings, in source order.
    diagnostics: list[Diagnostic]
    #: what the diagram trains: data, weights, objectives.
    summary: Summary
    # cross-reference link targets (``domain:role:target``) -> (line, column) of the link
    xrefs: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics that are errors (warnings left out)."""
        return [d for d in self.diagnostics if d.is_error]

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings are allowed)."""
        return not self.errors


@dataclass
class Rendered:
    """A rendered diagram, or why it could not be rendered.

    ``output`` is the image (SVG text as UTF-8 bytes, PNG or PDF bytes) or ``None`` when
    the diagram has errors (see ``diagnostics``) or the engine failed (``engine_error``).
    """

    #: the diagram's text, as given.
    source: str
    #: every problem found, errors and warnings, in source order.
    diagnostics: list[Diagnostic]
    #: what the diagram trains: data, weights, objectives.
    summary: Summary
    #: the image: SVG (ASCII text, no XML prolog, ready to inline), PNG or PDF bytes.
    output: bytes | None = None
    #: a one-line reason when a correct diagram could not be drawn (layout timed out, a
    #: layout worker died, no converter for PNG/PDF); nothing is cached for it.
    engine_error: str | None = None
    #: whether the image came from the cache rather than a new layout.
    from_cache: bool = False
    #: host bookkeeping: ``extra["cache_key"]`` is the entry's key, for pruning.
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics that are errors (warnings left out)."""
        return [d for d in self.diagnostics if d.is_error]

    @property
    def ok(self) -> bool:
        """True when there is an image."""
        return self.output is not None

    def __repr__(self) -> str:
        """One line (the dataclass repr printed the whole image: a wall of SVG bytes)."""
        what = f"{len(self.output):,} bytes" if self.output is not None else "no image"
        problems = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in (
            ("error", len(self.errors)),
            ("warning", len(self.diagnostics) - len(self.errors))) if n)
        engine = f", engine error: {self.engine_error}" if self.engine_error else ""
        cached = ", from cache" if self.from_cache else ""
        return f"<Rendered: {what}{', ' + problems if problems else ''}{engine}{cached}>"

"""What a check or a render hands back to a host."""

from __future__ import annotations

from dataclasses import dataclass, field

from .diagnostics import Diagnostic


@dataclass(frozen=True)
class ObjectiveSummary:
    """One objective: its label, min/max, and the weights it updates."""

    name: str
    direction: str  # "min" or "max"
    updates: tuple[str, ...]
    phase: str | None = None


@dataclass(frozen=True)
class Summary:
    """The three-element summary: data, weights, objectives (alt text, <desc>, captions)."""

    data: tuple[str, ...] = ()
    trained: tuple[str, ...] = ()
    frozen: tuple[str, ...] = ()
    objectives: tuple[ObjectiveSummary, ...] = ()

    def lines(self) -> list[str]:
        """Three lines: ``Data: …``, ``Weights: …``, ``Objectives: …``."""
        data = ", ".join(self.data) or "none"
        weights = ", ".join(f"{w} (trained)" for w in self.trained)
        frozen = ", ".join(f"{w} (frozen)" for w in self.frozen)
        weights = "; ".join(p for p in (weights, frozen) if p) or "none"
        objectives = []
        for obj in self.objectives:
            verb = "minimise" if obj.direction == "min" else "maximise"
            what = ", ".join(obj.updates) if obj.updates else "nothing"
            prefix = f"phase {obj.phase}: " if obj.phase else ""
            objectives.append(f"{prefix}{verb} {obj.name}, updating {what}")
        return [
            f"Data: {data}.",
            f"Weights: {weights}.",
            f"Objectives: {'; '.join(objectives) or 'none'}.",
        ]

    def text(self) -> str:
        """The summary as one paragraph."""
        return " ".join(self.lines())


@dataclass
class Checked:
    """A parsed and checked diagram (no rendering)."""

    source: str
    diagnostics: list[Diagnostic]
    summary: Summary

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Rendered:
    """A rendered diagram, or why it could not be rendered.

    ``output`` is the image (SVG text as UTF-8 bytes, PNG or PDF bytes) or ``None`` when
    the diagram has errors (see ``diagnostics``) or the engine failed (``engine_error``).
    """

    source: str
    diagnostics: list[Diagnostic]
    summary: Summary
    output: bytes | None = None
    engine_error: str | None = None
    from_cache: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def ok(self) -> bool:
        return self.output is not None

"""The three-element summary of a training setup: data, weights, objectives."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ObjectiveSummary:
    """One objective: its label, min/max, and the weights it updates."""

    #: the objective's label (``loss``).
    name: str
    #: ``"min"`` or ``"max"``.
    direction: str  # "min" or "max"
    #: the trained weights it reaches through gradients.
    updates: tuple[str, ...]
    #: the phase it belongs to (``phase (a): min loss wrt d``), or None.
    phase: str | None = None
    estimator: str = "pathwise"  # "score": a score-function (policy-gradient) estimator


@dataclass(frozen=True)
class Summary:
    """The three-element summary: data, weights, objectives (alt text, <desc>, captions)."""

    #: the data sets and distributions sampled from (``X``, ``N(0, 1)``).
    data: tuple[str, ...] = ()
    #: modules and data marked ``*``: their weights are trained.
    trained: tuple[str, ...] = ()
    #: modules without ``*``: used, not trained.
    frozen: tuple[str, ...] = ()
    #: one entry per ``min``/``max`` statement.
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
            how = " by the score function" if obj.estimator == "score" else ""
            objectives.append(f"{prefix}{verb} {obj.name}{how}, updating {what}")
        return [
            f"Data: {data}.",
            f"Weights: {weights}.",
            f"Objectives: {'; '.join(objectives) or 'none'}.",
        ]

    def text(self) -> str:
        """The summary as one paragraph."""
        return " ".join(self.lines())

"""The one line a build ends with: how many diagrams, how many came from the cache, how
many were drawn and how long drawing took ("dagnote: 37 diagrams, 35 from cache, 2 drawn
in 0.4 s"). Every host (Sphinx, MkDocs, the CLI) counts its results here, so the three
say the same thing the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a warm Sphinx rebuild imports no rendering code
    from .pipeline import RenderJob
    from .result import Rendered


@dataclass
class Tally:
    """Counts of one build's diagrams (each distinct diagram once) and its drawing time."""

    diagrams: int = 0
    from_cache: int = 0
    drawn: int = 0
    not_drawn: int = 0  # errors in the diagram, or the layout failed
    _start: float | None = None
    _end: float | None = None

    def count(self, result: Rendered) -> None:
        """One diagram's outcome."""
        self.diagrams += 1
        if result.from_cache:
            self.from_cache += 1
        elif result.output is not None:
            self.drawn += 1
        if result.output is None:
            self.not_drawn += 1

    def timed(self, job: RenderJob) -> None:
        """Take a job's drawing time into account (jobs may overlap: the span counts)."""
        if job.finished is None:
            return
        self._start = job.started if self._start is None else min(self._start, job.started)
        self._end = job.finished if self._end is None else max(self._end, job.finished)

    @property
    def seconds(self) -> float:
        """From the first job's start to its last drawing; 0 when nothing was drawn."""
        return 0.0 if self._start is None or self._end is None else self._end - self._start

    def line(self) -> str:
        """``dagnote: 37 diagrams, 35 from cache, 2 drawn in 0.4 s`` (and what was not)."""
        noun = "diagram" if self.diagrams == 1 else "diagrams"
        text = (f"dagnote: {self.diagrams} {noun}, {self.from_cache} from cache, "
                f"{self.drawn} drawn in {self.seconds:.1f} s")
        if self.not_drawn:
            text += f", {self.not_drawn} not drawn (see the messages above)"
        return text

"""Diagrams in Jupyter: an object that shows its figure and its problems.

``Diagram(source)`` renders once, on first display, and hands Jupyter the SVG
(``_repr_svg_``) and an HTML figure (``_repr_html_``) that lists every warning and error
with its line and column, escaped. Its ``repr`` is one line, never the image.
"""

from __future__ import annotations

import html
import itertools
from functools import cached_property

from .build.options import DIRECTIONS, RenderOptions
from .build.pipeline import check, render
from .build.result import Rendered
from .documents.page import for_page, root_id
from .documents.quoting import excerpt, listed

__all__ = ["Diagram"]

_copies: dict[str, itertools.count[int]] = {}  # per diagram: copies shown in this kernel


class Diagram:
    """A dagnote diagram for notebooks (and any IPython display).

    ``where`` names the source in messages (``cell``, a file name); ``line_offset`` is
    added to every line (the ``%%dagnote`` line is line 1 of its cell).
    """

    def __init__(self, source: str, *, direction: str | None = None,
                 caption: str | None = None, alt: str | None = None, summary: bool = False,
                 where: str = "<diagram>", line_offset: int = 0) -> None:
        if direction is not None and direction.upper() not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, "
                             f"not {direction!r}")
        self.source = source
        self.options = RenderOptions(direction=direction.upper() if direction else None)
        self.caption = caption
        self.alt = alt
        self.summary = summary
        self.where = where
        self.line_offset = line_offset

    @cached_property
    def rendered(self) -> Rendered:
        """The rendering (drawn on first use, in this kernel's layout workers)."""
        return render(self.source, self.options)

    @property
    def ok(self) -> bool:
        """Whether there is a figure (no errors, and the layout did not fail)."""
        return self.rendered.ok

    def messages(self) -> list[str]:
        """Every problem, compiler style: ``cell:3:8: error: ... [code]``."""
        out = [d.shifted(self.line_offset).format(self.where)
               for d in self.rendered.diagnostics]
        if self.rendered.engine_error:
            out.append(f"{self.where}: error: the engine failed: {self.rendered.engine_error}")
        return out

    def _repr_svg_(self) -> str | None:
        """The figure alone (front ends that show no HTML); None when there is none."""
        output = self.rendered.output
        return output.decode("utf-8") if output is not None else None

    def _repr_html_(self) -> str:
        """The figure with caption and summary, then its problems; or an error box."""
        rendered = self.rendered
        parts: list[str] = []
        if rendered.output is not None:
            svg = rendered.output.decode("utf-8")
            prefix = root_id(svg) or ""
            copy = next(_copies.setdefault(prefix, itertools.count(1)))
            parts.append('<figure class="dagnote-figure" style="margin: 0.5em 0">')
            parts.append(for_page(svg, self.alt, copy))
            if self.caption:
                parts.append(f"<figcaption>{html.escape(self.caption)}</figcaption>")
            if self.summary:
                items = "".join(f"<li>{html.escape(line)}</li>"
                                for line in rendered.summary.lines())
                parts.append('<ul class="dagnote-summary" style="list-style: none; '
                             f'padding-left: 0">{items}</ul>')
            parts.append("</figure>")
        messages = self.messages()
        if messages or rendered.output is None:
            parts.append(_problems_html(messages or [f"{self.where}: error: no image"],
                                        None if rendered.output is not None else self.source))
        return "".join(parts)

    def __repr__(self) -> str:
        """One line: size and problems (checked, not drawn, if not displayed yet)."""
        lines = len(self.source.rstrip().splitlines())
        if "rendered" in self.__dict__:
            problems = self.messages()
        else:
            problems = [d.shifted(self.line_offset).format(self.where)
                        for d in check(self.source).diagnostics]
        first = f": {problems[0]}" if problems else ""
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return (f"<dagnote.Diagram: {lines} line{'s' if lines != 1 else ''}, "
                f"{len(problems)} problem{'s' if len(problems) != 1 else ''}{first}{more}>")


def _problems_html(messages: list[str], source: str | None) -> str:
    """A box listing the problems (bounded), with a bounded excerpt of a failed source."""
    failed = source is not None
    title = ("dagnote: this diagram was not drawn" if failed
             else "dagnote: warnings")
    colour = "#c62828" if failed else "#b26a00"
    kind = "dagnote-error" if failed else "dagnote-warnings"
    items = "".join(f"<li><code>{html.escape(m)}</code></li>" for m in listed(messages))
    quoted = (f'<pre style="margin: 0.4em 0 0">{html.escape(excerpt(source))}</pre>'
              if source is not None else "")
    return (f'<div class="{kind}" role="alert" style="border-left: 4px solid {colour};'
            f' padding: 0.3em 0.8em; margin: 0.5em 0">'
            f"<p style=\"margin: 0.2em 0; font-weight: bold\">{title}</p>"
            f'<ul style="margin: 0.2em 0">{items}</ul>{quoted}</div>')

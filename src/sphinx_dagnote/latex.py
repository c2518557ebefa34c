"""What the LaTeX builder's preamble needs for dagnote: TikZ, adjustbox, and (pdflatex)
the Unicode characters diagram sources and summaries use.

Figures themselves are ASCII TikZ (labels escaped in the core); but a summary legend
(``Data: ε, x.``), a caption or a source shown in a code block carries the author's
Greek and math characters as they are, which pdflatex (Sphinx's default engine) cannot
set without a declaration. Each is declared with ``\\DeclareUnicodeCharacter`` as the
same LaTeX the figure labels use (``ε`` -> ``\\ensuremath{\\varepsilon}``).
"""

from __future__ import annotations

import functools

from sphinx.application import Sphinx

PACKAGES = ("tikz", "adjustbox")
#: Greek, ‖ and primes, letterlike symbols, arrows, mathematical operators, ceilings and
#: floors, geometric shapes (▽ △), angle brackets, script and double-struck letters (𝒩)
RANGES = ((0x0370, 0x0400), (0x2016, 0x2017), (0x2032, 0x2035), (0x2100, 0x2150),
          (0x2190, 0x2300), (0x2308, 0x230C), (0x25A0, 0x2600), (0x27E8, 0x27EC),
          (0x1D49C, 0x1D4D0), (0x1D538, 0x1D56C))


@functools.cache
def unicode_declarations() -> str:
    """``\\DeclareUnicodeCharacter`` for every character of :data:`RANGES` that LaTeX has
    a name for."""
    from dagnote.drawing.latex_text import latex_text  # LaTeX builds only

    lines = ["% dagnote: Unicode characters of diagram sources and summaries (pdflatex)"]
    for start, end in RANGES:
        for cp in range(start, end):
            latex = latex_text(chr(cp))
            if latex and "?" not in latex:
                lines.append(f"\\DeclareUnicodeCharacter{{{cp:04X}}}{{{latex}}}")
    return "\n".join(lines) + "\n"


def register(app: Sphinx) -> None:
    for package in PACKAGES:
        app.add_latex_package(package)
    app.connect("builder-inited", add_preamble)


def add_preamble(app: Sphinx) -> None:
    """``builder-inited``: for the LaTeX builder with pdflatex, declare the Unicode
    characters before the project's own preamble (the last declaration of a character
    wins: the project's). Other builders import nothing of this."""
    builder = app.builder
    if builder.format != "latex" or app.config.latex_engine != "pdflatex":
        return  # xelatex and lualatex read Unicode with the fonts' own glyphs
    context = getattr(builder, "context", None)
    if isinstance(context, dict):
        context["preamble"] = unicode_declarations() + context.get("preamble", "")

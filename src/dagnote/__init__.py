"""dagnote: a small text language for deep-learning training setups, checked and drawn.

Hosts import only from here; see notes/CONTRACT.md for the contract. The names load on
first use (PEP 562), so a docs build that draws nothing (a warm rebuild) pays for none
of the parser, layout or XML modules.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Cache": "build.cache",
    "DagnoteError": "language.diagnostics",
    "Diagnostic": "language.diagnostics",
    "DiagramError": "language.diagnostics",
    "EngineError": "language.diagnostics",
    "engine_runs": "build.pipeline",
    "RenderOptions": "build.options",
    "with_problems_shown": "build.options",
    "fit_tikz": "drawing.tikz_writer",
    "tikz_with_xrefs": "drawing.tikz_writer",
    "for_page": "documents.page",
    "has_links": "documents.links",
    "rebase": "documents.links",
    "with_links": "documents.links",
    "xref_targets": "documents.links",
    "root_id": "documents.page",
    "check": "build.pipeline",
    "render": "build.pipeline",
    "render_many": "build.pipeline",
    "start_render": "build.pipeline",
    "warm_up": "build.pipeline",
    "write_atomic": "build.atomic",
    "RenderJob": "build.pipeline",
    "Checked": "build.result",
    "Diagram": "notebook",
    "ObjectiveSummary": "build.result",
    "Rendered": "build.result",
    "Summary": "build.result",
}

if TYPE_CHECKING:
    from .build.atomic import write_atomic
    from .build.cache import Cache
    from .build.options import RenderOptions, with_problems_shown
    from .build.pipeline import (
        RenderJob,
        check,
        engine_runs,
        render,
        render_many,
        start_render,
        warm_up,
    )
    from .build.result import Checked, ObjectiveSummary, Rendered, Summary
    from .documents.links import has_links, rebase, with_links, xref_targets
    from .documents.page import for_page, root_id
    from .drawing.tikz_writer import fit_tikz, tikz_with_xrefs
    from .language.diagnostics import DagnoteError, Diagnostic, DiagramError, EngineError
    from .notebook import Diagram


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dagnote' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext dagnote``: registers the ``%%dagnote`` cell magic (IPython is imported
    only here, so ``import dagnote`` stays cheap)."""
    from .magic import register

    register(ipython)


def stylesheet_path() -> Path:
    """The CSS that host pages include so inline diagrams follow light and dark themes."""
    return Path(__file__).with_name("dagnote.css")


__all__ = [
    "Cache",
    "Checked",
    "DagnoteError",
    "Diagnostic",
    "Diagram",
    "DiagramError",
    "EngineError",
    "ObjectiveSummary",
    "RenderOptions",
    "RenderJob",
    "Rendered",
    "Summary",
    "__version__",
    "check",
    "engine_runs",
    "fit_tikz",
    "for_page",
    "has_links",
    "load_ipython_extension",
    "rebase",
    "render",
    "render_many",
    "root_id",
    "start_render",
    "stylesheet_path",
    "tikz_with_xrefs",
    "warm_up",
    "with_links",
    "write_atomic",
    "with_problems_shown",
    "xref_targets",
]

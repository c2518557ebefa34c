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
    "Cache": "cache",
    "DagnoteError": "diagnostics",
    "Diagnostic": "diagnostics",
    "DiagramError": "diagnostics",
    "EngineError": "diagnostics",
    "engine_runs": "pipeline",
    "RenderOptions": "options",
    "for_page": "page",
    "root_id": "page",
    "check": "pipeline",
    "render": "pipeline",
    "render_many": "pipeline",
    "start_render": "pipeline",
    "warm_up": "pipeline",
    "write_atomic": "atomic",
    "RenderJob": "pipeline",
    "Checked": "result",
    "ObjectiveSummary": "result",
    "Rendered": "result",
    "Summary": "result",
}

if TYPE_CHECKING:
    from .atomic import write_atomic
    from .cache import Cache
    from .diagnostics import DagnoteError, Diagnostic, DiagramError, EngineError
    from .options import RenderOptions
    from .page import for_page, root_id
    from .pipeline import (
        RenderJob,
        check,
        engine_runs,
        render,
        render_many,
        start_render,
        warm_up,
    )
    from .result import Checked, ObjectiveSummary, Rendered, Summary


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dagnote' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def stylesheet_path() -> Path:
    """The CSS that host pages include so inline diagrams follow light and dark themes."""
    return Path(__file__).with_name("dagnote.css")


__all__ = [
    "Cache",
    "Checked",
    "DagnoteError",
    "Diagnostic",
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
    "for_page",
    "render",
    "render_many",
    "root_id",
    "start_render",
    "stylesheet_path",
    "warm_up",
    "write_atomic",
]

"""dagnote: a small text language for deep-learning training setups, checked and drawn.

Hosts import only from here; see notes/CONTRACT.md for the contract.
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

from .cache import Cache  # noqa: E402
from .diagnostics import DagnoteError, Diagnostic, DiagramError, EngineError  # noqa: E402
from .engine import engine_runs  # noqa: E402
from .options import RenderOptions  # noqa: E402
from .page import for_page, root_id  # noqa: E402
from .render import check, render, render_many  # noqa: E402
from .result import Checked, ObjectiveSummary, Rendered, Summary  # noqa: E402


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
    "Rendered",
    "Summary",
    "__version__",
    "check",
    "engine_runs",
    "for_page",
    "render",
    "render_many",
    "root_id",
    "stylesheet_path",
]

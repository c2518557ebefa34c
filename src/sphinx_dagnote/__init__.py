"""Sphinx extension: ``.. dagnote::`` diagrams, checked at read time, rendered in one batch.

Add ``"sphinx_dagnote"`` to ``extensions``; see the configuration page of the docs.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from . import assets, collect, config, fallback, latex, visitors
from .directive import DagnoteDirective
from .nodes import dagnote

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, node, settings and build hooks."""
    config.register(app)
    app.add_node(
        dagnote,
        html=(visitors.visit_html, visitors.depart_noop),
        latex=(visitors.visit_latex, visitors.depart_noop),
    )
    app.add_directive("dagnote", DagnoteDirective)
    latex.register(app)
    app.connect("config-inited", assets.add_static)
    app.connect("env-purge-doc", collect.purge)
    app.connect("env-merge-info", collect.merge)
    app.connect("env-get-outdated", collect.outdated)
    app.connect("doctree-read", collect.draw_while_reading)
    app.connect("write-started", collect.start_writing)
    app.connect("doctree-resolved", collect.render_pending, priority=400)
    app.connect("doctree-resolved", fallback.replace_for_builder)
    app.connect("build-finished", collect.finish_writing)
    return {
        "version": __version__,
        # reading keeps its state in env (merged by env-merge-info); writers only read
        # results computed before the fork and write content-addressed files atomically
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }

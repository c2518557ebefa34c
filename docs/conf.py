"""Sphinx configuration of the dagnote documentation (it uses its own extension)."""

from __future__ import annotations

import importlib.util

project = "dagnote"
author = "the dagnote developers"
copyright = "2026, the dagnote developers"  # noqa: A001 - Sphinx's setting name

extensions = ["sphinx_dagnote", "myst_parser"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "gallery/*.dag", "setups/*.dag"]
numfig = True
myst_fence_as_directive = ["dagnote"]

html_theme = "furo" if importlib.util.find_spec("furo") else "alabaster"
html_title = "dagnote"

# dagnote settings (see configuration.rst); the cache sits next to _build/html.
dagnote_strict = True  # our own docs must be free of lint warnings, too

"""Stylesheets: the core's theme colours plus the error box, shipped via html_static_path.

The two files are added to ``html_static_path`` by absolute path at ``config-inited``:
Sphinx copies them into ``_static`` itself (in time for epub's manifest), and the value
is the same in every build, so Sphinx never sees a changed configuration (a path that
differed between builds made every warm build re-check its whole environment).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

import dagnote as core

OWN_CSS = Path(__file__).with_name("sphinx_dagnote.css")
STATIC_NAMES = ("dagnote.css", "sphinx_dagnote.css")


def add_static(app: Sphinx, config: Config) -> None:
    """``config-inited``: ship both stylesheets and link them from every HTML page."""
    files = [str(core.stylesheet_path()), str(OWN_CSS)]
    config.html_static_path = [*config.html_static_path,
                               *(f for f in files if f not in config.html_static_path)]
    for name in STATIC_NAMES:
        app.add_css_file(name)

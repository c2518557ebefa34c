"""Stylesheets: the core's theme colours plus the error box, shipped via html_static_path.

Copying into ``_static`` at ``build-finished`` would be too late for epub (its manifest is
written in ``finish``), so the files go into a directory that Sphinx itself copies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx

import dagnote as core

from .config import cache_dir

OWN_CSS = Path(__file__).with_name("sphinx_dagnote.css")
STATIC_NAMES = ("dagnote.css", "sphinx_dagnote.css")


def add_static(app: Sphinx) -> None:
    """``builder-inited``: stage both stylesheets and link them from every HTML page."""
    if app.builder.format != "html":
        return
    staging = cache_dir(app.builder) / "static"  # outside outdir, unlike doctreedir may be
    staging.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(core.stylesheet_path(), staging / "dagnote.css")
    shutil.copyfile(OWN_CSS, staging / "sphinx_dagnote.css")
    app.config.html_static_path = [*app.config.html_static_path, str(staging)]
    for name in STATIC_NAMES:
        app.add_css_file(name)

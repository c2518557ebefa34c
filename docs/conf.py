"""Sphinx configuration of the dagnote documentation (it uses its own extension)."""

from __future__ import annotations

import importlib.util

project = "dagnote"
author = "the dagnote developers"
copyright = "2026, the dagnote developers"  # noqa: A001 - Sphinx's setting name

# myst_nb includes myst_parser and runs the notebook pages (notebooks.md) in a kernel;
# autodoc: the Python API page (api.rst)
extensions = ["sphinx_dagnote", "myst_nb", "sphinx.ext.autodoc"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "gallery/*.dag", "setups/*.dag"]
numfig = True
myst_fence_as_directive = ["dagnote"]
myst_enable_extensions = ["deflist"]

# notebook pages are executed at every build; an exception in a cell fails the build
nb_execution_mode = "force"
nb_execution_timeout = 120
nb_execution_raise_on_error = True

# api.rst: the package root's names, members in the order the code has them
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented"

html_theme = "furo" if importlib.util.find_spec("furo") else "alabaster"
html_title = "dagnote"

# dagnote settings (see configuration.rst); the cache sits next to _build/html.
dagnote_strict = True  # our own docs must be free of lint warnings, too

# captioned code blocks name files (quickstart, install): no "Listing N" before them
html_static_path = ["_static"]
html_css_files = ["listings.css"]

# The PDF of the gallery (scripts/docs.sh builds it when TeX is installed and links it
# from gallery.rst): the LaTeX builder draws every figure as TikZ, in the PDF's own font.
latex_documents = [("gallery", "dagnote-gallery.tex", "dagnote: the gallery as TikZ",
                    author, "howto")]
latex_elements = {
    # the PDF shows dagnote's figures only: the HTML page's "dagnote" labels and the
    # hand-drawn reference images beside them are left out (their containers' classes)
    "preamble": r"""
\newenvironment{sphinxclassdagnote-compare-reference}{\setbox0=\vbox\bgroup}{\egroup}
\newenvironment{sphinxclassdagnote-compare-label}{\setbox0=\vbox\bgroup}{\egroup}
\setcounter{secnumdepth}{0}
""",
}

"""Tiny real Sphinx and MkDocs projects in a temporary directory, built in this process.

Shared by the injection and path tests, which need whole pages (not only the SVG) to
prove that nothing an author writes turns into markup.
"""

from __future__ import annotations

import os
import textwrap
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def build_sphinx(src: Path, conf: str = "") -> tuple[str, str]:
    """Build ``src`` (with index.rst) to HTML; returns (index.html text, warnings)."""
    from sphinx.testing.util import SphinxTestApp

    (src / "conf.py").write_text('extensions = ["sphinx_dagnote"]\nproject = "t"\n' + conf,
                                 encoding="utf-8")
    warnings = StringIO()
    # SphinxTestApp undoes docutils' global registrations afterwards (many builds, one process)
    app = SphinxTestApp("html", srcdir=src, status=StringIO(), warning=warnings,
                        freshenv=True)
    try:
        app.build()
    finally:
        app.cleanup()
    return (Path(app.outdir) / "index.html").read_text(encoding="utf-8"), warnings.getvalue()


def build_mkdocs(root: Path, config: str = "") -> str:
    """Build the MkDocs project in ``root`` (docs/index.md); returns the index page.

    ``config`` is added to mkdocs.yml."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    (root / "mkdocs.yml").write_text("site_name: t\ntheme: mkdocs\nplugins:\n  - dagnote\n"
                                     + config, encoding="utf-8")
    loaded = load_config(config_file=str(root / "mkdocs.yml"))
    build(loaded)
    return (Path(loaded.site_dir) / "index.html").read_text(encoding="utf-8")


class Page(HTMLParser):
    """Every start tag with its attributes, and the text, as a real HTML parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.script_bodies: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.script_bodies if self._in_script else self.text).append(data)

    @property
    def all_text(self) -> str:
        return "".join(self.text)

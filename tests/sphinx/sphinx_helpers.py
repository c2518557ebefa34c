"""Real Sphinx builds of the test roots (copied to tmp_path, never built in place).

A module of its own (not conftest) so tests can import it without clashing with the
other test folders' conftest modules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from io import StringIO
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

ROOTS = Path(__file__).parent / "roots"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Built:
    """The result of one build: output dir, warnings text, the app."""

    def __init__(self, app: SphinxTestApp, warnings: str) -> None:
        self.app = app
        self.outdir = Path(app.outdir)
        self.warnings = warnings

    def read(self, name: str) -> str:
        return (self.outdir / name).read_text(encoding="utf-8")


BuildFn = Callable[..., Built]


def run_build(srcdir: Path, builder: str = "html", *, parallel: int = 0,
              confoverrides: dict[str, object] | None = None,
              freshenv: bool = False) -> Built:
    """Build ``srcdir`` into ``srcdir/_build/<builder>`` and collect warnings."""
    warning = StringIO()
    app = SphinxTestApp(builder, srcdir=srcdir, confoverrides=confoverrides or {},
                        status=StringIO(), warning=warning, parallel=parallel,
                        freshenv=freshenv)
    try:
        app.build()
    finally:
        app.cleanup()
    return Built(app, _ANSI.sub("", warning.getvalue()))

"""Helpers for real Sphinx builds of the test roots (copied to tmp_path, never built in place)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

ROOTS = Path(__file__).parent / "roots"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """For ``@pytest.mark.sphinx(testroot=...)``: roots live next to these tests."""
    return ROOTS


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


@pytest.fixture
def project(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a test root into a fresh directory and return its path."""

    def copy(name: str) -> Path:
        dest = tmp_path / name / "src"
        shutil.copytree(ROOTS / f"test-{name}", dest)
        return dest

    return copy


@pytest.fixture
def build() -> BuildFn:
    """``build(srcdir, builder, parallel=..., confoverrides=...)`` -> Built."""
    return run_build
